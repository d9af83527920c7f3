import { privateKeyToAccount } from "viem/accounts";
import { keccak256, stringToHex } from "viem";
import { describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import { formatSiweText, parseRfc3339, parseSiweText, type SiweMessageText } from "./siweGrammar.js";
import { checkSiweMessage, verifySiwe } from "./verifySiwe.js";

const signer = privateKeyToAccount(keccak256(stringToHex("siwe grammar test")));
const base: SiweMessageText = {
  domain: "app.example.com",
  address: signer.address,
  statement: "Link this wallet.",
  uri: "https://app.example.com/wallets",
  version: "1",
  chainId: "1",
  nonce: "abcdefgh1234",
  issuedAt: "2024-02-01T00:00:00.000Z",
};
const at = new Date("2024-02-01T00:01:00.000Z");

async function reasonOf(fields: SiweMessageText): Promise<string | undefined> {
  const message = formatSiweText(fields);
  // Signed for real: a refusal must come from the grammar, not from a bad signature.
  const signature = await signer.signMessage({ message });
  const error = await verifySiwe({ message, signature, expected: { domain: "app.example.com", time: at } }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) return undefined;
  expect(isWalletAuthError(error, "WALLET_VERIFICATION_FAILED")).toBe(true);
  return (error as { reason?: string }).reason;
}

describe("SIWE dates", () => {
  it.each(["2025-02-31T00:00:00Z", "2025-04-31T00:00:00Z", "2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:00:60Z"])(
    "refuses the impossible calendar date %s in Issued At, Expiration Time and Not Before as malformed",
    async (date) => {
      expect(parseRfc3339(date)).toBeNull();
      expect(await reasonOf({ ...base, issuedAt: date })).toBe("message_malformed");
      expect(await reasonOf({ ...base, expirationTime: date })).toBe("message_malformed");
      expect(await reasonOf({ ...base, notBefore: date })).toBe("message_malformed");
    },
  );

  it("accepts February 29 of a leap year, and offsets other than Z", async () => {
    expect(parseRfc3339("2024-02-29T12:00:00+02:00")?.toISOString()).toBe("2024-02-29T10:00:00.000Z");
    expect(parseRfc3339("2000-02-29T00:00:00.123456Z")?.toISOString()).toBe("2000-02-29T00:00:00.123Z");
    expect(await reasonOf({ ...base, expirationTime: "2024-02-29T00:00:00Z" })).toBeUndefined();
  });
});

describe("SIWE grammar: statements and URIs", () => {
  it.each(["`", "<", ">", "{", "|", "}", "^", "\\", '"', "é", "\t", "a\u202Eb"])("refuses a statement holding %j, which EIP-4361 forbids", async (ch) => {
    expect(await reasonOf({ ...base, statement: `Sign in ${ch} now` })).toBe("message_malformed");
  });

  it.each([
    "https://[::0.0.0.256]/",
    "https://[1:2:3:4:5:6:7:8:9]/",
    "https://[::1:2:3:4:5:6:7:8]/",
    "https://[ffff:abcd:0:10:200:3000:f8a]/",
    "https://[::300.0.0.0]/",
    "https://app.example.com/a b",
    "//app.example.com/",
    "app.example.com",
  ])("refuses the URI %s, which RFC 3986 forbids", async (uri) => {
    expect(await reasonOf({ ...base, uri })).toBe("message_malformed");
    expect(await reasonOf({ ...base, resources: [uri] })).toBe("message_malformed");
  });

  it.each(["https://[::1]:8443/x", "https://[2001:db8::7]/", "https://[::ffff:192.0.2.1]/", "https://[v1.fe]/", "urn:wallet-auth:user:user_1", "https://u:p@h:1/a?b=c#d"])(
    "accepts the RFC 3986 URI %s",
    async (uri) => {
      expect(await reasonOf({ ...base, uri })).toBeUndefined();
    },
  );

  it("accepts a message without a statement only in the grammar's form", async () => {
    const { statement: _omit, ...rest } = base;
    const text = formatSiweText(rest);
    expect(text).toContain(`${signer.address}\n\n\nURI: `);
    expect(parseSiweText(text).ok).toBe(true);
    // viem's createSiweMessage writes one empty line fewer: not EIP-4361.
    expect(parseSiweText(text.replace("\n\n\nURI: ", "\n\nURI: ")).ok).toBe(false);
  });

  it("refuses an all-lowercase (non EIP-55) address, a trailing newline and a CRLF message", async () => {
    const message = formatSiweText(base);
    const check = (m: string) => checkSiweMessage({ message: m, expected: { domain: "app.example.com", time: at } }).catch((e: { reason?: string }) => e.reason);
    expect(await check(message.replace(signer.address, signer.address.toLowerCase()))).toBe("message_malformed");
    expect(await check(`${message}\n`)).toBe("message_malformed");
    expect(await check(message.replaceAll("\n", "\r\n"))).toBe("message_malformed");
  });
});

describe("verifySiwe bad options", () => {
  it.each([null, {}, { message: "m", signature: "0x" }, { message: "m", signature: "0x", expected: null }, { message: "m", signature: "0x", expected: { domain: 5 } }])(
    "refuses malformed options with INVALID_INPUT, not a TypeError (%#)",
    async (options) => {
      const error = await verifySiwe(options as never).catch((e: unknown) => e);
      expect(isWalletAuthError(error, "INVALID_INPUT")).toBe(true);
    },
  );
});
