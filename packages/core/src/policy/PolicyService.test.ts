import { credential } from "@wallet-auth/testing/contract/fixtures";
import { beforeEach, describe, expect, it } from "vitest";
import { AuditTrail } from "../audit/AuditTrail.js";
import { createMemoryStore } from "../memory/createMemoryStore.js";
import type { MarketCatalog } from "../ports/MarketCatalog.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { Redacted } from "../secret/Redacted.js";
import type { PolicyOrder } from "./decideTradePolicy.js";
import { PolicyService } from "./PolicyService.js";
import { type TradePolicy, defaultTradePolicy } from "./tradePolicySchema.js";

const ctx = { userId: "user_a" };
const T = new Date("2026-12-05T08:00:00Z");

const markets: MarketCatalog = {
  markets: async () =>
    new Map(["BTC/USDT", "ETH/USDT", "ETH/BTC"].map((symbol) => [symbol, { symbol, quote: symbol.split("/")[1] as string, quotePrecision: 8 }])),
};

const order = (o: Partial<PolicyOrder> = {}): PolicyOrder => ({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.001", price: "50000", ...o });

describe("PolicyService", () => {
  let store: WalletAuthStore;
  let service: PolicyService;
  let credentialId: string;
  let now = T.getTime();

  const actions = async () => (await store.audit.query({ subjectUserId: "user_a", limit: 100 })).items.map((e) => ({ action: e.action, outcome: e.outcome, details: e.details }));
  const authorize = (o: Partial<PolicyOrder> = {}, tokenId: string | null = null, price: () => Promise<string | null> = async () => "50000") =>
    service.authorizeOrder(ctx, { credentialId, tokenId, order: order(o), referencePrice: price, method: "createOrder" });
  const refusal = (p: Promise<unknown>) => p.then(() => "allowed", (e: unknown) => e);

  beforeEach(async () => {
    now = T.getTime();
    const clock = { now: () => new Date(now) };
    store = createMemoryStore();
    const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(9)), clock });
    service = new PolicyService({ store: audit.track(store), audit, markets, clock });
    await store.users.ensure("user_a", T);
    await store.users.ensure("user_b", T);
    const c = credential("user_a");
    credentialId = c.id;
    await store.credentials.insert(c);
  });

  it("a credential without a policy has the conservative default (version 0); another user's is not found", async () => {
    expect(await service.get(ctx, { type: "credential", id: credentialId })).toMatchObject({ source: "default", version: 0, policy: defaultTradePolicy() });
    expect(await refusal(service.get({ userId: "user_b" }, { type: "credential", id: credentialId }))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("narrowing needs no step-up, is stored whole and audited in the same transaction", async () => {
    const narrow: TradePolicy = { ...defaultTradePolicy(), symbols: ["BTC/USDT"], maxOrderNotional: "50" };
    const view = await service.put(ctx, { type: "credential", id: credentialId }, narrow, { stepUpVerified: false });
    expect(view).toMatchObject({ source: "stored", version: 1, policy: narrow });
    expect(await actions()).toEqual([{ action: "policy.update", outcome: "success", details: { version: 1, widened: null, stepUp: false } }]);
  });

  it("widening without a recent step-up is FORBIDDEN naming the widened fields, and changes nothing", async () => {
    const wide: TradePolicy = { ...defaultTradePolicy(), maxOrderNotional: "5000", orderTypes: ["limit", "market"] };
    const error = await refusal(service.put(ctx, { type: "credential", id: credentialId }, wide, { stepUpVerified: false }));
    expect(error).toMatchObject({ code: "FORBIDDEN", reason: "policy-widening-needs-step-up", details: { widened: ["maxOrderNotional", "orderTypes"] } });
    expect(await service.get(ctx, { type: "credential", id: credentialId })).toMatchObject({ source: "default" });
    expect(await service.widening(ctx, { type: "credential", id: credentialId }, wide)).toEqual(["maxOrderNotional", "orderTypes"]);
    const view = await service.put(ctx, { type: "credential", id: credentialId }, wide, { stepUpVerified: true });
    expect(view.version).toBe(1);
    expect((await actions())[0]).toMatchObject({ details: { widened: "maxOrderNotional orderTypes", stepUp: true } });
  });

  it("a malformed policy is INVALID_INPUT naming the field and nothing is written (whole or not at all)", async () => {
    for (const [patch, field] of [
      [{ maxOrderNotional: "-5" }, "policy.maxOrderNotional"],
      [{ window: { seconds: 0, maxNotional: "10" } }, "policy.window"],
      [{ symbols: ["DOGE/USDT"] }, "policy.symbols"],
      [{ maxOrderNotional: "1.000000001" }, "policy.maxOrderNotional"],
      [{ sides: [] }, "policy.sides"],
    ] as const) {
      const error = await refusal(service.put(ctx, { type: "credential", id: credentialId }, { ...defaultTradePolicy(), ...patch }, { stepUpVerified: true }));
      expect(error).toMatchObject({ code: "INVALID_INPUT", details: { fields: [field] } });
    }
    expect(await service.get(ctx, { type: "credential", id: credentialId })).toMatchObject({ source: "default", version: 0 });
    expect(await actions()).toEqual([]);
  });

  it("an allowed order gets a permit with its value; a refused one is POLICY_DENIED naming the rule, audited with it", async () => {
    expect(await authorize()).toMatchObject({ notional: "50" });
    const error = await refusal(authorize({ symbol: "ETH/BTC", price: "0.05", amount: "1" }));
    expect(error).toMatchObject({ code: "POLICY_DENIED", details: { rule: "quote_currency", scope: "credential" } });
    expect(JSON.stringify(error)).not.toMatch(/0\.05|ETH/);
    const denied = (await actions()).find((a) => a.action === "policy.deny");
    expect(denied).toEqual({
      action: "policy.deny",
      outcome: "denied",
      details: { rule: "quote_currency", scope: "credential", scopeId: null, method: "createOrder", symbol: "ETH/BTC", side: "buy", type: "limit" },
    });
  });

  it("prices an order only when a rule needs the venue's price", async () => {
    let asked = 0;
    const price = async () => {
      asked += 1;
      return "50000";
    };
    await refusal(authorize({ symbol: "SOL/BTC" }, null, price));
    expect(asked).toBe(0);
    await authorize({}, null, price);
    expect(asked).toBe(1);
    expect(await refusal(authorize({}, null, async () => null))).toMatchObject({ details: { rule: "price_unavailable" } });
  });

  it("the rolling window admits up to its cap, refuses past it, frees released and expired amounts", async () => {
    // Default: 100 per order, 1,000 per 24 h.
    const permits = [];
    for (let i = 0; i < 10; i += 1) permits.push(await authorize({ amount: "0.002" }));
    expect(await refusal(authorize({ amount: "0.00002" }))).toMatchObject({ code: "POLICY_DENIED", details: { rule: "window" } });
    await permits[0]?.release();
    await permits[0]?.release();
    expect(await authorize({ amount: "0.002" })).toMatchObject({ notional: "100" });
    expect(await refusal(authorize({ amount: "0.00002" }))).toMatchObject({ details: { rule: "window" } });
    now += 86_400_000;
    expect(await authorize({ amount: "0.002" })).toMatchObject({ notional: "100" });
  });

  it("a bot token's own policy narrows its credential's: refusals name the token scope, and its window is its own", async () => {
    await store.botTokens.insert({
      id: "tok_1", userId: "user_a", label: "bot", prefix: "wab_abcdefgh", hash: "a".repeat(64), scopes: ["exchange:trade"], credentialIds: [credentialId],
      createdAt: T, expiresAt: new Date(T.getTime() + 86_400_000), lastUsedAt: null, revokedAt: null,
    } as never);
    // A first token policy can only narrow: no step-up needed, whatever it says.
    await service.put(ctx, { type: "token", id: "tok_1" }, { ...defaultTradePolicy(), sides: ["sell"], window: { seconds: 3600, maxNotional: "150" } }, { stepUpVerified: false });
    expect(await refusal(authorize({}, "tok_1"))).toMatchObject({ code: "POLICY_DENIED", details: { rule: "side", scope: "token" } });
    await authorize({ side: "sell", amount: "0.002" }, "tok_1");
    expect(await refusal(authorize({ side: "sell", amount: "0.002" }, "tok_1"))).toMatchObject({ details: { rule: "window", scope: "token" } });
    // The owner (no token) is bound by the credential's window only, where the refused order left nothing behind.
    expect(await authorize({ side: "sell", amount: "0.002" })).toMatchObject({ notional: "100" });
    // Widening the token's own policy afterwards is a step-up action.
    expect(await refusal(service.put(ctx, { type: "token", id: "tok_1" }, defaultTradePolicy(), { stepUpVerified: false }))).toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("PolicyService and erasure", () => {
  it("erasing a user deletes their trade policies and windows (the memory store kept them before)", async () => {
    const { PrivacyService } = await import("../privacy/PrivacyService.js");
    const store = createMemoryStore();
    const clock = { now: () => T };
    const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(9)), clock });
    const service = new PolicyService({ store, audit, clock });
    await store.users.ensure("user_a", T);
    const c = credential("user_a");
    await store.credentials.insert(c);
    await service.put(ctx, { type: "credential", id: c.id }, { ...defaultTradePolicy(), maxOrderNotional: "10" }, { stepUpVerified: false });
    await service.authorizeOrder(ctx, { credentialId: c.id, tokenId: null, order: order({ amount: "0.0001" }), referencePrice: async () => "50000", method: "createOrder" });
    const result = await new PrivacyService({ store, audit, clock }).erase(ctx);
    expect(result.deleted).toMatchObject({ tradePolicies: 1 });
    expect(store.countRows("trade_policies")).toBe(0);
    expect(store.countRows("policy_window_entries")).toBe(0);
  });
});

describe("a bot token's policy given at creation", () => {
  it("is stored with the token in one transaction; a malformed one creates neither", async () => {
    const { BotTokenService } = await import("../tokens/BotTokenService.js");
    const { botTokenKeysFromAuditKey } = await import("../tokens/botTokenKeys.js");
    const store = createMemoryStore();
    const clock = { now: () => T };
    const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(9)), clock });
    const tokens = new BotTokenService({ store, audit, clock, keys: botTokenKeysFromAuditKey(Redacted.make(new Uint8Array(32).fill(5))) });
    const policies = new PolicyService({ store, audit, clock });
    await store.users.ensure("user_a", T);
    const c = credential("user_a");
    await store.credentials.insert(c);
    const sellOnly = { ...defaultTradePolicy(), sides: ["sell"] as ("buy" | "sell")[] };
    const made = await tokens.create(ctx, { label: "seller", scopes: ["exchange:trade"], credentialIds: [c.id], policy: sellOnly });
    expect(await policies.get(ctx, { type: "token", id: made.view.id })).toMatchObject({ source: "stored", version: 1, policy: sellOnly });
    await expect(
      tokens.create(ctx, { label: "bad", scopes: ["exchange:trade"], credentialIds: [c.id], policy: { ...defaultTradePolicy(), sides: [] } as never }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", details: { fields: ["policy"] } });
    expect(await tokens.list(ctx)).toHaveLength(1);
    expect(store.countRows("trade_policies")).toBe(1);
  });
});
