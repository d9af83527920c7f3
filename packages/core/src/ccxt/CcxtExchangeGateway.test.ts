import { inspect } from "node:util";
import { startLoopbackExchange, type LoopbackExchange } from "@wallet-auth/testing/exchange";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WalletAuthError } from "../errors/index.js";
import { failure, manualClock } from "@wallet-auth/testing/scenarios";
import type { ExchangeGateway } from "../ports/ExchangeGateway.js";
import { createCcxtExchangeGateway } from "./CcxtExchangeGateway.js";

const SECRET = "PLANTED-SECRET-7f3a9c";
const KEY = "PLANTEDKEY-valid-0001";
let loop: LoopbackExchange;
let gateway: ExchangeGateway;
let skewMs = 0;

function expectNoSecret(error: WalletAuthError): void {
  for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 0 }), String(error.reason), JSON.stringify(error.details ?? {})]) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("signature=");
  }
}

beforeAll(async () => {
  loop = await startLoopbackExchange({ clock: () => Date.now() + skewMs, retryAfterSeconds: 7 });
  loop.addAccount({
    apiKey: KEY,
    secret: SECRET,
    balances: { BTC: { free: "0.12345678", locked: "0.00000002" }, USDT: { free: "1500.5", locked: "0" }, DOGE: { free: "0", locked: "0" } },
    permissions: { enableSpotAndMarginTrading: true, tradingAuthorityExpirationTime: Date.UTC(2030, 0, 1) },
    trades: [{ symbol: "BTCUSDT", id: 11, price: "60000.01", qty: "0.001", commission: "0.06", commissionAsset: "USDT", time: Date.UTC(2024, 0, 2), isBuyer: true }],
    deposits: [{ coin: "USDT", amount: "1500.5", txId: "0xdeposit", insertTime: Date.UTC(2024, 0, 1) }],
    withdrawals: [{ id: "wd-1", coin: "BTC", amount: "0.01", transactionFee: "0.0002", txId: "btc-tx", applyTime: Date.UTC(2024, 0, 3) }],
  });
  loop.addAccount({ apiKey: "withdraw-key", secret: "withdraw-secret", permissions: { enableWithdrawals: true, enableSpotAndMarginTrading: true } });
  loop.addAccount({ apiKey: "ip-key", secret: "ip-secret", permissions: { ipRestrict: true }, allowedIps: ["203.0.113.9"] });
  loop.addAccount({ apiKey: "ip-ok-key", secret: "ip-secret", permissions: { ipRestrict: true }, allowedIps: ["127.0.0.1"] });
  gateway = createCcxtExchangeGateway({ urls: { binance: loop.origin }, enableRateLimit: false, timeoutMs: 5000 });
});

afterAll(async () => {
  await loop.close();
});

