import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCcxtExchangeGateway } from "../ccxt/CcxtExchangeGateway.js";
import { KeyRing } from "../crypto/KeyRing.js";
import { WalletAuthError } from "../errors/index.js";
import { createMemoryStore } from "../memory/createMemoryStore.js";
import { Redacted } from "../secret/Redacted.js";
import { createWalletAuth } from "../setup/createWalletAuth.js";

const key = (b: number) => new Uint8Array(32).fill(b);
let loop: LoopbackExchange;
beforeAll(async () => {
  loop = await startLoopbackExchange();
  loop.setPrices({ BTCUSDT: "50000" });
});
afterAll(() => loop.close());

describe("the proxy's signed-request journal", () => {
  it("journals an order before signing it: when the journal cannot be written the order is refused and never reaches the venue", async () => {
    const store = createMemoryStore();
    let journalDown = false;
    const record = store.orderJournal.record.bind(store.orderJournal);
    store.orderJournal.record = (r) => (journalDown ? Promise.reject(new WalletAuthError("STORE_UNAVAILABLE")) : record(r));
    const auth = createWalletAuth({
      store,
      keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
      secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
      exchanges: createCcxtExchangeGateway({ urls: { binance: loop.origin }, enableRateLimit: false, timeoutMs: 5000 }),
      credentialPolicy: { validateOnCreate: false },
      siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
    });
    const apiKey = "JOURNALKEY".padEnd(32, "0");
    loop.addAccount({ apiKey, secret: "journal-secret-xxxxxxxxxxxx", permissions: { enableReading: true, enableSpotAndMarginTrading: true }, balances: { USDT: { free: "100000", locked: "0" } } });
    const ctx = { userId: "user_journal_proxy" };
    const { id } = await auth.credentials.create(ctx, { exchange: "binance", label: "bot", apiKey, secret: "journal-secret-xxxxxxxxxxxx" });
    const order = { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.001", price: "49900" };

    const placed = (await auth.exchangeProxy.call(ctx, id, "createOrder", order)) as { id: string; clientOrderId: string };
    const [entry] = await store.orderJournal.findProxyOrders(ctx.userId, id, { venueOrderIds: [placed.id], clientOrderIds: [] });
    expect(entry).toMatchObject({ origin: "proxy", clientOrderId: placed.clientOrderId, venueOrderId: placed.id, symbol: "BTC/USDT", side: "buy" });

    journalDown = true;
    await expect(auth.exchangeProxy.call(ctx, id, "createOrder", order)).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
    expect(loop.orders(apiKey)).toHaveLength(1);
    await auth.shutdown();
  });
});
