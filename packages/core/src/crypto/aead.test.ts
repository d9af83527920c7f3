import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cryptoRandom } from "../ports/RandomSource.js";
import { aeadDecrypt, aeadEncrypt } from "./aead.js";

const key = randomBytes(32);
const aad = Buffer.from("aad");

describe("aeadEncrypt / aeadDecrypt", () => {
  it("round-trips and binds the associated data", () => {
    const { nonce, ciphertext, tag } = aeadEncrypt({ key, plaintext: Buffer.from("hello"), aad, random: cryptoRandom });
    expect(aeadDecrypt({ key, nonce, ciphertext, tag, aad }).toString()).toBe("hello");
    expect(() => aeadDecrypt({ key, nonce, ciphertext, tag, aad: Buffer.from("aae") })).toThrow(
      expect.objectContaining({ code: "DECRYPTION_FAILED" }),
    );
  });

  it("refuses a truncated tag, even one that is a correct prefix", () => {
    const { nonce, ciphertext, tag } = aeadEncrypt({ key, plaintext: Buffer.from("hello"), aad, random: cryptoRandom });
    for (const length of [0, 4, 8, 12, 13, 14, 15]) {
      expect(() => aeadDecrypt({ key, nonce, ciphertext, tag: tag.subarray(0, length), aad })).toThrow(
        expect.objectContaining({ code: "DECRYPTION_FAILED", reason: "tag-length" }),
      );
    }
  });

  it("zeroes unauthenticated plaintext instead of returning it", () => {
    const { nonce, ciphertext, tag } = aeadEncrypt({ key, plaintext: Buffer.from("hello"), aad, random: cryptoRandom });
    const badTag = Buffer.from(tag);
    badTag[0] = (badTag[0] as number) ^ 1;
    expect(() => aeadDecrypt({ key, nonce, ciphertext, tag: badTag, aad })).toThrow(expect.objectContaining({ reason: "tag-mismatch" }));
  });

  it("draws a distinct nonce for each of one million encryptions", () => {
    const seen = new Set<string>();
    const plaintext = new Uint8Array(0);
    const total = 1_000_000;
    for (let i = 0; i < total; i += 1) {
      const { nonce } = aeadEncrypt({ key, plaintext, aad, random: cryptoRandom });
      seen.add(Buffer.from(nonce.buffer, nonce.byteOffset, nonce.byteLength).toString("latin1"));
    }
    expect(seen.size).toBe(total);
  }, 120_000);
});
