import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCcxtExchangeGateway } from "../ccxt/CcxtExchangeGateway.js";
import { KeyRing } from "../crypto/KeyRing.js";
import { createMemoryStore } from "../memory/createMemoryStore.js";
import type { ExchangeGateway } from "../ports/ExchangeGateway.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { Redacted } from "../secret/Redacted.js";
import { createWalletAuth, type WalletAuth } from "../setup/createWalletAuth.js";

type CcxtModule = typeof import("ccxt");
const key = (b: number) => new Uint8Array(32).fill(b);
let loop: LoopbackExchange;
let ccxt: CcxtModule;
let exchanges: ExchangeGateway;
let n = 0;

/** A second ccxt client trading directly at the loopback Binance with a key: the leak. */
export function directClient(origin: string, apiKey: string, secret: string, lib: CcxtModule): InstanceType<CcxtModule["binance"]> {
  const client = new lib.binance({ apiKey, secret, enableRateLimit: false, options: { fetchMarkets: { types: ["spot"] }, fetchMargins: false, fetchCurrencies: false } });
  const api = client.urls.api as Record<string, string>;
  for (const [name, url] of Object.entries(api)) api[name] = origin + new URL(url).pathname;
  return client;
}

function services(store: WalletAuthStore, options: { cancelOpenOrders?: boolean } = {}): WalletAuth {
  return createWalletAuth({
    store,
    keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
    secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
    exchanges,
    credentialPolicy: { validateOnCreate: false },
    siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
    reconciliation: { cancelOpenOrders: options.cancelOpenOrders ?? true },
  });
}

async function account(auth: WalletAuth): Promise<{ ctx: { userId: string }; credentialId: string; apiKey: string; secret: string }> {
  n += 1;
  const apiKey = `RECONKEY${String(n).padStart(24, "0")}`;
  const secret = `recon-secret-${n}-${"s".repeat(20)}`;
  loop.addAccount({ apiKey, secret, permissions: { enableReading: true, enableSpotAndMarginTrading: true }, balances: { USDT: { free: "100000", locked: "0" }, BTC: { free: "1", locked: "0" } } });
  const ctx = { userId: `user_recon_${n}` };
  const credentialId = (await auth.credentials.create(ctx, { exchange: "binance", label: "bot", apiKey, secret })).id;
  return { ctx, credentialId, apiKey, secret };
}

