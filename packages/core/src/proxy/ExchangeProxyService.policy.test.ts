/**
 * Trade policies enforced by the exchange proxy, through real ccxt against the loopback Binance:
 * an allowed order reaches the venue; a refused one is POLICY_DENIED naming the rule and never
 * leaves the server (no `POST /api/v3/order` is received).
 */
import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditTrail } from "../audit/AuditTrail.js";
import { createCcxtExchangeGateway } from "../ccxt.js";
import { CredentialService } from "../credentials/CredentialService.js";
import { KeyRing } from "../crypto.js";
import { createMemoryStore } from "../memory.js";
import { PolicyService } from "../policy/PolicyService.js";
import { defaultTradePolicy } from "../policy/tradePolicySchema.js";
import type { ExchangeGateway } from "../ports/ExchangeGateway.js";
import { Redacted } from "../secret/Redacted.js";
import { ExchangeProxyService } from "./ExchangeProxyService.js";

const key = (b: number) => new Uint8Array(32).fill(b);
let loop: LoopbackExchange;
let exchanges: ExchangeGateway;
let n = 0;

beforeAll(async () => {
  loop = await startLoopbackExchange();
  loop.setPrices({ BTCUSDT: "50000", ETHUSDT: "3000", ETHBTC: "0.06" });
  exchanges = createCcxtExchangeGateway({ urls: { binance: loop.origin }, enableRateLimit: false, timeoutMs: 5000 });
});
afterAll(() => loop.close());

async function setup() {
  const store = createMemoryStore();
  const audit = new AuditTrail({ hashKey: Redacted.make(key(3)) });
  const tracked = audit.track(store);
  const credentials = new CredentialService({
    store: tracked,
    keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
    fingerprintKey: Redacted.make(key(2)),
    exchanges,
    audit,
    policy: { validateOnCreate: false },
  });
  const apiKey = `POLICYPROXY${String(++n).padStart(20, "0")}`;
  const secret = `policy-proxy-secret-${n}-${"s".repeat(16)}`;
  loop.addAccount({ apiKey, secret, permissions: { enableReading: true, enableSpotAndMarginTrading: true }, balances: { USDT: { free: "100000", locked: "0" }, BTC: { free: "1", locked: "0" } } });
  const ctx = { userId: `user_policy_${n}` };
  const credentialId = (await credentials.create(ctx, { exchange: "binance", label: "bot", apiKey, secret })).id;
  const policies = new PolicyService({ store: tracked, audit });
  const proxy = new ExchangeProxyService({ store: tracked, credentials, exchanges, audit, policies });
  const ordersSent = () => loop.requests().filter((r) => r.method === "POST" && r.path === "/api/v3/order").length;
  const refusal = (p: Promise<unknown>) => p.then(() => "allowed", (e: unknown) => e);
  return { store: tracked, ctx, credentialId, apiKey, policies, proxy, ordersSent, refusal };
}

