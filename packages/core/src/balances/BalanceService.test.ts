import { type LocalChain, startLocalChain } from "@wallet-auth/testing/chain";
import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuditTrail } from "../audit/AuditTrail.js";
import { createCcxtExchangeGateway, createCcxtPriceSource } from "../ccxt.js";
import { CredentialService } from "../credentials/CredentialService.js";
import { generateKey, KeyRing } from "../crypto.js";
import { isWalletAuthError } from "../errors/index.js";
import { createMemoryStore } from "../memory.js";
import type { ExchangeGateway } from "../ports/ExchangeGateway.js";
import type { PriceSource } from "../ports/PriceSource.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { Redacted } from "../secret/Redacted.js";
import { createViemChainGateway } from "../viem.js";
import { BalanceService, type BalanceServiceOptions } from "./BalanceService.js";

const ctx = { userId: "user_trader" };
const account = {
  apiKey: "balance-key-0001",
  secret: "balance-secret-0001",
  balances: { BTC: { free: "0.5", locked: "0.25" }, USDT: { free: "1000.5", locked: "0" } },
  permissions: { enableReading: true, enableSpotAndMarginTrading: true },
  trades: [{ symbol: "BTCUSDT", id: 7, price: "60000", qty: "0.01", commission: "0.6", commissionAsset: "USDT", time: Date.UTC(2026, 0, 2), isBuyer: true }],
  deposits: [{ coin: "USDT", amount: "1000.5", txId: "0xdep", insertTime: Date.UTC(2026, 0, 1) }],
};
let loop: LoopbackExchange;
let chain: LocalChain;
let exchanges: ExchangeGateway;
let prices: PriceSource;
let usd: `0x${string}`;
let btc: `0x${string}`;
let multicall: `0x${string}`;
const holder = "0x00000000000000000000000000000000000000C1" as const;

let now: Date;
const clock = { now: () => new Date(now) };
let store: WalletAuthStore;
let credentials: CredentialService;
let credentialId: string;
let walletId: string;

beforeAll(async () => {
  loop = await startLoopbackExchange();
  loop.addAccount(account);
  loop.setPrices({ BTCUSDT: "60000.5", ETHUSDT: "3000" });
  exchanges = createCcxtExchangeGateway({ urls: { binance: loop.origin }, enableRateLimit: false, historySymbols: { binance: ["BTC/USDT"] } });
  prices = createCcxtPriceSource({ urls: { binance: loop.origin }, enableRateLimit: false });

  chain = await startLocalChain();
  multicall = await chain.deployMulticall3();
  usd = await chain.deployToken({ name: "Test USD", symbol: "USDC", decimals: 6 });
  btc = await chain.deployToken({ name: "Test BTC", symbol: "WBTC", decimals: 8 });
  await chain.mintToken({ token: usd, to: holder, amount: 2_500_000_123n });
  await chain.sendNative({ from: chain.accounts[0]!, to: holder, value: 1_500_000_000_000_000_001n });
});
afterAll(async () => {
  await loop.close();
  await chain.close();
});

beforeEach(async () => {
  now = new Date("2026-03-01T12:00:00.000Z");
  const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(3)), clock });
  store = audit.track(createMemoryStore({ clock }));
  const key = generateKey({ id: "k1" });
  credentials = new CredentialService({
    store,
    keyRing: KeyRing.fromKeys({ keys: [{ id: key.id, key: key.key }], primaryKeyId: key.id }),
    fingerprintKey: Redacted.make(new Uint8Array(32).fill(4)),
    exchanges,
    audit,
    clock,
  });
  credentialId = (await credentials.create(ctx, { exchange: "binance", label: "main", apiKey: "balance-key-0001", secret: "balance-secret-0001" })).id;
  await store.users.ensure(ctx.userId, now);
  walletId = (
    await store.wallets.insert({
      id: "wallet-1",
      userId: ctx.userId,
      chainNamespace: "eip155",
      chainReference: String(chain.chainId),
      address: holder,
      label: null,
      metadata: {},
      isPrimary: true,
      verifiedAt: now,
      createdAt: now,
      updatedAt: now,
    })
  ).id;
  loop.resetCounts();
  chain.resetRequestCounts();
});

function service(extra: Partial<BalanceServiceOptions> = {}) {
  return new BalanceService({
    store,
    exchanges,
    credentials,
    prices,
    chains: createViemChainGateway({ chains: { [chain.caip2]: { transport: chain.transport, multicall3Address: multicall } } }),
    chainAssets: {
      [chain.caip2]: {
        tokens: [
          { address: usd, symbol: "USDC", decimals: 6 },
          { address: btc, symbol: "WBTC", decimals: 8 },
        ],
      },
    },
    clock,
    ...extra,
  });
}

const exchangeSource = () => ({ type: "exchange" as const, credentialId });
const walletSource = () => ({ type: "wallet" as const, walletId });

