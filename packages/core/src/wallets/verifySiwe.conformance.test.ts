import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import { verifySiwe } from "./verifySiwe.js";

// shared/ sits beside the repository (here and in CI), four levels above this folder.
const dir = fileURLToPath(new URL("../../../../../shared/conformance/siwe/", import.meta.url));

interface SiweVector {
  domain: string;
  address: string;
  statement?: string;
  uri: string;
  version: string;
  chainId: number;
  nonce: string;
  issuedAt: string;
  expirationTime?: string;
  notBefore?: string;
  signature: string;
  time?: string;
  domainBinding?: string;
  matchNonce?: string;
}

const load = (file: string) => Object.entries(JSON.parse(readFileSync(`${dir}${file}`, "utf8")) as Record<string, SiweVector>);

/** EIP-4361 text from the fields, keeping the vectors' own date strings (they were signed as written). */
function messageOf(v: SiweVector): string {
  const lines = [`${v.domain} wants you to sign in with your Ethereum account:`, v.address, ""];
  if (v.statement !== undefined) lines.push(v.statement, "");
  lines.push(`URI: ${v.uri}`, `Version: ${v.version}`, `Chain ID: ${v.chainId}`, `Nonce: ${v.nonce}`, `Issued At: ${v.issuedAt}`);
  if (v.expirationTime !== undefined) lines.push(`Expiration Time: ${v.expirationTime}`);
  if (v.notBefore !== undefined) lines.push(`Not Before: ${v.notBefore}`);
  return lines.join("\n");
}

const verify = (v: SiweVector) =>
  verifySiwe({
    message: messageOf(v),
    signature: v.signature,
    expected: {
      domain: v.domainBinding ?? v.domain,
      nonce: v.matchNonce ?? v.nonce,
      chainIds: [`eip155:${v.chainId}`],
      ...(v.time === undefined ? {} : { time: new Date(v.time) }),
    },
  });

// The specific internal reason each refusal must carry (the caller sees only the generic error).
const negativeReasons: Record<string, string> = {
  "expired message": "expired",
  "domain binding": "domain_mismatch",
  "custom time": "expired",
  "custom nonce": "nonce_mismatch",
  "malformed signature": "signature_malformed",
  "wrong signature": "signature_mismatch",
  "not yet valid": "not_yet_valid",
};

describe("SIWE conformance vectors (spruceid/siwe)", () => {
  const positive = load("verification_positive.json");
  const negative = load("verification_negative.json");

  it("has vectors to run", () => {
    expect(positive.length).toBeGreaterThan(0);
    expect(negative.length).toBeGreaterThan(0);
  });

  it.each(positive)("accepts positive case %s", async (_name, v) => {
    const result = await verify(v);
    expect(result.address).toBe(v.address);
    expect(result.method).toBe("eoa");
  });

  it.each(negative)("refuses negative case %s with the generic error and a specific reason", async (name, v) => {
    const error = await verify(v).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isWalletAuthError(error, "WALLET_VERIFICATION_FAILED")).toBe(true);
    const e = error as { reason?: string; message: string; toJSON(): unknown };
    expect(e.reason).toBe(negativeReasons[name]);
    expect(e.message).toBe("The wallet could not be verified.");
    expect(JSON.stringify(e)).not.toContain(e.reason);
  });
});
