import { describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import { KeyRing } from "./KeyRing.js";
import { generateKey } from "./generateKey.js";

const a = generateKey({ id: "a" });
const b = generateKey({ id: "b" });
const context = { userId: "u", recordId: "r", purpose: "p" };

function problemOf(fn: () => unknown): string {
  try {
    fn();
    return "accepted";
  } catch (error) {
    if (!isWalletAuthError(error, "KEY_RING_INVALID")) throw error;
    return String(error.details?.problem);
  }
}

describe("KeyRing.fromEnv", () => {
  it("builds a ring with several keys, a primary and creation dates", () => {
    const ring = KeyRing.fromEnv({
      WALLET_AUTH_KEYS: ` ${a.env}:2024-01-15 , ${b.env} `,
      WALLET_AUTH_PRIMARY_KEY_ID: "b",
    });
    expect(ring.primaryKeyId).toBe("b");
    expect(ring.keyIds()).toEqual(["a", "b"]);
    expect(ring.has("a") && ring.has("b") && !ring.has("c")).toBe(true);
    expect(ring.keyCreatedAt("a")?.toISOString()).toBe("2024-01-15T00:00:00.000Z");
    expect(ring.keyCreatedAt("b")).toBeNull();
    expect(ring.keyCreatedAt("c")).toBeNull();
    // Keys from the env are the same keys as generateKey produced.
    const sealed = KeyRing.fromKeys({ keys: [a], primaryKeyId: "a" }).seal(Buffer.from("x"), context).sealed;
    expect(Buffer.from(ring.open(sealed, context)).toString()).toBe("x");
  });

  it("accepts base64url and unpadded keys, and a single key without a primary id", () => {
    const url = Buffer.from(a.key).toString("base64url");
    const ring = KeyRing.fromEnv({ WALLET_AUTH_KEYS: `a:${url}` });
    expect(ring.primaryKeyId).toBe("a");
  });

  it("reads process.env by default and ignores later changes", () => {
    const saved = { keys: process.env.WALLET_AUTH_KEYS, primary: process.env.WALLET_AUTH_PRIMARY_KEY_ID };
    try {
      process.env.WALLET_AUTH_KEYS = `${a.env},${b.env}`;
      process.env.WALLET_AUTH_PRIMARY_KEY_ID = "a";
      const ring = KeyRing.fromEnv();
      process.env.WALLET_AUTH_PRIMARY_KEY_ID = "b";
      expect(ring.primaryKeyId).toBe("a");
    } finally {
      if (saved.keys === undefined) delete process.env.WALLET_AUTH_KEYS;
      else process.env.WALLET_AUTH_KEYS = saved.keys;
      if (saved.primary === undefined) delete process.env.WALLET_AUTH_PRIMARY_KEY_ID;
      else process.env.WALLET_AUTH_PRIMARY_KEY_ID = saved.primary;
    }
  });

  const short = Buffer.alloc(16, 7).toString("base64");
  const long = Buffer.alloc(33, 7).toString("base64");
  it.each([
    ["no variable", {}, "no-keys"],
    ["only commas", { WALLET_AUTH_KEYS: " , ," }, "no-keys"],
    ["entry without a key", { WALLET_AUTH_KEYS: "a" }, "malformed-entry"],
    ["too many fields", { WALLET_AUTH_KEYS: `${a.env}:2024-01-01:extra` }, "malformed-entry"],
    ["bad id", { WALLET_AUTH_KEYS: `a b:${a.base64}` }, "invalid-key-id"],
    ["empty id", { WALLET_AUTH_KEYS: `:${a.base64}` }, "invalid-key-id"],
    ["not base64", { WALLET_AUTH_KEYS: "a:not*base64" }, "invalid-key-encoding"],
    ["16-byte key", { WALLET_AUTH_KEYS: `a:${short}` }, "key-length"],
    ["33-byte key", { WALLET_AUTH_KEYS: `a:${long}` }, "key-length"],
    ["impossible date", { WALLET_AUTH_KEYS: `${a.env}:2025-02-30` }, "invalid-created-date"],
    ["date format", { WALLET_AUTH_KEYS: `${a.env}:15/01/2024` }, "invalid-created-date"],
    ["duplicate id", { WALLET_AUTH_KEYS: `${a.env},a:${b.base64}`, WALLET_AUTH_PRIMARY_KEY_ID: "a" }, "duplicate-key-id"],
    ["two keys, no primary", { WALLET_AUTH_KEYS: `${a.env},${b.env}` }, "missing-primary"],
    ["primary not in ring", { WALLET_AUTH_KEYS: `${a.env},${b.env}`, WALLET_AUTH_PRIMARY_KEY_ID: "c" }, "missing-primary"],
  ])("refuses %s", (_name, env, problem) => {
    expect(problemOf(() => KeyRing.fromEnv(env))).toBe(problem);
  });

  it("names neither key material nor key ids in its errors", () => {
    const secretId = "prod-2025-secret-id";
    for (const env of [
      { WALLET_AUTH_KEYS: `${secretId}:${short}` },
      { WALLET_AUTH_KEYS: `${a.env},${b.env}`, WALLET_AUTH_PRIMARY_KEY_ID: secretId },
      { WALLET_AUTH_KEYS: `a:${a.base64.slice(0, 20)}*${a.base64.slice(21)}` },
    ]) {
      try {
        KeyRing.fromEnv(env);
        expect.unreachable();
      } catch (error) {
        const rendered = [JSON.stringify(error), String(error), (error as Error).stack, String((error as { reason?: string }).reason)].join(" ");
        expect(rendered).not.toContain(secretId);
        expect(rendered).not.toContain(a.base64.slice(0, 20));
        expect(rendered).not.toContain(short);
      }
    }
  });
});

describe("KeyRing.fromKeys", () => {
  it.each([
    ["no keys", { keys: [], primaryKeyId: "a" }, "no-keys"],
    ["31-byte key", { keys: [{ id: "a", key: new Uint8Array(31) }], primaryKeyId: "a" }, "key-length"],
    ["64-byte key", { keys: [{ id: "a", key: new Uint8Array(64) }], primaryKeyId: "a" }, "key-length"],
    ["duplicate ids", { keys: [a, { id: "a", key: b.key }], primaryKeyId: "a" }, "duplicate-key-id"],
    ["missing primary", { keys: [a, b], primaryKeyId: "c" }, "missing-primary"],
    ["id too long", { keys: [{ id: "x".repeat(65), key: a.key }], primaryKeyId: "x".repeat(65) }, "invalid-key-id"],
    ["invalid date", { keys: [{ id: "a", key: a.key, createdAt: new Date(Number.NaN) }], primaryKeyId: "a" }, "invalid-created-date"],
  ])("refuses %s", (_name, options, problem) => {
    expect(problemOf(() => KeyRing.fromKeys(options))).toBe(problem);
  });

  it("reports the 1-based position of the key at fault", () => {
    try {
      KeyRing.fromKeys({ keys: [a, b, { id: "c", key: new Uint8Array(8) }], primaryKeyId: "a" });
      expect.unreachable();
    } catch (error) {
      expect((error as { details?: unknown }).details).toEqual({ problem: "key-length", position: 3 });
    }
  });
});

describe("generateKey", () => {
  it("returns 32 random bytes, their base64 and an env entry", () => {
    const key = generateKey({ id: "2025-06" });
    expect(key.key.byteLength).toBe(32);
    expect(Buffer.from(key.base64, "base64").equals(Buffer.from(key.key))).toBe(true);
    expect(key.env).toBe(`2025-06:${key.base64}`);
    expect(generateKey().key).not.toEqual(generateKey().key);
  });

  it("derives a default id from the date", () => {
    const { id } = generateKey({ clock: { now: () => new Date("2025-03-04T10:00:00Z") } });
    expect(id).toMatch(/^k20250304-[0-9a-f]{8}$/);
  });

  it("refuses an id the env format could not carry", () => {
    expect(problemOf(() => generateKey({ id: "a:b" }))).toBe("invalid-key-id");
  });
});
