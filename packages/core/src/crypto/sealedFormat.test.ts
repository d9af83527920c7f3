import { describe, expect, it } from "vitest";
import { type ErrorCode, isWalletAuthError } from "../errors/index.js";
import { KeyRing } from "./KeyRing.js";
import { generateKey } from "./generateKey.js";
import type { EnvelopeContext } from "./types.js";

const context: EnvelopeContext = { userId: "user_1", recordId: "cred_1", purpose: "credential:binance" };
const keyA = generateKey({ id: "key-a" });
const keyB = generateKey({ id: "key-b" });
const ring = KeyRing.fromKeys({ keys: [keyA, keyB], primaryKeyId: "key-a" });
const tamperCodes: ErrorCode[] = ["DECRYPTION_FAILED", "UNSUPPORTED_FORMAT", "UNKNOWN_KEY"];

function outcome(fn: () => unknown): ErrorCode | "opened" | "uncoded" {
  try {
    fn();
    return "opened";
  } catch (error) {
    return isWalletAuthError(error) ? error.code : "uncoded";
  }
}

const decode = (sealed: string) => Buffer.from(sealed, "base64url");
const encode = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

describe("sealed format v1", () => {
  it("lays out version, key id, then fixed-size fields around the ciphertext", () => {
    const { sealed } = ring.seal(new Uint8Array(10), context);
    const bytes = decode(sealed);
    expect(bytes[0]).toBe(1);
    expect(bytes[1]).toBe(5);
    expect(bytes.subarray(2, 7).toString("latin1")).toBe("key-a");
    expect(bytes.byteLength).toBe(154 + 5 + 10);
  });

  it("inspect reads key id and version without a key", () => {
    const { sealed } = ring.seal(new Uint8Array(3), context);
    const stranger = KeyRing.fromKeys({ keys: [generateKey({ id: "other" })], primaryKeyId: "other" });
    expect(stranger.inspect(sealed)).toEqual({ keyId: "key-a", formatVersion: 1 });
  });

  it("refuses every single-byte change at every position, with a coded error", () => {
    const { sealed } = ring.seal(Buffer.from("a 64-byte exchange secret, padded out to sixty-four bytes long.."), context);
    const original = decode(sealed);
    const failures = new Map<string, number>();
    for (let position = 0; position < original.byteLength; position += 1) {
      for (let mask = 1; mask <= 0xff; mask += 1) {
        const mutated = Buffer.from(original);
        mutated[position] = (mutated[position] as number) ^ mask;
        const code = outcome(() => ring.open(encode(mutated), context));
        if (!tamperCodes.includes(code as ErrorCode)) failures.set(`${position}/${mask}`, 0);
      }
    }
    expect([...failures.keys()]).toEqual([]);
    expect(outcome(() => ring.open(sealed, context))).toBe("opened");
  });

  it("refuses every truncation and every extension", () => {
    const { sealed } = ring.seal(Buffer.from("secret"), context);
    const original = decode(sealed);
    for (let length = 0; length < original.byteLength; length += 1) {
      expect(tamperCodes).toContain(outcome(() => ring.open(encode(original.subarray(0, length)), context)));
    }
    expect(outcome(() => ring.open(encode(Buffer.concat([original, Buffer.of(0)])), context))).toBe("DECRYPTION_FAILED");
  });

  it("refuses a record whose tag was truncated to 12, 8 or 4 bytes", () => {
    const { sealed } = ring.seal(Buffer.from("secret"), context);
    const original = decode(sealed);
    for (const cut of [4, 8, 12]) {
      expect(outcome(() => ring.open(encode(original.subarray(0, original.byteLength - cut)), context))).toBe("DECRYPTION_FAILED");
    }
  });

  it("refuses an unknown format version with UNSUPPORTED_FORMAT, also in inspect", () => {
    const { sealed } = ring.seal(Buffer.from("secret"), context);
    for (const version of [0, 2, 0xff]) {
      const mutated = decode(sealed);
      mutated[0] = version;
      expect(outcome(() => ring.open(encode(mutated), context))).toBe("UNSUPPORTED_FORMAT");
      expect(outcome(() => ring.inspect(encode(mutated)))).toBe("UNSUPPORTED_FORMAT");
      expect(outcome(() => ring.rewrap(encode(mutated), context))).toBe("UNSUPPORTED_FORMAT");
    }
  });

  it("refuses a record under a key id that is not in the ring with UNKNOWN_KEY, naming no key id", () => {
    const retired = generateKey({ id: "retired" });
    const old = KeyRing.fromKeys({ keys: [retired], primaryKeyId: "retired" });
    const { sealed } = old.seal(Buffer.from("secret"), context);
    try {
      ring.open(sealed, context);
      expect.unreachable();
    } catch (error) {
      expect(isWalletAuthError(error, "UNKNOWN_KEY")).toBe(true);
      const rendered = JSON.stringify(error) + String(error) + String((error as { reason?: string }).reason);
      expect(rendered).not.toContain("retired");
    }
  });

  it("refuses a record relabelled with another key id in the ring", () => {
    const { sealed } = ring.seal(Buffer.from("secret"), context);
    const mutated = decode(sealed);
    mutated.write("key-b", 2, "latin1");
    expect(outcome(() => ring.open(encode(mutated), context))).toBe("DECRYPTION_FAILED");
  });

  it("refuses strings that are not canonical base64url", () => {
    const { sealed } = ring.seal(Buffer.from("secret"), context);
    for (const bad of ["", "!", `${sealed}=`, `${sealed.slice(0, 10)}+${sealed.slice(11)}`, ` ${sealed}`, `${sealed}\n`]) {
      expect(outcome(() => ring.open(bad, context))).toBe("DECRYPTION_FAILED");
    }
  });

  it("does not reveal why a record failed in the public error", () => {
    const { sealed } = ring.seal(Buffer.from("secret"), context);
    try {
      ring.open(sealed, { ...context, userId: "mallory" });
      expect.unreachable();
    } catch (error) {
      expect(JSON.parse(JSON.stringify(error))).toEqual({ code: "DECRYPTION_FAILED", message: "The protected record could not be opened." });
    }
  });
});
