import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { RandomSource } from "../ports/RandomSource.js";
import { KeyRing } from "./KeyRing.js";

/**
 * Records sealed by the format-v1 code as first shipped (commit 92e51a3), from a fixed key, a
 * fixed context and a deterministic random source. Stored records must open forever: if one of
 * these stops opening, the sealed format (or its AAD, KDF or encoding) changed. Never regenerate
 * them to make this test pass.
 */
const GOLDEN: ReadonlyArray<{ plaintext: string; sealed: string }> = [
  {
    plaintext: "binance api secret: 0123456789abcdef",
    sealed:
      "AQtnb2xkZW4tMjAyNTNuS-bzDPpG9h71sxvDbHp1s8lZpL2oO27VFReu9lnWn5VlqzUVEc82L9bwhJVm3Ptkdkgob2kTmskrrQ4zo965LtBznFHMw3_K-Gh6pwChJOFYjMLLSnT9RpB-f8PCweuTlK-JvuRchTYkYuCw21EPKm165gtMhNYkZG2JJ_Vaa9cN1dD9bwNEI5XKVwso95FGNQOOu4CwZbNMRhpUb6oMRhFgn0XsmKJYRt4LmPae8ryw8NDOU7gkKTt9",
  },
  {
    plaintext: "",
    sealed:
      "AQtnb2xkZW4tMjAyNZtTFEPZ1kbOSzImOhvDbHp1s8lZpL2oO27VFReu9lnWn5VlqzUVEc82L9bwJ7GYDVgpt-SLmwNjE_hA3Xytj1hRtO-z11DRF31nBB1MZbLTzl6i-lnPFg7xbpNv14N6c15j1FBspUi8NCcuT3JizbnhU8bk5JTgCNdsHDeki2eZ_7K1hVUNgceVkOQ5IMwwvArXkXcq-kCf",
  },
  {
    plaintext: "x",
    sealed:
      "AQtnb2xkZW4tMjAyNbniq9ueZcIzvUzWfxvDbHp1s8lZpL2oO27VFReu9lnWn5VlqzUVEc82L9bw8zpMai0EIHgJKFTOf9_XP5h3mfVjmnu07PNEPtoYqnRTsM9jjOoZzwDdQ_ab8gum2T1pob-dV30rmVOpxTZ9_GCIfvbt3u92JoACSvqoLuq8Ik0ZVHxYLiv37RfnOlLv5K0ubJMf_wF6GT4kBA",
  },
];

const KEY_ID = "golden-2025";
const context = { userId: "user_golden", recordId: "cred_ünïcode_1", purpose: "credential:binance" };
const goldenKey = () => Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 3);

/** SHA-256 of a counter: the same bytes on every run, so sealing is reproducible. */
function deterministicRandom(): RandomSource {
  let counter = 0;
  return {
    bytes(length) {
      const out = Buffer.alloc(length);
      for (let at = 0; at < length; at += 32) {
        counter += 1;
        createHash("sha256").update(`golden-${counter}`).digest().copy(out, at);
      }
      return new Uint8Array(out);
    },
    uuid: () => "00000000-0000-4000-8000-000000000000",
  };
}

describe("sealed format v1 golden vectors", () => {
  const ring = KeyRing.fromKeys({ keys: [{ id: KEY_ID, key: goldenKey() }], primaryKeyId: KEY_ID });

  it.each(GOLDEN)("opens a record sealed by earlier code ($sealed.length chars)", ({ plaintext, sealed }) => {
    expect(Buffer.from(ring.open(sealed, context)).toString("utf8")).toBe(plaintext);
    expect(ring.inspect(sealed)).toEqual({ keyId: KEY_ID, formatVersion: 1 });
  });

  it("refuses a golden record under another context", () => {
    const sealed = (GOLDEN[0] as { sealed: string }).sealed;
    expect(() => ring.open(sealed, { ...context, recordId: "cred_other" })).toThrowError(expect.objectContaining({ code: "DECRYPTION_FAILED" }));
  });

  it("seals byte-for-byte the same records from the same key, context and randomness", () => {
    const sealer = KeyRing.fromKeys({ keys: [{ id: KEY_ID, key: goldenKey() }], primaryKeyId: KEY_ID, random: deterministicRandom() });
    expect(GOLDEN.map(({ plaintext }) => sealer.seal(Buffer.from(plaintext), context).sealed)).toEqual(GOLDEN.map(({ sealed }) => sealed));
  });

  it("rewraps a golden record to a new key without changing its payload section", () => {
    const next = KeyRing.fromKeys({ keys: [{ id: KEY_ID, key: goldenKey() }, { id: "next", key: new Uint8Array(32).fill(9) }], primaryKeyId: "next" });
    const { sealed } = GOLDEN[0] as { sealed: string };
    const moved = next.rewrap(sealed, context);
    expect(moved.keyId).toBe("next");
    expect(Buffer.from(next.open(moved.sealed, context)).toString("utf8")).toBe((GOLDEN[0] as { plaintext: string }).plaintext);
    const tail = (s: string) => Buffer.from(s, "base64url").subarray(-(16 + 32 + 12 + 36));
    expect(tail(moved.sealed).equals(tail(sealed))).toBe(true);
  });
});
