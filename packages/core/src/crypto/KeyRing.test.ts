import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { type ErrorCode, isWalletAuthError } from "../errors/index.js";
import { KeyRing } from "./KeyRing.js";
import { generateKey } from "./generateKey.js";
import type { EnvelopeContext } from "./types.js";

const context: EnvelopeContext = { userId: "user_1", recordId: "cred_1", purpose: "credential:binance" };
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
const bytes = (value: string) => new Uint8Array(Buffer.from(value, "utf8"));

function ringOf(ids: string[], primaryKeyId: string) {
  const keys = ids.map((id) => generateKey({ id }));
  return { ring: KeyRing.fromKeys({ keys, primaryKeyId }), keys };
}

function codeOf(fn: () => unknown): ErrorCode | "no-error" | "not-coded" {
  try {
    fn();
    return "no-error";
  } catch (error) {
    return isWalletAuthError(error) ? error.code : "not-coded";
  }
}

describe("KeyRing seal/open", () => {
  it("round-trips a secret and reports the primary key id and format", () => {
    const { ring } = ringOf(["a"], "a");
    const result = ring.seal(bytes("api-secret"), context);
    expect(result.keyId).toBe("a");
    expect(result.formatVersion).toBe(1);
    expect(result.sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(text(ring.open(result.sealed, context))).toBe("api-secret");
  });

  it("round-trips an empty secret", () => {
    const { ring } = ringOf(["a"], "a");
    expect(ring.open(ring.seal(new Uint8Array(0), context).sealed, context).byteLength).toBe(0);
  });

  it("never produces the same sealed string twice for the same input", () => {
    const { ring } = ringOf(["a"], "a");
    const a = ring.seal(bytes("same"), context).sealed;
    const b = ring.seal(bytes("same"), context).sealed;
    expect(a).not.toBe(b);
  });

  it("does not leak the plaintext into the sealed string", () => {
    const { ring } = ringOf(["a"], "a");
    const secret = "super-secret-api-key-value";
    const { sealed } = ring.seal(bytes(secret), context);
    expect(Buffer.from(sealed, "base64url").includes(Buffer.from(secret))).toBe(false);
  });

  it.each([
    ["userId", { ...context, userId: "user_2" }],
    ["recordId", { ...context, recordId: "cred_2" }],
    ["purpose", { ...context, purpose: "credential:kraken" }],
  ])("refuses to open under another %s", (_field, other) => {
    const { ring } = ringOf(["a"], "a");
    const { sealed } = ring.seal(bytes("s"), context);
    expect(codeOf(() => ring.open(sealed, other))).toBe("DECRYPTION_FAILED");
  });

  it("does not confuse contexts whose concatenations are equal", () => {
    const { ring } = ringOf(["a"], "a");
    const { sealed } = ring.seal(bytes("s"), { userId: "ab", recordId: "c", purpose: "p" });
    expect(codeOf(() => ring.open(sealed, { userId: "a", recordId: "bc", purpose: "p" }))).toBe("DECRYPTION_FAILED");
  });

  it("refuses a record sealed by a ring with a different key under the same id", () => {
    const { ring } = ringOf(["a"], "a");
    const { ring: other } = ringOf(["a"], "a");
    const { sealed } = other.seal(bytes("s"), context);
    expect(codeOf(() => ring.open(sealed, context))).toBe("DECRYPTION_FAILED");
  });

  it("refuses an invalid context with INVALID_INPUT", () => {
    const { ring } = ringOf(["a"], "a");
    expect(codeOf(() => ring.seal(bytes("s"), { ...context, userId: "" }))).toBe("INVALID_INPUT");
    expect(codeOf(() => ring.seal(bytes("s"), { ...context, purpose: "\uD800" }))).toBe("INVALID_INPUT");
    expect(codeOf(() => ring.seal(bytes("s"), { ...context, recordId: "x".repeat(70_000) }))).toBe("INVALID_INPUT");
  });
});

describe("KeyRing rotation", () => {
  it("opens records of a non-primary key and rewraps them to the primary", () => {
    const [oldKey, newKey] = [generateKey({ id: "old" }), generateKey({ id: "new" })];
    const before = KeyRing.fromKeys({ keys: [oldKey], primaryKeyId: "old" });
    const { sealed } = before.seal(bytes("rotating"), context);

    const after = KeyRing.fromKeys({ keys: [oldKey, newKey], primaryKeyId: "new" });
    expect(text(after.open(sealed, context))).toBe("rotating");

    const moved = after.rewrap(sealed, context);
    expect(moved.keyId).toBe("new");
    expect(after.inspect(moved.sealed)).toEqual({ keyId: "new", formatVersion: 1 });
    expect(text(after.open(moved.sealed, context))).toBe("rotating");

    const retired = KeyRing.fromKeys({ keys: [newKey], primaryKeyId: "new" });
    expect(text(retired.open(moved.sealed, context))).toBe("rotating");
    expect(codeOf(() => retired.open(sealed, context))).toBe("UNKNOWN_KEY");
  });

  it("keeps the payload ciphertext when rewrapping", () => {
    const { ring: before, keys } = ringOf(["old"], "old");
    const after = KeyRing.fromKeys({ keys: [...keys, generateKey({ id: "new" })], primaryKeyId: "new" });
    const { sealed } = before.seal(bytes("payload stays"), context);
    const moved = after.rewrap(sealed, context).sealed;
    const tail = (s: string) => Buffer.from(s, "base64url").subarray(-60);
    expect(tail(moved).equals(tail(sealed))).toBe(true);
  });

  it("returns a record already on the primary unchanged", () => {
    const { ring } = ringOf(["a", "b"], "b");
    const sealed = ring.seal(bytes("s"), context);
    expect(ring.rewrap(sealed.sealed, context)).toEqual(sealed);
  });

  it("refuses to rewrap a record whose payload byte was flipped or whose tag was cut, and moves nothing", () => {
    const { ring: before, keys } = ringOf(["old"], "old");
    const after = KeyRing.fromKeys({ keys: [...keys, generateKey({ id: "new" })], primaryKeyId: "new" });
    const { sealed } = before.seal(bytes("payload must be authentic"), context);
    const raw = Buffer.from(sealed, "base64url");
    for (const at of [raw.length - 20, raw.length - 1]) {
      const flipped = Buffer.from(raw);
      flipped[at] = (flipped[at] as number) ^ 0x01;
      expect(codeOf(() => after.rewrap(flipped.toString("base64url"), context)), `byte ${at}`).toBe("DECRYPTION_FAILED");
    }
    expect(codeOf(() => after.rewrap(raw.subarray(0, raw.length - 4).toString("base64url"), context))).toBe("DECRYPTION_FAILED");
    expect(after.usage().old?.rewraps).toBe(0);
    expect(text(after.open(after.rewrap(sealed, context).sealed, context))).toBe("payload must be authentic");
  });

  it("refuses to rewrap under a wrong context", () => {
    const { ring: before, keys } = ringOf(["old"], "old");
    const after = KeyRing.fromKeys({ keys: [...keys, generateKey({ id: "new" })], primaryKeyId: "new" });
    const { sealed } = before.seal(bytes("s"), context);
    expect(codeOf(() => after.rewrap(sealed, { ...context, userId: "mallory" }))).toBe("DECRYPTION_FAILED");
  });

  it("counts seals, opens and rewraps per key", () => {
    const { ring: before, keys } = ringOf(["old"], "old");
    const after = KeyRing.fromKeys({ keys: [...keys, generateKey({ id: "new" })], primaryKeyId: "new" });
    const { sealed } = before.seal(bytes("s"), context);
    after.open(sealed, context);
    after.rewrap(sealed, context);
    after.seal(bytes("t"), context);
    expect(() => after.open(sealed, { ...context, userId: "x" })).toThrow();
    expect(after.usage()).toEqual({ old: { seals: 0, opens: 1, rewraps: 1 }, new: { seals: 1, opens: 0, rewraps: 0 } });
  });
});

describe("KeyRing openWith", () => {
  it("zeroes the plaintext after fn returns", () => {
    const { ring } = ringOf(["a"], "a");
    const { sealed } = ring.seal(bytes("zero me"), context);
    let seen: Uint8Array | undefined;
    const length = ring.openWith(sealed, context, (plaintext) => {
      seen = plaintext;
      expect(text(plaintext)).toBe("zero me");
      return plaintext.byteLength;
    });
    expect(length).toBe(7);
    expect(seen?.every((b) => b === 0)).toBe(true);
  });

  it("zeroes the plaintext when fn throws", () => {
    const { ring } = ringOf(["a"], "a");
    const { sealed } = ring.seal(bytes("zero me"), context);
    let seen: Uint8Array | undefined;
    expect(() =>
      ring.openWith(sealed, context, (plaintext) => {
        seen = plaintext;
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(seen?.every((b) => b === 0)).toBe(true);
  });

  it("zeroes only after an async fn settles", async () => {
    const { ring } = ringOf(["a"], "a");
    const { sealed } = ring.seal(bytes("async"), context);
    let seen: Uint8Array | undefined;
    const viaOpenWith = await ring.openWith(sealed, context, async (plaintext) => {
      seen = plaintext;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return text(plaintext);
    });
    expect(viaOpenWith).toBe("async");
    expect(seen?.every((b) => b === 0)).toBe(true);

    const viaAsync = await ring.openWithAsync(sealed, context, async (plaintext) => {
      seen = plaintext;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return text(plaintext);
    });
    expect(viaAsync).toBe("async");
    expect(seen?.every((b) => b === 0)).toBe(true);
  });
});

describe("KeyRing secrecy", () => {
  it("never exposes key bytes through JSON.stringify or util.inspect", () => {
    const keys = [generateKey({ id: "a" }), generateKey({ id: "b" })];
    const ring = KeyRing.fromKeys({ keys, primaryKeyId: "a" });
    const renderings = [
      JSON.stringify(ring),
      JSON.stringify({ ring }),
      inspect(ring, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
      inspect({ nested: ring }, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
      String(ring),
      JSON.stringify(Object.getOwnPropertyDescriptors(ring)),
    ];
    for (const rendering of renderings) {
      for (const { key, base64 } of keys) {
        expect(rendering).not.toContain(base64);
        expect(rendering).not.toContain(Buffer.from(key).toString("hex"));
        expect(rendering).not.toContain(Buffer.from(key).toString("base64url"));
        expect(rendering).not.toMatch(/\b\d{1,3}(, \d{1,3}){31}\b/); // a 32-number byte list
      }
    }
    expect(JSON.parse(JSON.stringify(ring))).toEqual({ primaryKeyId: "a", keyIds: ["a", "b"] });
  });

  it("copies key bytes in: zeroing the caller's buffer does not affect the ring", () => {
    const key = generateKey({ id: "a" });
    const ring = KeyRing.fromKeys({ keys: [key], primaryKeyId: "a" });
    const { sealed } = ring.seal(bytes("s"), context);
    key.key.fill(0);
    expect(text(ring.open(sealed, context))).toBe("s");
  });

  it("is frozen", () => {
    const { ring } = ringOf(["a"], "a");
    expect(Object.isFrozen(ring)).toBe(true);
  });
});
