import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuditTrail } from "../audit/AuditTrail.js";
import { createCcxtExchangeGateway } from "../ccxt.js";
import { CredentialService } from "../credentials/CredentialService.js";
import { KeyRing } from "../crypto.js";
import { isWalletAuthError } from "../errors/index.js";
import { createMemoryStore } from "../memory.js";
import { type BackgroundFailure, FailureReporter } from "../observe/FailureReporter.js";
import type { ExchangeGateway } from "../ports/ExchangeGateway.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { Redacted } from "../secret/Redacted.js";
import { ExchangeProxyService } from "./ExchangeProxyService.js";

const key = (b: number) => new Uint8Array(32).fill(b);
let loop: LoopbackExchange;
let exchanges: ExchangeGateway;
let n = 0;

beforeAll(async () => {
  loop = await startLoopbackExchange();
  exchanges = createCcxtExchangeGateway({ urls: { binance: loop.origin }, enableRateLimit: false, timeoutMs: 5000 });
});
afterAll(() => loop.close());

interface Setup {
  proxy: ExchangeProxyService;
  store: WalletAuthStore;
  ctx: { userId: string };
  credentialId: string;
  apiKey: string;
  failures: BackgroundFailure[];
  logLines: Record<string, unknown>[];
}

/** A proxy over the memory store; `failProxyAudit` makes only the `exchange.proxy` audit write fail. */
async function setup(options: { failProxyAudit?: boolean } = {}): Promise<Setup> {
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
  const apiKey = `PROXYKEY${String(++n).padStart(24, "0")}`;
  const secret = `proxy-secret-${n}-${"s".repeat(20)}`;
  loop.addAccount({ apiKey, secret, permissions: { enableReading: true, enableSpotAndMarginTrading: true }, balances: { USDT: { free: "100000", locked: "0" } } });
  const ctx = { userId: `user_proxy_${n}` };
  const credentialId = (await credentials.create(ctx, { exchange: "binance", label: "bot", apiKey, secret })).id;
  const failures: BackgroundFailure[] = [];
  const logLines: Record<string, unknown>[] = [];
  const proxyAudit = options.failProxyAudit
    ? (Object.assign(Object.create(audit) as AuditTrail, {
        recordNow: (s: WalletAuthStore, c: never, entry: { action: string }) =>
          entry.action === "exchange.proxy" ? Promise.reject(new Error("audit disk full")) : audit.recordNow(s, c, entry as never),
      }) as AuditTrail)
    : audit;
  const proxy = new ExchangeProxyService({
    store: tracked,
    credentials,
    exchanges,
    audit: proxyAudit,
    failures: new FailureReporter({ observer: { backgroundFailure: (f) => void failures.push(f) }, logger: { warn: () => undefined, error: (fields) => void logLines.push(fields) } }),
  });
  return { proxy, store: tracked, ctx, credentialId, apiKey, failures, logLines };
}

