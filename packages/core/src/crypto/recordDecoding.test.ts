import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import type { RandomSource } from "../ports/RandomSource.js";
import { cryptoRandom } from "../ports/RandomSource.js";
import { KeyRing } from "./KeyRing.js";
import { generateKey } from "./generateKey.js";
import { COMMITMENT_BYTES, commitmentMatchesAt } from "./keyCommitment.js";
import { recordViews } from "./recordViews.js";
import { decodeSealedString, parseSealed } from "./sealedFormat.js";
import type { EnvelopeContext } from "./types.js";

const context: EnvelopeContext = { userId: "user_1", recordId: "cred_1", purpose: "credential:binance" };
const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** The definition the cheap checks must match: the alphabet, and re-encoding gives the string back. */
function canonical(candidate: string): boolean {
  return candidate.length > 0 && ALPHABET.test(candidate) && Buffer.from(candidate, "base64url").toString("base64url") === candidate;
}

function decodes(candidate: string): Buffer | "refused" {
  try {
    return decodeSealedString(candidate);
  } catch (error) {
    if (!isWalletAuthError(error, "DECRYPTION_FAILED")) throw error;
    return "refused";
  }
}

describe("decodeSealedString without re-encoding", () => {
  // Lengths 0, 2 and 3 mod 4: every shape a base64url string without padding can have.
  const samples = [165, 166, 167].map((length) => randomBytes(length).toString("base64url"));

  it("refuses every UTF-16 code unit outside the alphabet, substituted or inserted anywhere", () => {
    const wrong: string[] = [];
    const check = (mutated: string, label: string) => {
      if (decodes(mutated) !== "refused") wrong.push(label);
    };
    // Refusals throw; without stack traces a million of them take a second, not twenty.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      for (const sample of samples) {
        const middle = sample.length >> 1;
        const last = sample.length - 1;
        for (let unit = 0; unit <= 0xffff; unit += 1) {
          const c = String.fromCharCode(unit);
          if (ALPHABET.test(c)) continue;
          const label = `${sample.length}/U+${unit.toString(16)}`;
          check(sample.slice(0, middle) + c + sample.slice(middle + 1), `${label} replaces middle`);
          check(sample.slice(0, last) + c, `${label} replaces last`);
          check(sample.slice(0, middle) + c + sample.slice(middle), `${label} inserted`);
          if (unit < 0x100) {
            check(c + sample.slice(1), `${label} replaces first`);
            check(c + sample, `${label} prepended`);
            check(sample + c, `${label} appended`);
          }
        }
        for (const c of ["==", "\r\n"]) check(sample + c, `${sample.length}/suffix ${JSON.stringify(c)}`);
      }
    } finally {
      Error.stackTraceLimit = limit;
    }
    expect(wrong).toEqual([]);
  });

  it("accepts exactly the canonical strings when the last character changes, and decodes them right", () => {
    for (const sample of samples) {
      for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") {
        const candidate = sample.slice(0, -1) + c;
        const result = decodes(candidate);
        if (canonical(candidate)) expect(result).toEqual(Buffer.from(candidate, "base64url"));
        else expect(result).toBe("refused");
      }
    }
  });

  it("agrees with the re-encoding definition on short strings of any length", () => {
    for (let length = 0; length <= 9; length += 1) {
      for (let i = 0; i < 300; i += 1) {
        const candidate = randomBytes(length).toString("base64").replace(/=+$/, "").slice(0, length);
        const result = decodes(candidate);
        expect(result === "refused").toBe(!canonical(candidate));
      }
    }
  });
});

describe("record field views", () => {
  it("match the documented layout (parseSealed) for several key-id and payload lengths", () => {
    for (const id of ["k", "key-2025", "x".repeat(64)]) {
      const ring = KeyRing.fromKeys({ keys: [generateKey({ id })], primaryKeyId: id });
      for (const size of [0, 1, 64, 1000]) {
        const blob = decodeSealedString(ring.seal(randomBytes(size), context).sealed);
        const parts = parseSealed(blob);
        const views = recordViews(blob, parts.header.byteLength, blob.byteLength);
        for (const field of ["wrapNonce", "wrappedKey", "wrapTag", "payloadNonce", "ciphertext", "payloadTag"] as const) {
          expect(Buffer.from(views[field]).equals(Buffer.from(parts[field]))).toBe(true);
        }
      }
    }
  });
});

