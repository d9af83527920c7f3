import { randomBytes } from "node:crypto";
import { type VaultTransitStandIn, startVaultTransit } from "@wallet-auth/testing/kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import { keyRingWrapContext } from "./KeyProvider.js";
import { loadKeyRing } from "./loadKeyRing.js";
import { createVaultTransitKeyProvider } from "./vaultTransitKeyProvider.js";

let vault: VaultTransitStandIn;
beforeAll(async () => {
  vault = await startVaultTransit();
  vault.createKey("ring");
  vault.createKey("plain", { derived: false });
});
afterAll(() => vault.close());

const provider = (extra: Partial<Parameters<typeof createVaultTransitKeyProvider>[0]> = {}) =>
  createVaultTransitKeyProvider({ address: vault.address, token: vault.token, keyName: "ring", timeoutMs: 500, ...extra });
const coded = (code: string, reason?: string) => (e: unknown) => isWalletAuthError(e) && e.code === code && (reason === undefined || e.reason === reason);

describe("Vault transit key provider (against the transit stand-in)", () => {
  it("wraps a ring key as vault:v1 bound to its key id and unwraps it", async () => {
    const key = randomBytes(32);
    const wrapped = await provider().wrap(key, keyRingWrapContext("k1"));
    expect(wrapped).toMatch(/^vault:v1:[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(await provider().unwrap(wrapped, keyRingWrapContext("k1")))).toEqual(key);
  });

  it("refuses to open a wrapped key under another key id (wrong derivation context)", async () => {
    const wrapped = await provider().generate(keyRingWrapContext("k1"));
    await expect(provider().unwrap(wrapped, keyRingWrapContext("k2"))).rejects.toSatisfy(coded("KEY_PROVIDER_REFUSED", "invalid-ciphertext"));
  });

  it("rewraps to the new key version after a rotation, and a retired version no longer opens", async () => {
    vault.createKey("rotating");
    const p = provider({ keyName: "rotating" });
    const key = randomBytes(32);
    const v1 = await p.wrap(key, keyRingWrapContext("k1"));
    vault.rotateKey("rotating");
    const v2 = await p.rewrap(v1, keyRingWrapContext("k1"));
    expect(v2).toMatch(/^vault:v2:/);
    vault.setMinDecryptionVersion("rotating", 2);
    await expect(p.unwrap(v1, keyRingWrapContext("k1"))).rejects.toSatisfy(coded("KEY_PROVIDER_REFUSED", "key-version-retired"));
    expect(Buffer.from(await p.unwrap(v2, keyRingWrapContext("k1")))).toEqual(key);
  });

  it("refuses a transit key that is not derived (its context would be ignored)", async () => {
    await expect(provider({ keyName: "plain" }).generate(keyRingWrapContext("k1"))).rejects.toSatisfy(coded("KEY_PROVIDER_REFUSED", "invalid-request"));
  });

  it("refuses with access-denied for a wrong token, naming no token in the error", async () => {
    const error = await provider({ token: "hvs.wrong-token-value" }).generate(keyRingWrapContext("k1")).catch((e: unknown) => e);
    expect(error).toSatisfy(coded("KEY_PROVIDER_REFUSED", "access-denied"));
    expect(JSON.stringify(error)).not.toContain("wrong-token-value");
  });

  it("refuses with key-not-found for a transit key Vault does not have, and access-denied once the token is revoked", async () => {
    const wrapped = await provider().generate(keyRingWrapContext("k1"));
    await expect(provider({ keyName: "never-created" }).unwrap(wrapped, keyRingWrapContext("k1"))).rejects.toSatisfy(coded("KEY_PROVIDER_REFUSED", "key-not-found"));
    const other = await startVaultTransit();
    try {
      other.createKey("ring");
      const p = createVaultTransitKeyProvider({ address: other.address, token: other.token, keyName: "ring", timeoutMs: 500 });
      const own = await p.generate(keyRingWrapContext("k1"));
      other.revokeToken();
      await expect(p.unwrap(own, keyRingWrapContext("k1"))).rejects.toSatisfy(coded("KEY_PROVIDER_REFUSED", "access-denied"));
    } finally {
      await other.close();
    }
  });

  it("fails with KEY_PROVIDER_UNAVAILABLE (timeout) when Vault does not answer, within the deadline", async () => {
    const wrapped = await provider().generate(keyRingWrapContext("k1"));
    vault.stall(true);
    try {
      const started = performance.now();
      await expect(provider().unwrap(wrapped, keyRingWrapContext("k1"))).rejects.toSatisfy(coded("KEY_PROVIDER_UNAVAILABLE", "timeout"));
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      vault.stall(false);
    }
  });

  it("fails with KEY_PROVIDER_UNAVAILABLE (unreachable) when nothing listens", async () => {
    await expect(createVaultTransitKeyProvider({ address: "http://127.0.0.1:1", token: "t", keyName: "ring", timeoutMs: 500 }).generate(keyRingWrapContext("k1"))).rejects.toSatisfy(
      coded("KEY_PROVIDER_UNAVAILABLE", "unreachable"),
    );
  });

  it("loads a ring whose keys it wrapped, and the ring seals and opens", async () => {
    const p = provider();
    const [a, b] = await Promise.all([p.generate(keyRingWrapContext("a2025")), p.generate(keyRingWrapContext("b2026"))]);
    const ring = await loadKeyRing({ provider: p, env: { WALLET_AUTH_WRAPPED_KEYS: `a2025:${a}:2025-01-02,b2026:${b}`, WALLET_AUTH_PRIMARY_KEY_ID: "b2026" } });
    expect(ring.keyIds()).toEqual(["a2025", "b2026"]);
    expect(ring.keyCreatedAt("a2025")?.toISOString()).toBe("2025-01-02T00:00:00.000Z");
    const context = { userId: "u1", recordId: "r1", purpose: "credential:binance" };
    const { sealed } = ring.seal(new TextEncoder().encode("api-secret"), context);
    expect(ring.openWith(sealed, context, (s) => new TextDecoder().decode(s))).toBe("api-secret");
  });

  it("refuses the whole ring when one wrapped key is presented under another id: no ring, no fallback", async () => {
    const p = provider();
    const a = await p.generate(keyRingWrapContext("a"));
    const b = await p.generate(keyRingWrapContext("b"));
    await expect(loadKeyRing({ provider: p, env: { WALLET_AUTH_WRAPPED_KEYS: `a:${a},b:${a}`, WALLET_AUTH_PRIMARY_KEY_ID: "a" } })).rejects.toSatisfy(coded("KEY_PROVIDER_REFUSED", "invalid-ciphertext"));
    await expect(loadKeyRing({ provider: p, env: { WALLET_AUTH_WRAPPED_KEYS: `a:${a},b:${b}`, WALLET_AUTH_KEYS: "a:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" } })).rejects.toSatisfy(
      coded("KEY_RING_INVALID", "plaintext-keys-with-provider"),
    );
  });
});