describe("createCcxtExchangeGateway against the loopback Binance", () => {
  it("describes exchanges from ccxt requiredCredentials and refuses unknown ids", async () => {
    expect(await gateway.describe("binance")).toEqual({ exchange: "binance", requiredFields: ["apiKey", "secret"], reportsPermissions: true });
    expect((await gateway.describe("okx")).requiredFields).toEqual(["apiKey", "secret", "password"]);
    expect((await failure(gateway.describe("not-an-exchange"))).code).toBe("EXCHANGE_UNSUPPORTED");
    const restricted = createCcxtExchangeGateway({ exchanges: ["binance"] });
    expect((await failure(restricted.describe("okx"))).code).toBe("EXCHANGE_UNSUPPORTED");
  });

  it("validates a good key: permissions and the exchange's expiry", async () => {
    const info = await gateway.validate({ exchange: "binance", secret: { apiKey: KEY, secret: SECRET } });
    expect(info.permissions).toMatchObject({ read: true, trade: true, withdraw: false, ipRestricted: false });
    expect(info.expiresAt?.toISOString()).toBe("2030-01-01T00:00:00.000Z");
  });

  it("reports withdrawal permission (the policy is the caller's)", async () => {
    const info = await gateway.validate({ exchange: "binance", secret: { apiKey: "withdraw-key", secret: "withdraw-secret" } });
    expect(info.permissions.withdraw).toBe(true);
    expect(info.expiresAt).toBeNull();
  });

  it("returns non-zero balances as exact decimal strings", async () => {
    const balances = await gateway.fetchBalances({ exchange: "binance", secret: { apiKey: KEY, secret: SECRET } });
    expect(balances).toEqual([
      { asset: "BTC", free: "0.12345678", locked: "0.00000002", total: "0.1234568" },
      { asset: "USDT", free: "1500.5", locked: "0", total: "1500.5" },
    ]);
  });

  it("reads trades of held assets, deposits and withdrawals", async () => {
    const history = await gateway.fetchHistory({ exchange: "binance", secret: { apiKey: KEY, secret: SECRET }, limit: 50 });
    expect(history.map((h) => [h.type, h.asset, h.amount, h.status])).toEqual([
      ["withdrawal", "BTC", "0.01", "ok"],
      ["trade", "BTC", "0.001", "ok"],
      ["deposit", "USDT", "1500.5", "ok"],
    ]);
    expect(history[1]?.info).toMatchObject({ symbol: "BTC/USDT", side: "buy", price: "60000.01" });
  });

  it("maps a wrong secret (signature refused) and an unknown key to CREDENTIAL_INVALID without leaking", async () => {
    const wrong = await failure(gateway.validate({ exchange: "binance", secret: { apiKey: KEY, secret: SECRET + "x" } }));
    expect(wrong.code).toBe("CREDENTIAL_INVALID");
    expect(wrong.reason).toBe("ccxt:AuthenticationError:-1022");
    expectNoSecret(wrong);
    const unknown = await failure(gateway.validate({ exchange: "binance", secret: { apiKey: "nobody", secret: SECRET } }));
    expect(unknown.code).toBe("CREDENTIAL_INVALID");
    expectNoSecret(unknown);
  });

  it("reports a restricted Binance key's allowed IPs (the old probe gave only the flag) and no trading-authority expiry for it", async () => {
    const info = await gateway.validate({ exchange: "binance", secret: { apiKey: "ip-ok-key", secret: "ip-secret" } });
    expect(info.keyPermissions).toMatchObject({ ipRestricted: true, allowedIps: ["127.0.0.1"], withdraw: false, read: true, expiresAt: null });
    expect(info.permissionsReported).toBe(true);
  });

  it("reports an IP-restricted key: ambiguous -2015 alone, CREDENTIAL_IP_RESTRICTED when known restricted", async () => {
    const ok = await gateway.validate({ exchange: "binance", secret: { apiKey: "ip-ok-key", secret: "ip-secret" } });
    expect(ok.permissions.ipRestricted).toBe(true);
    const first = await failure(gateway.validate({ exchange: "binance", secret: { apiKey: "ip-key", secret: "ip-secret" } }));
    expect(first.code).toBe("CREDENTIAL_INVALID");
    const known = await failure(gateway.fetchBalances({ exchange: "binance", secret: { apiKey: "ip-key", secret: "ip-secret" }, ipRestricted: true }));
    expect(known.code).toBe("CREDENTIAL_IP_RESTRICTED");
  });

  it("maps clock skew to EXCHANGE_CLOCK_SKEW", async () => {
    skewMs = -120_000;
    try {
      const error = await failure(gateway.fetchBalances({ exchange: "binance", secret: { apiKey: KEY, secret: SECRET } }));
      expect(error.code).toBe("EXCHANGE_CLOCK_SKEW");
      expectNoSecret(error);
    } finally {
      skewMs = 0;
    }
  });

  it("maps down, maintenance and rate limiting to transient codes", async () => {
    const call = () => gateway.fetchBalances({ exchange: "binance", secret: { apiKey: KEY, secret: SECRET } });
    try {
      loop.setMode("down");
      expect((await failure(call())).code).toBe("EXCHANGE_UNAVAILABLE");
      loop.setMode("maintenance");
      const maintenance = await failure(call());
      expect(maintenance.code).toBe("EXCHANGE_UNAVAILABLE");
      expect(maintenance.details).toEqual({ maintenance: true });
      // Its own gateway: a rate limit with Retry-After makes a gateway back off (next test).
      const own = createCcxtExchangeGateway({ urls: { binance: loop.origin }, enableRateLimit: false, timeoutMs: 5000 });
      loop.setMode("rate-limited");
      const limited = await failure(own.fetchBalances({ exchange: "binance", secret: { apiKey: KEY, secret: SECRET } }));
      expect(limited.code).toBe("EXCHANGE_RATE_LIMITED");
      expect(limited.details).toEqual({ retryAfterSeconds: 7 });
      expectNoSecret(limited);
    } finally {
      loop.setMode("ok");
    }
  });

  it("after a rate limit with Retry-After, sends that exchange nothing (for any key) until it has passed", async () => {
    const clock = manualClock();
    const limitedLoop = await startLoopbackExchange({ retryAfterSeconds: 30 });
    try {
      limitedLoop.addAccount({ apiKey: "backoff-a", secret: "backoff-secret-a", balances: { BTC: { free: "1", locked: "0" } } });
      limitedLoop.addAccount({ apiKey: "backoff-b", secret: "backoff-secret-b", balances: { ETH: { free: "1", locked: "0" } } });
      const g = createCcxtExchangeGateway({ urls: { binance: limitedLoop.origin }, enableRateLimit: false, timeoutMs: 5000, clock });
      const a = { exchange: "binance", secret: { apiKey: "backoff-a", secret: "backoff-secret-a" } };
      const b = { exchange: "binance", secret: { apiKey: "backoff-b", secret: "backoff-secret-b" } };
      expect(await g.fetchBalances(a)).toHaveLength(1);
      limitedLoop.setMode("rate-limited");
      expect((await failure(g.fetchBalances(a))).details).toEqual({ retryAfterSeconds: 30 });
      // The exchange would answer now, but it asked for 30 s: another user's key waits too.
      limitedLoop.setMode("ok");
      limitedLoop.resetCounts();
      clock.advance(10_000);
      const waiting = await failure(g.fetchBalances(b));
      expect(waiting.code).toBe("EXCHANGE_RATE_LIMITED");
      expect(waiting.details).toEqual({ retryAfterSeconds: 20 });
      expect((await failure(g.proxy({ ...b, method: "fetchBalance", args: {} }))).code).toBe("EXCHANGE_RATE_LIMITED");
      expect(limitedLoop.requestCount()).toBe(0);
      clock.advance(20_000);
      expect((await g.fetchBalances(b)).map((x) => x.asset)).toEqual(["ETH"]);
      expect(limitedLoop.requestCount("/api/v3/account")).toBe(1);
    } finally {
      await limitedLoop.close();
    }
  });

  it("never contacts a host other than the allowed loopback origin", async () => {
    const host = new URL(loop.origin).host;
    const guarded = createCcxtExchangeGateway({ allowedHosts: [host], enableRateLimit: false });
    loop.resetCounts();
    const error = await failure(guarded.fetchBalances({ exchange: "binance", secret: { apiKey: KEY, secret: SECRET } }));
    expect(error.code).toBe("EXCHANGE_UNAVAILABLE");
    expect(error.reason).toBe("host-not-allowed");
    expect(loop.requestCount()).toBe(0);
  });

  it("reuses markets across calls: one exchangeInfo, one account call per balance read", async () => {
    const fresh = createCcxtExchangeGateway({ urls: { binance: loop.origin }, enableRateLimit: false });
    loop.resetCounts();
    await fresh.fetchBalances({ exchange: "binance", secret: { apiKey: KEY, secret: SECRET } });
    await fresh.fetchBalances({ exchange: "binance", secret: { apiKey: "withdraw-key", secret: "withdraw-secret" } });
    expect(loop.requestCount("/api/v3/exchangeInfo")).toBe(1);
    expect(loop.requestCount("/api/v3/account")).toBe(2);
    expect(loop.requestCount()).toBe(3);
  });
});