describe("KeyRing.open on records of every shape, and re-entrantly", () => {
  const key = generateKey({ id: "main" });
  const ring = KeyRing.fromKeys({ keys: [key], primaryKeyId: "main" });

  it("opens records of many shapes in any order", () => {
    const records = Array.from({ length: 150 }, (_, i) => {
      const plaintext = randomBytes(i * 7);
      const ctx = { userId: `u${"s".repeat(i % 13)}`, recordId: `r${i}`, purpose: i % 2 === 0 ? "credential:binance" : "ключ:kraken" };
      return { plaintext, ctx, sealed: ring.seal(plaintext, ctx).sealed };
    });
    for (let pass = 0; pass < 3; pass += 1) {
      for (const { plaintext, ctx, sealed } of pass === 1 ? [...records].reverse() : records) {
        expect(Buffer.from(ring.open(sealed, ctx)).equals(plaintext)).toBe(true);
      }
    }
  });

  it("opens and refuses records of several KiB exactly like small ones", () => {
    const plaintext = randomBytes(12_288);
    const { sealed } = ring.seal(plaintext, context);
    expect(Buffer.from(ring.open(sealed, context)).equals(plaintext)).toBe(true);
    const mutated = decodeSealedString(sealed);
    mutated[mutated.byteLength - 20] = (mutated[mutated.byteLength - 20] as number) ^ 1;
    expect(() => ring.open(mutated.toString("base64url"), context)).toThrowError(expect.objectContaining({ code: "DECRYPTION_FAILED" }));
    expect(() => ring.open(sealed, { ...context, purpose: "other" })).toThrowError(expect.objectContaining({ code: "DECRYPTION_FAILED" }));
  });

  it("is not confused by a context whose getters open another record", () => {
    const other = ring.seal(Buffer.from("the other secret"), { ...context, recordId: "other" }).sealed;
    const { sealed } = ring.seal(Buffer.from("the secret"), context);
    const inner: string[] = [];
    const sneaky = {
      get userId() {
        inner.push(Buffer.from(ring.open(other, { ...context, recordId: "other" })).toString());
        return context.userId;
      },
      recordId: context.recordId,
      purpose: context.purpose,
    };
    expect(Buffer.from(ring.open(sealed, sneaky)).toString()).toBe("the secret");
    expect(inner).toEqual(["the other secret"]);
  });

  it("rewraps correctly when the injected randomness opens records in between", () => {
    const old = generateKey({ id: "old" });
    const { sealed } = KeyRing.fromKeys({ keys: [old], primaryKeyId: "old" }).seal(Buffer.from("moving secret"), context);
    const decoy = ring.seal(randomBytes(300), { ...context, recordId: "decoy" }).sealed;
    let target: KeyRing | undefined;
    const random: RandomSource = {
      bytes: (length) => {
        target?.open(decoy, { ...context, recordId: "decoy" });
        return cryptoRandom.bytes(length);
      },
      uuid: () => cryptoRandom.uuid(),
    };
    target = KeyRing.fromKeys({ keys: [old, key], primaryKeyId: "main", random });
    const moved = target.rewrap(sealed, context);
    expect(Buffer.from(ring.open(moved.sealed, context)).toString()).toBe("moving secret");
  });
});

describe("commitmentMatchesAt", () => {
  it("finds a difference at any byte, and refuses ranges past the end", () => {
    const a = randomBytes(40);
    const b = Buffer.concat([randomBytes(5), a.subarray(8, 8 + COMMITMENT_BYTES)]);
    expect(commitmentMatchesAt(a, 8, b, 5)).toBe(true);
    for (let i = 0; i < COMMITMENT_BYTES; i += 1) {
      const c = Buffer.from(b);
      c[5 + i] = (c[5 + i] as number) ^ 0x80;
      expect(commitmentMatchesAt(a, 8, c, 5)).toBe(false);
    }
    expect(commitmentMatchesAt(a, 9, b, 5)).toBe(false);
    expect(commitmentMatchesAt(a, 8, b, 6)).toBe(false);
    expect(commitmentMatchesAt(a, -1, b, 5)).toBe(false);
  });
});
