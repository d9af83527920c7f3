import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import { aeadDecrypt, aeadEncryptWithNonce } from "./aead.js";

// Vendored in the repository (packages/testing/conformance/wycheproof/, Apache-2.0): a fresh clone needs nothing beside it.
const vectorsPath = fileURLToPath(new URL("../../../testing/conformance/wycheproof/aes_gcm_test.json", import.meta.url));

interface AeadCase {
  tcId: number;
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
  result: "valid" | "invalid" | "acceptable";
  flags: string[];
}
interface AeadGroup {
  keySize: number;
  ivSize: number;
  tagSize: number;
  tests: AeadCase[];
}

const file = JSON.parse(readFileSync(vectorsPath, "utf8")) as { algorithm: string; testGroups: AeadGroup[] };
const hex = (value: string) => new Uint8Array(Buffer.from(value, "hex"));
const supported = (g: AeadGroup) => g.keySize === 256 && g.ivSize === 96 && g.tagSize === 128;
const cases = (groups: AeadGroup[]) => groups.flatMap((g) => g.tests);
const inScope = cases(file.testGroups.filter(supported));
const outOfScope = cases(file.testGroups.filter((g) => !supported(g)));

function decrypts(c: AeadCase): Uint8Array | "refused" {
  try {
    return aeadDecrypt({ key: hex(c.key), nonce: hex(c.iv), ciphertext: hex(c.ct), tag: hex(c.tag), aad: hex(c.aad) });
  } catch (error) {
    if (!isWalletAuthError(error, "DECRYPTION_FAILED")) throw error;
    return "refused";
  }
}

describe("Wycheproof AES-GCM (aes_gcm_test.json)", () => {
  it("has the expected vector counts", () => {
    expect(file.algorithm).toBe("AES-GCM");
    expect(inScope.filter((c) => c.result === "valid")).toHaveLength(39);
    expect(inScope.filter((c) => c.result === "invalid")).toHaveLength(27);
    expect(inScope.some((c) => c.result === "acceptable")).toBe(false);
  });

  it.each(inScope.filter((c) => c.result === "valid").map((c) => [c.tcId, c] as const))(
    "valid case %i decrypts to msg and encrypts to ct+tag",
    (_id, c) => {
      const plaintext = decrypts(c);
      expect(plaintext).not.toBe("refused");
      expect(Buffer.from(plaintext as Uint8Array).toString("hex")).toBe(c.msg);
      const sealed = aeadEncryptWithNonce({ key: hex(c.key), nonce: hex(c.iv), plaintext: hex(c.msg), aad: hex(c.aad) });
      expect(sealed.ciphertext.toString("hex")).toBe(c.ct);
      expect(sealed.tag.toString("hex")).toBe(c.tag);
    },
  );

  it.each(inScope.filter((c) => c.result === "invalid").map((c) => [c.tcId, c.flags.join(","), c] as const))(
    "invalid case %i (%s) is refused",
    (_id, _flags, c) => {
      expect(decrypts(c)).toBe("refused");
    },
  );

  it(`refuses all ${outOfScope.length} cases of other key or nonce sizes, both ways`, () => {
    expect(outOfScope.length).toBeGreaterThan(200);
    for (const c of outOfScope) {
      expect(decrypts(c), `tcId ${c.tcId}`).toBe("refused");
      expect(() => aeadEncryptWithNonce({ key: hex(c.key), nonce: hex(c.iv), plaintext: hex(c.msg), aad: hex(c.aad) })).toThrow(
        expect.objectContaining({ code: "INVALID_INPUT" }),
      );
    }
  });

  it("refuses every valid case once its tag is truncated (Node would accept 4..15-byte tags)", () => {
    for (const c of inScope.filter((v) => v.result === "valid")) {
      for (const length of [4, 8, 12, 15]) {
        expect(decrypts({ ...c, tag: c.tag.slice(0, length * 2) }), `tcId ${c.tcId}/${length}`).toBe("refused");
      }
    }
  });
});