const limitBuy = { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.001", price: "49900" };

beforeAll(async () => {
  ccxt = await import("ccxt");
  loop = await startLoopbackExchange();
  loop.setPrices({ BTCUSDT: "50000" });
  exchanges = createCcxtExchangeGateway({ urls: { binance: loop.origin }, enableRateLimit: false, timeoutMs: 5000 });
});
afterAll(() => loop.close());

describe("ReconciliationService against the loopback Binance (real ccxt)", () => {
  it("flags an order placed directly at the venue with the same key within one pass: disabled, its open orders cancelled, high alert, foreign order stored", async () => {
    const auth = services(createMemoryStore());
    const a = await account(auth);
    await auth.exchangeProxy.call(a.ctx, a.credentialId, "createOrder", limitBuy);
    const leaked = directClient(loop.origin, a.apiKey, a.secret, ccxt);
    const foreign = await leaked.createOrder("BTC/USDT", "limit", "buy", 0.002, 49_000);

    const result = await auth.reconciliation.reconcile();
    expect(result).toMatchObject({ checked: 1, compromised: 1, foreignOrders: 1, failed: 0 });
    expect((await auth.credentials.get(a.ctx, a.credentialId)).status).toBe("disabled");
    expect(loop.orders(a.apiKey).every((o) => o.status === "CANCELED")).toBe(true);
    const stored = await auth.reconciliation.listForeignOrders(a.ctx);
    expect(stored).toEqual([expect.objectContaining({ origin: "foreign", venueOrderId: foreign.id, symbol: "BTC/USDT", side: "buy", credentialId: a.credentialId })]);
    await auth.alerts.flush();
    const alerts = await auth.alerts.list(a.ctx, { status: "open" });
    expect(alerts.items).toContainEqual(expect.objectContaining({ kind: "credential.foreign_orders", severity: "high" }));
    const [incident] = await auth.killSwitch.listIncidents(a.ctx);
    expect(incident).toMatchObject({ kind: "foreign_orders", details: { credentialId: a.credentialId, disabled: true } });
    expect(JSON.stringify(incident)).not.toContain(a.secret);
    await auth.shutdown();
  });

  it("cancelOpenOrders false: the key is disabled and the foreign order recorded, but no order is cancelled", async () => {
    const auth = services(createMemoryStore(), { cancelOpenOrders: false });
    const a = await account(auth);
    await auth.exchangeProxy.call(a.ctx, a.credentialId, "createOrder", limitBuy);
    await directClient(loop.origin, a.apiKey, a.secret, ccxt).createOrder("BTC/USDT", "limit", "sell", 0.002, 51_000);
    expect(await auth.reconciliation.reconcile()).toMatchObject({ compromised: 1, foreignOrders: 1 });
    expect((await auth.credentials.get(a.ctx, a.credentialId)).status).toBe("disabled");
    expect(loop.orders(a.apiKey).map((o) => o.status)).toEqual(["NEW", "NEW"]);
    await auth.shutdown();
  });

  it("no false positive on the proxy's own orders across a restart, a replica change and an Idempotency-Key retry", async () => {
    const store = createMemoryStore();
    const replicaA = services(store);
    const a = await account(replicaA);
    await replicaA.exchangeProxy.call(a.ctx, a.credentialId, "createOrder", limitBuy);
    const first = await replicaA.exchangeProxy.run(a.ctx, a.credentialId, "createOrder", { ...limitBuy, price: "49800" }, { idempotencyKey: "retry-1" });
    const retried = await replicaA.exchangeProxy.run(a.ctx, a.credentialId, "createOrder", { ...limitBuy, price: "49800" }, { idempotencyKey: "retry-1" });
    expect(retried.replayed).toBe(true);
    await replicaA.shutdown();
    // "Restart" and "replica change": new services on the same store place and reconcile.
    const replicaB = services(store);
    await replicaB.exchangeProxy.call(a.ctx, a.credentialId, "createOrder", { ...limitBuy, price: "49700" });
    expect(await replicaB.reconciliation.reconcile()).toMatchObject({ checked: 1, compromised: 0, foreignOrders: 0 });
    const replicaC = services(store);
    expect(await replicaC.reconciliation.reconcile()).toMatchObject({ checked: 1, compromised: 0 });
    expect((await replicaC.credentials.get(a.ctx, a.credentialId)).status).toBe("active");
    expect(loop.orders(a.apiKey).filter((o) => o.status === "NEW")).toHaveLength(3);
    expect((first.result as { clientOrderId: string }).clientOrderId).toMatch(/^wa/);
    await replicaB.shutdown();
    await replicaC.shutdown();
  });

  it("an order whose journal entry never got the venue id (the proxy died after sending) is matched by its client order id", async () => {
    const store = createMemoryStore();
    const auth = services(store);
    const a = await account(auth);
    // Sent with the proxy's client order id, journaled before signing, as the proxy does; its venue id never written.
    const placed = await auth.exchangeProxy.call(a.ctx, a.credentialId, "createOrder", limitBuy);
    const clientOrderId = (placed as { clientOrderId: string }).clientOrderId;
    await store.transaction(async (tx) => {
      await tx.orderJournal.deleteByUser(a.ctx.userId);
      await tx.orderJournal.record({ id: "j-1", userId: a.ctx.userId, credentialId: a.credentialId, exchange: "binance", origin: "proxy", venueOrderId: null, clientOrderId, symbol: "BTC/USDT", side: "buy", placedAt: new Date(), recordedAt: new Date() });
    });
    expect(await auth.reconciliation.reconcile()).toMatchObject({ checked: 1, compromised: 0 });
    await auth.shutdown();
  });
});

describe("KillSwitchService", () => {
  it("disables every credential, revokes every bot token and cancels open orders; one incident with per-venue key deletion steps; a second run returns it", async () => {
    const auth = services(createMemoryStore());
    const a = await account(auth);
    const second = await auth.credentials.create(a.ctx, { exchange: "binance", label: "spare", apiKey: `${a.apiKey}X`, secret: a.secret });
    const { token } = await auth.tokens.create(a.ctx, { label: "bot", scopes: ["exchange:trade"], credentialIds: [a.credentialId] });
    await auth.exchangeProxy.call(a.ctx, a.credentialId, "createOrder", limitBuy);

    const run = await auth.killSwitch.run(a.ctx, { cancelOpenOrders: true });
    expect(run.alreadyStopped).toBe(false);
    expect(run.incident.details).toMatchObject({ credentialsDisabled: expect.arrayContaining([a.credentialId, second.id]), proxyStopped: true, cancelOpenOrders: true });
    expect(run.incident.details.keyDeletion).toContainEqual(expect.objectContaining({ exchange: "binance", page: "https://www.binance.com/en/my/settings/api-management", credentialId: a.credentialId }));
    expect((run.incident.details.tokensRevoked as string[]).length).toBe(1);
    await expect(auth.tokens.authenticate(token)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(auth.exchangeProxy.call(a.ctx, a.credentialId, "fetchBalance")).rejects.toMatchObject({ code: "CREDENTIAL_DISABLED" });
    expect(loop.orders(a.apiKey).every((o) => o.status === "CANCELED")).toBe(true);

    const again = await auth.killSwitch.run(a.ctx);
    expect(again).toEqual({ incident: run.incident, alreadyStopped: true });
    expect(await auth.killSwitch.listIncidents(a.ctx)).toHaveLength(1);
    await auth.shutdown();
  });

  it("refuses unknown input fields with INVALID_INPUT and changes nothing", async () => {
    const auth = services(createMemoryStore());
    const a = await account(auth);
    await expect(auth.killSwitch.run(a.ctx, { cancelOpenOrders: "yes" } as never)).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect((await auth.credentials.get(a.ctx, a.credentialId)).status).toBe("active");
    await auth.shutdown();
  });
});
