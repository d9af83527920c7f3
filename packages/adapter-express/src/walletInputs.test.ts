import { walletChallengeInputSchema, walletLinkInputSchema } from "@wallet-auth/core";
import { describe, expect, it } from "vitest";
import { challengeBody, linkBody } from "./schemas.js";

const address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
const accepted = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) => schema.safeParse(value).success;

describe("wallet-link inputs: the HTTP API and the SDK accept exactly the same", () => {
  const challenges: unknown[] = [
    { address, chainId: "eip155:1" },
    { address, chainId: 1 },
    { address, chainId: "0x1" },
    { address: address.toLowerCase(), chainId: "1" },
    { address, chainId: "nope" },
    { address: "0x1234", chainId: "eip155:1" },
    { address, chainId: "eip155:1", extra: true },
  ];
  const links: unknown[] = [
    { message: "m".repeat(4096), signature: "0x00" },
    { message: "m".repeat(4097), signature: "0x00" },
    { message: "m".repeat(8192), signature: `0x${"ab".repeat(3000)}` },
    { message: "m".repeat(8193), signature: "0x00" },
    { message: "m", signature: "0x00", label: null },
    { message: "m", signature: "0x00", label: "Ledger" },
    { message: "m", signature: "0x00", other: 1 },
  ];

  it.each(challenges.map((c) => [JSON.stringify(c), c]))("challenge %s", (_text, body) => {
    expect(accepted(challengeBody, body)).toBe(accepted(walletChallengeInputSchema, body));
  });

  it.each(links.map((l) => [JSON.stringify(l).slice(0, 60), l]))("link %s", (_text, body) => {
    expect(accepted(linkBody, body)).toBe(accepted(walletLinkInputSchema, body));
  });

  it("a 4,097..8,192-character SIWE message and a null label pass the HTTP body check as they pass the SDK's; 8,193 is refused by both", () => {
    expect(accepted(linkBody, { message: "m".repeat(8192), signature: "0x00", label: null })).toBe(true);
    expect(accepted(linkBody, { message: "m".repeat(8193), signature: "0x00" })).toBe(false);
    expect(challengeBody.parse({ address, chainId: "0x1" })).toEqual({ address, chainId: "eip155:1" });
  });
});