describe("exchange proxy with trade policies (real ccxt, loopback Binance)", () => {
  it("an allowed order reaches the venue; refused ones are POLICY_DENIED naming the rule and never reach it", async () => {
    const s = await setup();
    loop.resetCounts();
    const placed = (await s.proxy.call(s.ctx, s.credentialId, "createOrder", { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.001", price: "50100" })) as { status: string };
    expect(placed.status).toBe("open");
    expect(loop.orders(s.apiKey)).toHaveLength(1);
    expect(s.ordersSent()).toBe(1);

    const refused: [Record<string, string>, string][] = [
      [{ symbol: "ETH/BTC", type: "limit", side: "buy", amount: "1", price: "0.06" }, "quote_currency"],
      [{ symbol: "BTC/USDT", type: "market", side: "sell", amount: "0.001" }, "order_type"],
      [{ symbol: "BTC/USDT", type: "limit", side: "sell", amount: "0.001", price: "25000" }, "price_band"],
      [{ symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.01", price: "50000" }, "notional_max"],
    ];
    for (const [args, rule] of refused) {
      expect(await s.refusal(s.proxy.call(s.ctx, s.credentialId, "createOrder", args))).toMatchObject({ code: "POLICY_DENIED", details: { rule, scope: "credential" } });
    }
    expect(s.ordersSent()).toBe(1);
    expect(loop.orders(s.apiKey)).toHaveLength(1);
    const denials = (await s.store.audit.query({ subjectUserId: s.ctx.userId, action: "policy.deny", limit: 10 })).items;
    expect(denials.map((e) => e.details.rule).sort()).toEqual(["notional_max", "order_type", "price_band", "quote_currency"]);
    // Reads and cancellations are not orders: the policy lets them through.
    expect(await s.proxy.call(s.ctx, s.credentialId, "fetchOpenOrders", { symbol: "BTC/USDT" })).toHaveLength(1);
  });

  it("the rolling window holds across orders: the order that would exceed it is refused before it is signed", async () => {
    const s = await setup();
    await s.policies.put(s.ctx, { type: "credential", id: s.credentialId }, { ...defaultTradePolicy(), window: { seconds: 86_400, maxNotional: "150" } }, { stepUpVerified: false });
    loop.resetCounts();
    await s.proxy.call(s.ctx, s.credentialId, "createOrder", { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.002", price: "50000" });
    expect(await s.refusal(s.proxy.call(s.ctx, s.credentialId, "createOrder", { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.002", price: "50000" }))).toMatchObject({
      code: "POLICY_DENIED",
      details: { rule: "window" },
    });
    expect(s.ordersSent()).toBe(1);
  });

  it("a window reservation is given back when the venue certainly refused the order, and kept when it may have placed it", async () => {
    const s = await setup();
    await s.policies.put(s.ctx, { type: "credential", id: s.credentialId }, { ...defaultTradePolicy(), priceBandPercent: null, window: { seconds: 86_400, maxNotional: "150" } }, { stepUpVerified: true });
    const order = (amount: string) => s.proxy.call(s.ctx, s.credentialId, "createOrder", { symbol: "BTC/USDT", type: "limit", side: "buy", amount, price: "50000" });
    try {
      loop.setMode("rate-limited");
      expect(await s.refusal(order("0.002"))).toMatchObject({ code: "EXCHANGE_RATE_LIMITED" });
      loop.setMode("ok");
      await order("0.002"); // 100 of 150: the refused 100 was given back
      loop.setMode("down");
      expect(await s.refusal(order("0.0008"))).toMatchObject({ code: "EXCHANGE_UNAVAILABLE" });
      loop.setMode("ok");
      // 100 + 40 (unknown outcome, kept) + 40 > 150.
      expect(await s.refusal(order("0.0008"))).toMatchObject({ code: "POLICY_DENIED", details: { rule: "window" } });
    } finally {
      loop.setMode("ok");
    }
  });

  it("a bot token's own policy applies on top: the token may only sell", async () => {
    const s = await setup();
    const tokenCtx = { userId: s.ctx.userId, actor: { type: "user" as const, id: "token:tok_sell" } };
    await s.store.botTokens.insert({
      id: "tok_sell", userId: s.ctx.userId, label: "seller", prefix: "wab_sellsell", hash: "b".repeat(64), scopes: ["exchange:trade"], credentialIds: [s.credentialId],
      createdAt: new Date(), expiresAt: new Date(Date.now() + 86_400_000), lastUsedAt: null, revokedAt: null,
    } as never);
    await s.policies.put(s.ctx, { type: "token", id: "tok_sell" }, { ...defaultTradePolicy(), sides: ["sell"] }, { stepUpVerified: false });
    loop.resetCounts();
    const buy = { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.001", price: "50000" };
    expect(await s.refusal(s.proxy.call(tokenCtx, s.credentialId, "createOrder", buy))).toMatchObject({ code: "POLICY_DENIED", details: { rule: "side", scope: "token" } });
    await s.proxy.call(tokenCtx, s.credentialId, "createOrder", { ...buy, side: "sell" });
    // The owner, acting without the token, is bound by the credential's policy only.
    await s.proxy.call(s.ctx, s.credentialId, "createOrder", buy);
    expect(s.ordersSent()).toBe(2);
  });
});