describe("BalanceService with the loopback exchange", () => {
  it("reads normalised exchange balances as decimal strings, valued in USD", async () => {
    const result = await service().get(ctx, { source: exchangeSource() });
    expect(result.fromCache).toBe(false);
    expect(result.asOf).toEqual(now);
    expect(result.balances.sort((a, b) => a.asset.localeCompare(b.asset))).toEqual([
      { asset: "BTC", free: "0.5", locked: "0.25", total: "0.75", usdValue: "45000.38" },
      { asset: "USDT", free: "1000.5", locked: "0", total: "1000.5", usdValue: "1000.5" },
    ]);
    expect(result.totalUsd).toBe("46000.88");
  });

  it("makes exactly one upstream call for 100 concurrent reads of a cold source", async () => {
    const balances = service();
    const results = await Promise.all(Array.from({ length: 100 }, () => balances.get(ctx, { source: exchangeSource() })));
    expect(loop.requestCount("/api/v3/account")).toBe(1);
    expect(new Set(results.map((r) => r.asOf.getTime())).size).toBe(1);
  });

  it("serves from the cache for 5 minutes, then reads upstream again", async () => {
    const balances = service();
    await balances.get(ctx, { source: exchangeSource() });
    now = new Date(now.getTime() + 4 * 60_000);
    expect((await balances.get(ctx, { source: exchangeSource() })).fromCache).toBe(true);
    expect(loop.requestCount("/api/v3/account")).toBe(1);
    now = new Date(now.getTime() + 61_000);
    expect((await balances.get(ctx, { source: exchangeSource() })).fromCache).toBe(false);
    expect(loop.requestCount("/api/v3/account")).toBe(2);
  });

  it("refreshes on demand, rate limited per source", async () => {
    const balances = service();
    await balances.get(ctx, { source: exchangeSource() });
    const error = await balances.refresh(ctx, { source: exchangeSource() }).catch((e: unknown) => e);
    expect(isWalletAuthError(error, "RATE_LIMITED")).toBe(true);
    expect((error as { details: { retryAfterMs: number } }).details.retryAfterMs).toBe(30_000);
    now = new Date(now.getTime() + 31_000);
    loop.setPrices({ BTCUSDT: "70000" });
    const fresh = await balances.refresh(ctx, { source: exchangeSource() });
    expect(fresh.fromCache).toBe(false);
    expect(loop.requestCount("/api/v3/account")).toBe(2);
    loop.setPrices({ BTCUSDT: "60000.5" });
  });

  it("stores every upstream read as snapshots, readable as history", async () => {
    const balances = service();
    await balances.get(ctx, { source: exchangeSource() });
    now = new Date(now.getTime() + 6 * 60_000);
    loop.addAccount({ ...account, balances: { BTC: { free: "1", locked: "0" } } });
    await balances.get(ctx, { source: exchangeSource() });
    now = new Date(now.getTime() + 1000);
    await balances.get(ctx, { source: exchangeSource() }); // cached: no snapshot
    const history = await balances.history(ctx, { source: exchangeSource(), asset: "BTC" });
    expect(history.items.map((s) => [s.total, s.takenAt.toISOString()])).toEqual([
      ["0.75", "2026-03-01T12:00:00.000Z"],
      ["1", "2026-03-01T12:06:00.000Z"],
    ]);
    const window = await balances.history(ctx, { source: exchangeSource(), from: new Date("2026-03-01T12:05:00.000Z"), to: new Date("2026-03-01T13:00:00.000Z") });
    expect(window.items.map((s) => s.asset)).toEqual(["BTC"]);
    expect((await balances.history({ userId: "user_other" }, { source: exchangeSource() })).items).toEqual([]);
    loop.addAccount(account);
  });

  it("caches exchange trades and deposits as paged transaction history", async () => {
    const balances = service();
    const page = await balances.transactions(ctx, { source: exchangeSource(), limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const all = await balances.transactions(ctx, { source: exchangeSource() });
    expect(all.items.map((t) => t.type).sort()).toEqual(["deposit", "trade"]);
    const calls = loop.requestCount();
    await balances.transactions(ctx, { source: exchangeSource() });
    expect(loop.requestCount()).toBe(calls);
  });

  it("refuses another user's credential as missing", async () => {
    await expect(service().get({ userId: "user_other" }, { source: exchangeSource() })).rejects.toSatisfy((e) => isWalletAuthError(e, "NOT_FOUND"));
  });
});

describe("BalanceService with the local chain", () => {
  it("reads native and ERC-20 balances in one multicall, formatted exactly", async () => {
    const result = await service().get(ctx, { source: walletSource() });
    expect(result.balances).toEqual([
      { asset: "ETH", free: "1.500000000000000001", locked: "0", total: "1.500000000000000001", usdValue: "4500", decimals: 18 },
      { asset: "USDC", free: "2500.000123", locked: "0", total: "2500.000123", usdValue: "2500", decimals: 6 },
    ]);
    expect(chain.requestCount("eth_call")).toBe(1);
  });

  it("makes exactly one chain call for 100 concurrent reads of a cold wallet", async () => {
    const balances = service({ prices: undefined });
    await Promise.all(Array.from({ length: 100 }, () => balances.get(ctx, { source: walletSource() })));
    expect(chain.requestCount()).toBe(1);
  });

  it("lists the wallet's ERC-20 transfers, signed, newest first", async () => {
    const sender = chain.accounts[1]!;
    await chain.mintToken({ token: btc, to: sender.address, amount: 150_000_000n });
    await chain.transferToken({ token: btc, from: sender, to: holder, amount: 12_345_678n });
    const page = await service().transactions(ctx, { source: walletSource() });
    expect(page.items.map((t) => [t.asset, t.amount, t.type])).toEqual([
      ["WBTC", "0.12345678", "transfer"],
      ["USDC", "2500.000123", "transfer"],
    ]);
    expect(page.items[0]?.externalId).toMatch(/^0x[0-9a-f]{64}:\d+$/);
  });
});