const limitBuy = { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.01", price: "50000" };

describe("ExchangeProxyService against the loopback Binance (real ccxt, signed requests)", () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup();
  });

  it("sends an order amount with 18 decimal places as a decimal string: truncated exactly to the market's step, where a float sent 0.3 for 0.299999999999999999", async () => {
    await s.proxy.call(s.ctx, s.credentialId, "createOrder", { symbol: "USDC/USDT", type: "limit", side: "buy", amount: "0.299999999999999999", price: "1.000001000000000000" });
    const [order] = loop.orders(s.apiKey);
    // As a JS number the amount became 0.3: more than the bot asked for.
    expect(order?.request).toMatchObject({ quantity: "0.29999", price: "1.000001" });
  });

  it("gives every order a client order id, returned in the result and the one the exchange received", async () => {
    const result = (await s.proxy.call(s.ctx, s.credentialId, "createOrder", limitBuy)) as { clientOrderId: string };
    expect(result.clientOrderId).toMatch(/^wa[0-9a-f]{26}$/);
    expect(loop.orders(s.apiKey)[0]?.clientOrderId).toBe(result.clientOrderId);
    const own = (await s.proxy.call(s.ctx, s.credentialId, "createOrder", { ...limitBuy, clientOrderId: "bot-order-7" })) as { clientOrderId: string };
    expect(own.clientOrderId).toBe("bot-order-7");
    expect(loop.orders(s.apiKey)[1]?.clientOrderId).toBe("bot-order-7");
  });

  it("a retry with the same Idempotency-Key returns the first order and places no second one", async () => {
    const first = await s.proxy.run(s.ctx, s.credentialId, "createOrder", limitBuy, { idempotencyKey: "retry-1" });
    const again = await s.proxy.run(s.ctx, s.credentialId, "createOrder", limitBuy, { idempotencyKey: "retry-1" });
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ result: first.result, replayed: true });
    expect(loop.orders(s.apiKey)).toHaveLength(1);
    const other = await s.proxy.run(s.ctx, s.credentialId, "createOrder", limitBuy, { idempotencyKey: "retry-2" });
    expect(other.replayed).toBe(false);
    expect(loop.orders(s.apiKey)).toHaveLength(2);
  });

  it("refuses an Idempotency-Key reused with other arguments (CONFLICT), and a malformed key (INVALID_INPUT)", async () => {
    await s.proxy.run(s.ctx, s.credentialId, "createOrder", limitBuy, { idempotencyKey: "reuse" });
    const reused = await s.proxy.run(s.ctx, s.credentialId, "createOrder", { ...limitBuy, amount: "0.02" }, { idempotencyKey: "reuse" }).catch((e: unknown) => e);
    expect(isWalletAuthError(reused, "CONFLICT") && reused.reason).toBe("idempotency-key-reused");
    const bad = await s.proxy.run(s.ctx, s.credentialId, "createOrder", limitBuy, { idempotencyKey: "new\nline" }).catch((e: unknown) => e);
    expect(isWalletAuthError(bad, "INVALID_INPUT")).toBe(true);
    expect(loop.orders(s.apiKey)).toHaveLength(1);
  });

  it("a failed call frees its key: the retry runs, with the same client order id", async () => {
    loop.setMode("down");
    const failed = await s.proxy.run(s.ctx, s.credentialId, "createOrder", limitBuy, { idempotencyKey: "after-outage" }).catch((e: unknown) => e);
    expect(isWalletAuthError(failed, "EXCHANGE_UNAVAILABLE")).toBe(true);
    loop.setMode("ok");
    const retried = (await s.proxy.call(s.ctx, s.credentialId, "createOrder", limitBuy, { idempotencyKey: "after-outage" })) as { clientOrderId: string };
    const derivedAgain = (await s.proxy.run(s.ctx, s.credentialId, "createOrder", limitBuy, { idempotencyKey: "after-outage" })).result as { clientOrderId: string };
    expect(derivedAgain.clientOrderId).toBe(retried.clientOrderId);
    expect(loop.orders(s.apiKey)).toHaveLength(1);
  });
});

describe("ExchangeProxyService when the audit write after a placed order fails", () => {
  it("returns the placed order instead of failing it (the bot would retry into a duplicate); the failure is logged and counted", async () => {
    const s = await setup({ failProxyAudit: true });
    const result = (await s.proxy.call(s.ctx, s.credentialId, "createOrder", limitBuy)) as { id: string; status: string };
    expect(result.status).toBe("open");
    expect(loop.orders(s.apiKey)).toHaveLength(1);
    expect(s.failures).toEqual([expect.objectContaining({ operation: "proxy_audit" })]);
    expect(s.logLines).toHaveLength(1);
    expect(JSON.stringify(s.logLines)).not.toContain("disk full");
  });

  it("with an Idempotency-Key, the retry after that returns the stored order, not a second one", async () => {
    const s = await setup({ failProxyAudit: true });
    const first = await s.proxy.run(s.ctx, s.credentialId, "createOrder", limitBuy, { idempotencyKey: "audit-down" });
    const retry = await s.proxy.run(s.ctx, s.credentialId, "createOrder", limitBuy, { idempotencyKey: "audit-down" });
    expect(retry).toEqual({ result: first.result, replayed: true });
    expect(loop.orders(s.apiKey)).toHaveLength(1);
  });
});
