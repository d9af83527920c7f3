import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import { KeyRing } from "./KeyRing.js";
import { generateKey } from "./generateKey.js";
import type { EnvelopeContext } from "./types.js";

const oldKey = generateKey({ id: "old" });
const newKey = generateKey({ id: "new" });
const before = KeyRing.fromKeys({ keys: [oldKey], primaryKeyId: "old" });
const ring = KeyRing.fromKeys({ keys: [oldKey, newKey], primaryKeyId: "new" });

// Well-formed (no lone surrogates), non-empty strings, including multi-byte characters.
const field = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 });
const contextArb: fc.Arbitrary<EnvelopeContext> = fc.record({ userId: field, recordId: field, purpose: field });
const plaintextArb = fc.uint8Array({ maxLength: 2048 });
const sameContext = (a: EnvelopeContext, b: EnvelopeContext) => a.userId === b.userId && a.recordId === b.recordId && a.purpose === b.purpose;

function refused(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (error) {
    return isWalletAuthError(error, "DECRYPTION_FAILED") || isWalletAuthError(error, "UNSUPPORTED_FORMAT") || isWalletAuthError(error, "UNKNOWN_KEY");
  }
}

describe("KeyRing properties", () => {
  it("opens what it sealed, for any plaintext and context", () => {
    fc.assert(
      fc.property(plaintextArb, contextArb, (plaintext, context) => {
        const { sealed } = ring.seal(plaintext, context);
        expect(Buffer.from(ring.open(sealed, context)).equals(Buffer.from(plaintext))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("rewraps any record to the primary without changing what it opens to", () => {
    fc.assert(
      fc.property(plaintextArb, contextArb, (plaintext, context) => {
        const moved = ring.rewrap(before.seal(plaintext, context).sealed, context);
        expect(ring.inspect(moved.sealed).keyId).toBe("new");
        expect(Buffer.from(ring.open(moved.sealed, context)).equals(Buffer.from(plaintext))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("refuses any other context", () => {
    fc.assert(
      fc.property(plaintextArb, contextArb, contextArb, (plaintext, context, other) => {
        fc.pre(!sameContext(context, other));
        const { sealed } = ring.seal(plaintext, context);
        expect(refused(() => ring.open(sealed, other))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses any mutation of the sealed bytes: flips, truncation, insertion, deletion", () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
    );
    fc.assert(
      fc.property(plaintextArb, contextArb, fc.array(mutation, { minLength: 1, maxLength: 3 }), (plaintext, context, mutations) => {
        const original = Buffer.from(ring.seal(plaintext, context).sealed, "base64url");
        let bytes = Buffer.from(original);
        for (const m of mutations) {
          const at = m.at % (bytes.byteLength + 1);
          if (m.kind === "flip" && bytes.byteLength > 0) {
            const i = at % bytes.byteLength;
            bytes[i] = (bytes[i] as number) ^ m.mask;
          } else if (m.kind === "truncate") bytes = bytes.subarray(0, Math.min(at, bytes.byteLength - 1));
          else if (m.kind === "insert") bytes = Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
          else if (m.kind === "delete") bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.count)]);
        }
        fc.pre(!bytes.equals(original));
        expect(refused(() => ring.open(bytes.toString("base64url"), context))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
