import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cryptoRandom } from "../ports/RandomSource.js";
import { KeyRing } from "./KeyRing.js";
import { aeadDecrypt, aeadEncrypt, drawNonce } from "./aead.js";
import { generateKey } from "./generateKey.js";

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

  it("draws one million distinct nonces through the path aeadEncrypt uses", () => {
    const seen = new Set<string>();
    const total = 1_000_000;
    for (let i = 0; i < total; i += 1) {
      const nonce = drawNonce(cryptoRandom);
      seen.add(Buffer.from(nonce.buffer, nonce.byteOffset, nonce.byteLength).toString("latin1"));
    }
    expect(seen.size).toBe(total);
  }, 60_000);

  it("gives every seal fresh wrap and payload nonces (100k seals)", () => {
    const key = generateKey({ id: "k" });
    const ring = KeyRing.fromKeys({ keys: [key], primaryKeyId: "k" });
    const context = { userId: "u", recordId: "r", purpose: "p" };
    const seen = new Set<string>();
    const seals = 100_000;
    const empty = new Uint8Array(0);
    for (let i = 0; i < seals; i += 1) {
      const blob = Buffer.from(ring.seal(empty, context).sealed, "base64url");
      // Layout v1 with a 1-byte key id: wrap nonce at 3, payload nonce at 95.
      seen.add(blob.toString("latin1", 3, 15));
      seen.add(blob.toString("latin1", 95, 107));
    }
    expect(seen.size).toBe(2 * seals);
  }, 60_000);
});
