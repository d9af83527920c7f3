import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DATA_KEY_LABEL, WRAPPING_KEY_LABEL, commitmentMatches, deriveCommittedKey } from "./keyCommitment.js";

describe("deriveCommittedKey", () => {
  it("is the SP 800-56C one-step KDF: SHA-512(00000001 || key || label), split in two", () => {
    const key = randomBytes(32);
    const expected = createHash("sha512").update(Buffer.of(0, 0, 0, 1)).update(key).update(DATA_KEY_LABEL).digest();
    const { encryptionKey, commitment } = deriveCommittedKey(key, DATA_KEY_LABEL);
    expect(Buffer.from(encryptionKey).equals(expected.subarray(0, 32))).toBe(true);
    expect(Buffer.from(commitment).equals(expected.subarray(32))).toBe(true);
  });

  it("separates layers and keys, and never uses the source key as the AES key", () => {
    const key = randomBytes(32);
    const data = deriveCommittedKey(key, DATA_KEY_LABEL);
    const wrap = deriveCommittedKey(key, WRAPPING_KEY_LABEL);
    const other = deriveCommittedKey(randomBytes(32), DATA_KEY_LABEL);
    expect(commitmentMatches(data.commitment, wrap.commitment)).toBe(false);
    expect(commitmentMatches(data.commitment, other.commitment)).toBe(false);
    expect(Buffer.from(data.encryptionKey).equals(key)).toBe(false);
    expect(commitmentMatches(data.commitment, deriveCommittedKey(key, DATA_KEY_LABEL).commitment)).toBe(true);
  });

  it("leaves the caller's key untouched", () => {
    const key = randomBytes(32);
    const copy = Buffer.from(key);
    deriveCommittedKey(key, DATA_KEY_LABEL);
    expect(key.equals(copy)).toBe(true);
  });
});