describe("connections to the exchange", () => {
  it("reuses kept-alive connections across calls and users instead of opening (and leaving open) one per call", async () => {
    // Real exchanges keep idle connections for minutes; so does this one here.
    const keepAlive = await startLoopbackExchange({ keepAliveTimeoutMs: 60_000 });
    try {
      keepAlive.addAccount({ apiKey: "conn-key-a", secret: "conn-secret-a", balances: { BTC: { free: "1", locked: "0" } } });
      keepAlive.addAccount({ apiKey: "conn-key-b", secret: "conn-secret-b", balances: { ETH: { free: "2", locked: "0" } } });
      const shared = createCcxtExchangeGateway({ urls: { binance: keepAlive.origin }, enableRateLimit: false, timeoutMs: 5000 });
      for (let i = 0; i < 10; i++) {
        const a = await shared.fetchBalances({ exchange: "binance", secret: { apiKey: "conn-key-a", secret: "conn-secret-a" } });
        const b = await shared.fetchBalances({ exchange: "binance", secret: { apiKey: "conn-key-b", secret: "conn-secret-b" } });
        // Each call is still signed with its own key: a shared connection carries no identity.
        expect(a.map((x) => x.asset)).toEqual(["BTC"]);
        expect(b.map((x) => x.asset)).toEqual(["ETH"]);
      }
      expect(keepAlive.requestCount("/api/v3/account")).toBe(20);
      // Sequential calls need one connection (plus at most one for the markets load).
      expect(keepAlive.connections().accepted).toBeLessThanOrEqual(2);
      expect(keepAlive.connections().open).toBeLessThanOrEqual(2);
    } finally {
      await keepAlive.close();
    }
  });
});
