/**
 * Credential lifecycle regressions (issue 8), through `createWalletAuth` with the real ccxt
 * gateway against the loopback exchange, on the memory store, embedded PGlite and (with
 * DATABASE_URL) the real PostgreSQL server.
 */
import { KeyRing, Redacted, createWalletAuth, isWalletAuthError } from "@wallet-auth/core";
import { createCcxtExchangeGateway } from "@wallet-auth/core/ccxt";
import { createMemoryStore } from "@wallet-auth/core/memory";
import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceStores } from "./test-support/sharedDatabases.js";

const stores = serviceStores();

const code = async (work: Promise<unknown>) => work.then(() => "ok", (e: unknown) => (isWalletAuthError(e) ? e.code : "uncoded"));

describe.each(stores)("credential lifecycle on %s", (_name, open) => {
  let exchange: LoopbackExchange;
  let n = 0;
  const key = (b: number) => new Uint8Array(32).fill(b);
  const make = async () => {
    const auth = createWalletAuth({
      store: await open(),
      keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
      secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
      exchanges: createCcxtExchangeGateway({ urls: { binance: exchange.origin }, enableRateLimit: false, timeoutMs: 5000 }),
      siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
    });
    const apiKey = `LIFECYCLEKEY${String(++n).padStart(20, "0")}`;
    exchange.addAccount({ apiKey, secret: "lifecycle-secret", balances: { BTC: { free: "1", locked: "0" } } });
    const ctx = { userId: `user_life_${n}` };
    const view = await auth.credentials.create(ctx, { exchange: "binance", label: "main", apiKey, secret: "lifecycle-secret" });
    return { auth, ctx, view, apiKey };
  };
  beforeAll(async () => {
    exchange = await startLoopbackExchange();
  });
  afterAll(async () => {
    await exchange.close();
  });

  it("enable does not turn a credential the exchange made invalid back to active", async () => {
    const { auth, ctx, view, apiKey } = await make();
    exchange.addAccount({ apiKey, secret: "lifecycle-secret", permissions: { enableWithdrawals: true } });
    expect((await auth.credentials.revalidate(ctx, view.id)).credential.status).toBe("invalid");
    expect(await code(auth.credentials.enable(ctx, view.id))).toBe("CONFLICT");
    expect((await auth.credentials.get(ctx, view.id)).status).toBe("invalid");
    expect(await code(auth.credentials.use(ctx, view.id, () => "secret handed out"))).not.toBe("ok");
    // A user's own disable is undone by enable.
    const other = await make();
    await other.auth.credentials.disable(other.ctx, other.view.id);
    expect((await other.auth.credentials.enable(other.ctx, other.view.id)).status).toBe("active");
    await auth.shutdown();
    await other.auth.shutdown();
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 15 * 60_000 + 1, "60000"])("refuses a lease with ttlMs %s instead of making one that never expires", async (ttlMs) => {
    const { auth, ctx, view } = await make();
    expect(await code(auth.credentials.lease(ctx, view.id, { ttlMs: ttlMs as number }))).toBe("INVALID_INPUT");
    await auth.shutdown();
  });

  it("stops serving cached balances once the credential is disabled", async () => {
    const { auth, ctx, view } = await make();
    const source = { type: "exchange" as const, credentialId: view.id };
    await auth.balances.get(ctx, { source });
    expect((await auth.balances.get(ctx, { source })).fromCache).toBe(true);
    await auth.credentials.disable(ctx, view.id);
    await new Promise((r) => setTimeout(r, 20));
    expect(await code(auth.balances.get(ctx, { source }))).not.toBe("ok");
    await auth.shutdown();
  });
});

const esm = fileURLToPath(new URL("../../core/dist/index.js", import.meta.url));
const cjs = fileURLToPath(new URL("../../core/dist/index.cjs", import.meta.url));

describe.skipIf(!existsSync(esm) || !existsSync(cjs))("Redacted across copies of core (run after pnpm build)", () => {
  it("the ESM build unwraps a value the CJS build made, and the reverse (two copies in one bot)", async () => {
    const fromEsm = (await import(pathToFileURL(esm).href)) as typeof import("@wallet-auth/core");
    const fromCjs = createRequire(import.meta.url)(cjs) as typeof import("@wallet-auth/core");
    expect(fromCjs.Redacted).not.toBe(fromEsm.Redacted);
    expect(fromEsm.Redacted.unwrap(fromCjs.Redacted.make("cjs-made"))).toBe("cjs-made");
    expect(fromCjs.Redacted.unwrap(fromEsm.Redacted.make("esm-made"))).toBe("esm-made");
    // And a key ring built by one copy accepts keys wrapped by the other (the misleading KEY_RING_INVALID before).
    const ring = fromEsm.KeyRing.fromKeys({ keys: [{ id: "k1", key: new Uint8Array(32).fill(7) }], primaryKeyId: "k1" });
    const secrets = { fingerprintKey: fromCjs.Redacted.make(new Uint8Array(32).fill(2)), auditKey: fromCjs.Redacted.make(new Uint8Array(32).fill(3)) };
    expect(() => fromEsm.createWalletAuth({ store: createMemoryStore(), keyRing: ring, secrets, siwe: { domain: "a.example", uri: "https://a.example", chainIds: ["eip155:1"] } })).not.toThrow();
  });
});
