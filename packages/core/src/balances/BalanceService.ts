import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import type { RequestContext } from "../context/RequestContext.js";
import { isWalletAuthError, WalletAuthError } from "../errors/index.js";
import type { BalanceCache } from "../ports/BalanceCache.js";
import type { ChainGateway } from "../ports/ChainGateway.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { Page, PageRequest } from "../ports/common.js";
import type { ExchangeGateway } from "../ports/ExchangeGateway.js";
import type { PriceSource } from "../ports/PriceSource.js";
import { cryptoRandom, type RandomSource } from "../ports/RandomSource.js";
import type { TransactionRecord, TransactionType } from "../ports/TransactionStore.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { parseContext, parseInput } from "../validation/index.js";
import { balanceSourceSchema, historyOptionsSchema, sourceOptionsSchema, transactionOptionsSchema } from "./balanceInputs.js";
import { addDecimal, formatUnits, multiplyDecimal, toPlainDecimal } from "./decimal.js";
import { MemoryBalanceCache } from "./MemoryBalanceCache.js";
import { SingleFlight } from "./SingleFlight.js";
import { toTransferRecords } from "./toTransferRecords.js";
import { sourceKey, sourceParts } from "./sourceKey.js";
import type { Balance, BalanceSnapshotView, BalanceSource, BalancesResult, ChainAssets, ExchangeSecretProvider } from "./types.js";

/** Options for {@link BalanceService}. */
export interface BalanceServiceOptions {
  store: WalletAuthStore;
  /** Exchange access, needed for `exchange` sources. */
  exchanges?: ExchangeGateway | undefined;
  /** Secret access for `exchange` sources (a `CredentialService`). */
  credentials?: ExchangeSecretProvider | undefined;
  /** Chain access, needed for `wallet` sources. */
  chains?: ChainGateway | undefined;
  /** Native currency and ERC-20 tokens to read per CAIP-2 chain id. */
  chainAssets?: Readonly<Record<string, ChainAssets>> | undefined;
  /** USD valuation; without it `usdValue` is `null`. */
  prices?: PriceSource | undefined;
  /** Default: in-process {@link MemoryBalanceCache}. Use `RedisBalanceCache` to share across replicas. */
  cache?: BalanceCache | undefined;
  /** How long a read is served from the cache. Default 5 minutes. */
  cacheTtlMs?: number | undefined;
  /** Shortest interval between forced refreshes of one source. Default 30 seconds. */
  minRefreshIntervalMs?: number | undefined;
  /** How long fetched transaction history counts as current. Default 5 minutes. */
  historyTtlMs?: number | undefined;
  /**
   * Collapse concurrent misses of one source into one upstream read. Default `true`; turning
   * it off exists for measurements only.
   */
  collapseConcurrentReads?: boolean | undefined;
  /**
   * Most recently read sources remembered for the background refresher (least recently read
   * forgotten first); each is also forgotten `activeSourceTtlMs` after its last read. Bounds the
   * memory of an embedder that runs no refresher. Default 10,000.
   */
  maxActiveSources?: number | undefined;
  /**
   * Blocks per `eth_getLogs` range when syncing a wallet's ERC-20 transfers (nodes refuse or time
   * out on large ranges). Default 2,000.
   */
  chainLogBlockRange?: number | undefined;
  /**
   * Most block ranges one transfer sync reads; the stored cursor carries on from there on the next
   * sync. Default 50 (100,000 blocks at the default range).
   */
  maxBlockRangesPerSync?: number | undefined;
  /**
   * An exchange history sync re-reads this far back before its cursor (the newest entry seen), so a
   * deposit or withdrawal whose status changed shortly after is updated. Default 1 hour.
   */
  exchangeHistoryOverlapMs?: number | undefined;
  /** How long a read source is remembered for the refresher. Default 1 hour (keep it above the refresher's `activeWindowMs`). */
  activeSourceTtlMs?: number | undefined;
  clock?: Clock | undefined;
  random?: RandomSource | undefined;
}

/** Input of {@link BalanceService.history}. */
export interface BalanceHistoryOptions extends PageRequest {
  source: BalanceSource;
  asset?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
}

/** Input of {@link BalanceService.transactions}. */
export interface TransactionHistoryOptions extends PageRequest {
  source: BalanceSource;
  type?: TransactionType | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** A source read recently, as the background refresher sees it. */
export interface ActiveBalanceSource {
  key: string;
  userId: string;
  source: BalanceSource;
  lastReadAt: Date;
}

const DEFAULT_NATIVE = { symbol: "ETH", decimals: 18 };

/**
 * Balances and history of exchange credentials and linked wallets, normalised to decimal
 * strings and valued in USD. Reads are cached (5 minutes by default); concurrent misses for one
 * source make one upstream call; every upstream read is stored as snapshots for history.
 *
 * A cache entry carries the version (`updatedAt`) of the credential or wallet it was read from,
 * and every hit is checked against the store (one primary-key read): once a credential is
 * disabled, deleted, renewed, revalidated or expired, a wallet unlinked or the user erased, no
 * replica serves the old entry, whether the cache is this process's memory or a shared Redis.
 * Chosen over a pub/sub signal between replicas: nothing to lose on a reconnect, and it needs
 * nothing but the store every replica already shares.
 *
 * @example
 * ```ts
 * import { BalanceService } from "@wallet-auth/core";
 * const balances = new BalanceService({ store, exchanges, credentials, chains, prices });
 * const { balances: list, asOf, fromCache } = await balances.get(ctx, { source: { type: "exchange", credentialId } });
 * ```
 */
export class BalanceService {
  readonly #o: BalanceServiceOptions;
  readonly #cache: BalanceCache;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #ttlMs: number;
  readonly #minRefreshMs: number;
  readonly #historyTtlMs: number;
  readonly #flights = new SingleFlight<BalancesResult>();
  readonly #historyFlights = new SingleFlight<number>();
  readonly #active: LRUCache<string, ActiveBalanceSource>;
  #upstreamCalls = 0;

  constructor(options: BalanceServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? cryptoRandom;
    this.#cache = options.cache ?? new MemoryBalanceCache({ clock: this.#clock });
    this.#ttlMs = options.cacheTtlMs ?? 5 * 60_000;
    this.#minRefreshMs = options.minRefreshIntervalMs ?? 30_000;
    this.#historyTtlMs = options.historyTtlMs ?? 5 * 60_000;
    // Entries are dropped by count and by age (checked on read, against the injected clock).
    this.#active = new LRUCache({
      max: options.maxActiveSources ?? 10_000,
      ttl: options.activeSourceTtlMs ?? 60 * 60_000,
      ttlResolution: 0,
      perf: { now: () => this.#clock.now().getTime() },
    });
  }

  /** Upstream balance reads made by this instance (diagnostics, benchmarks). */
  get upstreamCalls(): number {
    return this.#upstreamCalls;
  }

  /**
   * Current balances of a source: from the cache when fresh, otherwise one upstream read shared
   * by every concurrent caller, stored as snapshots and cached.
   *
   * @param rawCtx - The user; the source must be theirs.
   * @returns Balances, USD total, `asOf` and whether it came from the cache.
   * @throws WalletAuthError `NOT_FOUND` (source absent or another user's), `INVALID_INPUT`,
   *   credential errors (`CREDENTIAL_*`), `EXCHANGE_*`, `CHAIN_*`.
   */
  async get(rawCtx: RequestContext, rawOptions: { source: BalanceSource }): Promise<BalancesResult> {
    const ctx = parseContext(rawCtx);
    const options = parseInput(sourceOptionsSchema, rawOptions, "options");
    const key = sourceKey(ctx.userId, options.source);
    this.#touch(key, ctx.userId, options.source);
    const cached = await this.#cached(key, ctx.userId, options.source);
    if (cached) return cached;
    if (this.#o.collapseConcurrentReads === false) return this.#fetch(ctx, options.source, key);
    return this.#flights.run(key, () => this.#fetch(ctx, options.source, key));
  }

  /**
   * Reads a source upstream now, bypassing the cache. Rate limited per source: within
   * `minRefreshIntervalMs` of the last upstream read it refuses.
   *
   * @throws WalletAuthError `RATE_LIMITED` (details `retryAfterMs`), and what {@link BalanceService.get} throws.
   */
  async refresh(rawCtx: RequestContext, rawOptions: { source: BalanceSource }): Promise<BalancesResult> {
    const ctx = parseContext(rawCtx);
    const options = parseInput(sourceOptionsSchema, rawOptions, "options");
    const key = sourceKey(ctx.userId, options.source);
    this.#touch(key, ctx.userId, options.source);
    const cached = await this.#cached(key, ctx.userId, options.source);
    if (cached) {
      const age = this.#clock.now().getTime() - cached.asOf.getTime();
      if (age < this.#minRefreshMs) {
        throw new WalletAuthError("RATE_LIMITED", { reason: "balance-refresh-too-soon", details: { retryAfterMs: this.#minRefreshMs - age } });
      }
    }
    return this.#flights.run(key, () => this.#fetch(ctx, options.source, key));
  }

  /**
   * For the background refresher: reads upstream unless the cached entry is younger than
   * `fresherThanMs`. Not rate limited.
   *
   * @returns Whether an upstream read happened.
   */
  async refreshIfOlderThan(rawCtx: RequestContext, rawSource: BalanceSource, fresherThanMs: number): Promise<boolean> {
    const ctx = parseContext(rawCtx);
    const source = parseInput(balanceSourceSchema, rawSource, "source");
    parseInput(z.number().nonnegative().finite(), fresherThanMs, "fresherThanMs");
    const key = sourceKey(ctx.userId, source);
    const cached = await this.#cached(key, ctx.userId, source);
    if (cached && this.#clock.now().getTime() - cached.asOf.getTime() < fresherThanMs) return false;
    await this.#flights.run(key, () => this.#fetch(ctx, source, key));
    return true;
  }

  /** Sources read since `since` (this process), for the background refresher. */
  activeSources(since: Date): ActiveBalanceSource[] {
    const out: ActiveBalanceSource[] = [];
    const stale: string[] = [];
    for (const [key, entry] of this.#active.entries()) {
      if (entry.lastReadAt.getTime() >= since.getTime()) out.push(entry);
      else stale.push(key);
    }
    for (const key of stale) this.#active.delete(key);
    return out;
  }

  /**
   * Balance snapshots of a source, oldest first, paged.
   *
   * @throws WalletAuthError `INVALID_INPUT` for a malformed source.
   */
  async history(rawCtx: RequestContext, rawOptions: BalanceHistoryOptions): Promise<Page<BalanceSnapshotView>> {
    const ctx = parseContext(rawCtx);
    const options = parseInput(historyOptionsSchema, rawOptions, "options");
    const { sourceType, sourceId } = sourceParts(options.source);
    const page = await this.#o.store.snapshots.list({
      userId: ctx.userId,
      sourceType,
      sourceId,
      asset: options.asset,
      from: options.from,
      to: options.to,
      cursor: options.cursor,
      limit: options.limit,
    });
    return {
      items: page.items.map((s) => ({ asset: s.asset, free: s.free, locked: s.locked, total: s.total, usdValue: s.usdValue, takenAt: s.takenAt })),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * Trades, deposits and withdrawals (exchange) or ERC-20 transfers (wallet) of a source, newest
   * first, paged. The upstream history is fetched into the local cache when older than
   * `historyTtlMs` (once for concurrent callers), then read from it.
   *
   * @throws WalletAuthError as {@link BalanceService.get}.
   */
  async transactions(rawCtx: RequestContext, rawOptions: TransactionHistoryOptions): Promise<Page<TransactionRecord>> {
    const ctx = parseContext(rawCtx);
    const options = parseInput(transactionOptionsSchema, rawOptions, "options");
    const { sourceType, sourceId } = sourceParts(options.source);
    const key = `tx:${sourceKey(ctx.userId, options.source)}`;
    const synced = await this.#cache.get(key).catch(() => null);
    if (!synced) {
      await this.#historyFlights.run(key, async () => {
        const count = await this.#syncTransactions(ctx, options.source);
        await this.#cache.set(key, { balances: [], asOf: this.#clock.now().toISOString() }, this.#historyTtlMs).catch(() => undefined);
        return count;
      });
    }
    return this.#o.store.transactions.list({
      userId: ctx.userId,
      sourceType,
      sourceId,
      type: options.type,
      from: options.from,
      to: options.to,
      cursor: options.cursor,
      limit: options.limit,
    });
  }

  /**
   * Drops the cached balances (and the history sync mark) of a source, e.g. after a trade the bot
   * made. `createWalletAuth` calls it when a credential is deleted, disabled, renewed, revalidated
   * or expires, a wallet is unlinked, or the user is erased. That deletes the entry in a shared
   * (Redis) cache; other replicas' in-process caches are covered by the version check on every
   * hit (see the class comment), not by this call.
   */
  async invalidate(rawCtx: RequestContext, rawOptions: { source: BalanceSource }): Promise<void> {
    const ctx = parseContext(rawCtx);
    const options = parseInput(sourceOptionsSchema, rawOptions, "options");
    const key = sourceKey(ctx.userId, options.source);
    await Promise.all([this.#cache.delete(key), this.#cache.delete(`tx:${key}`)]);
  }

  /** Resolves when every upstream read running now has settled. */
  async idle(): Promise<void> {
    await Promise.all([this.#flights.settled(), this.#historyFlights.settled()]);
  }

  #touch(key: string, userId: string, source: BalanceSource): void {
    this.#active.set(key, { key, userId, source, lastReadAt: this.#clock.now() });
  }

  async #cached(key: string, userId: string, source: BalanceSource): Promise<BalancesResult | null> {
    let entry;
    let version: string | null;
    try {
      entry = await this.#cache.get(key);
      if (!entry) return null;
      // The store is what every replica shares: an entry whose source changed or went since it was
      // read is not served, whichever replica (and whichever cache) made the change.
      version = await this.#sourceVersion(userId, source);
    } catch {
      return null; // a cache outage degrades to upstream reads, it does not fail them
    }
    if (entry.sourceVersion === undefined || entry.sourceVersion !== version) {
      await this.#cache.delete(key).catch(() => undefined);
      return null;
    }
    const balances = entry.balances.map((b) => ({ ...b }));
    return { source, balances, totalUsd: totalUsd(balances), asOf: new Date(entry.asOf), fromCache: true };
  }

  async #fetch(ctx: RequestContext, source: BalanceSource, key: string): Promise<BalancesResult> {
    // Read before the upstream call: a change landing during it makes the entry stale at once.
    const version = await this.#sourceVersion(ctx.userId, source);
    this.#upstreamCalls++;
    const raw = source.type === "exchange" ? await this.#fetchExchange(ctx, source.credentialId) : await this.#fetchWallet(ctx, source.walletId);
    const balances = await this.#value(raw);
    const asOf = this.#clock.now();
    const { sourceType, sourceId } = sourceParts(source);
    if (balances.length > 0) {
      await this.#o.store.snapshots.insertMany(
        balances.map((b) => ({
          id: this.#random.uuid(),
          userId: ctx.userId,
          sourceType,
          sourceId,
          asset: b.asset,
          free: b.free,
          locked: b.locked,
          total: b.total,
          usdValue: b.usdValue,
          takenAt: asOf,
        })),
      );
    }
    if (version !== null) await this.#cache.set(key, { balances, asOf: asOf.toISOString(), sourceVersion: version }, this.#ttlMs).catch(() => undefined);
    return { source, balances, totalUsd: totalUsd(balances), asOf, fromCache: false };
  }

  /**
   * What a cached read of the source is valid for: the stored record's `updatedAt` (every status
   * change, renewal and revalidation sets it), or `null` when the source is gone, not the user's,
   * or (a credential) not active or past its expiry. One primary-key read.
   */
  async #sourceVersion(userId: string, source: BalanceSource): Promise<string | null> {
    if (source.type === "exchange") {
      const record = await this.#o.store.credentials.get(userId, source.credentialId);
      if (record === null || record.status !== "active") return null;
      if (record.expiresAt !== null && record.expiresAt.getTime() <= this.#clock.now().getTime()) return null;
      return `credential:${record.updatedAt.getTime()}`;
    }
    const wallet = await this.#o.store.wallets.get(userId, source.walletId);
    return wallet === null ? null : `wallet:${wallet.updatedAt.getTime()}`;
  }

  async #fetchExchange(ctx: RequestContext, credentialId: string): Promise<Omit<Balance, "usdValue">[]> {
    const { exchanges, credentials } = this.#o;
    if (!exchanges || !credentials) throw new WalletAuthError("EXCHANGE_UNSUPPORTED", { reason: "balance-exchange-not-configured" });
    const record = await this.#o.store.credentials.get(ctx.userId, credentialId);
    if (!record) throw new WalletAuthError("NOT_FOUND", { reason: "credential-not-found" });
    const list = await credentials.use(ctx, credentialId, (secret) => exchanges.fetchBalances({ exchange: record.exchange, secret }));
    return list.map((b) => ({ asset: b.asset.toUpperCase(), free: plain(b.free), locked: plain(b.locked), total: plain(b.total) }));
  }

  async #wallet(ctx: RequestContext, walletId: string) {
    const { chains } = this.#o;
    const wallet = await this.#o.store.wallets.get(ctx.userId, walletId);
    if (!wallet) throw new WalletAuthError("NOT_FOUND", { reason: "wallet-not-found" });
    const chainId = `${wallet.chainNamespace}:${wallet.chainReference}`;
    if (!chains?.supports(chainId)) throw new WalletAuthError("CHAIN_UNSUPPORTED", { reason: "balance-chain-not-configured" });
    const assets = this.#o.chainAssets?.[chainId] ?? {};
    return { chains, chainId, address: wallet.address as `0x${string}`, native: assets.native ?? DEFAULT_NATIVE, tokens: assets.tokens ?? [], fromBlock: assets.historyFromBlock ?? 0n };
  }

  async #fetchWallet(ctx: RequestContext, walletId: string): Promise<Omit<Balance, "usdValue">[]> {
    const { chains, chainId, address, native, tokens } = await this.#wallet(ctx, walletId);
    const read = await chains.getBalances({ chainId, address, tokens: tokens.map((t) => t.address) });
    const out: Omit<Balance, "usdValue">[] = [];
    const push = (asset: string, raw: bigint, decimals: number) => {
      const amount = formatUnits(raw, decimals);
      out.push({ asset, free: amount, locked: "0", total: amount, decimals });
    };
    push(native.symbol, read.native, native.decimals);
    tokens.forEach((token, i) => {
      const raw = read.tokens[i] ?? 0n;
      if (raw !== 0n) push(token.symbol, raw, token.decimals);
    });
    return out;
  }

  async #value(raw: Omit<Balance, "usdValue">[]): Promise<Balance[]> {
    let prices: Record<string, string> = {};
    if (this.#o.prices && raw.length > 0) {
      try {
        prices = await this.#o.prices.getUsdPrices([...new Set(raw.map((b) => b.asset))]);
      } catch (error) {
        // Balances without prices beat no balances; a programming error still surfaces.
        if (!isWalletAuthError(error)) throw error;
      }
    }
    return raw.map((b) => {
      const price = prices[b.asset];
      return { ...b, usdValue: price === undefined ? null : multiplyDecimal(b.total, price, 2) };
    });
  }

  async #syncTransactions(ctx: RequestContext, source: BalanceSource): Promise<number> {
    const { sourceType, sourceId } = sourceParts(source);
    if (source.type === "wallet") return this.#syncTransfers(ctx, source.walletId);
    const { exchanges, credentials } = this.#o;
    if (!exchanges || !credentials) throw new WalletAuthError("EXCHANGE_UNSUPPORTED", { reason: "balance-exchange-not-configured" });
    const record = await this.#o.store.credentials.get(ctx.userId, source.credentialId);
    if (!record) throw new WalletAuthError("NOT_FOUND", { reason: "credential-not-found" });
    // Only what is new since the newest entry seen (less an overlap for late status changes).
    const cursors = this.#o.store.syncCursors;
    const seen = await cursors.get(ctx.userId, sourceType, sourceId, "history");
    const since = seen === null ? undefined : new Date(Math.max(0, Number(seen) - (this.#o.exchangeHistoryOverlapMs ?? 3_600_000)));
    const entries = await credentials.use(ctx, source.credentialId, (secret) => exchanges.fetchHistory({ exchange: record.exchange, secret, since }));
    const records = entries.map((e) => ({ ...e, id: this.#random.uuid(), userId: ctx.userId, sourceType, sourceId }));
    if (records.length > 0) await this.#o.store.transactions.upsertMany(records);
    const newest = Math.max(seen === null ? 0 : Number(seen), ...entries.map((e) => e.occurredAt.getTime()));
    if (newest > 0 && String(newest) !== seen) await cursors.set(ctx.userId, sourceType, sourceId, "history", String(newest), this.#clock.now());
    return records.length;
  }

  /**
   * Reads a wallet's ERC-20 transfers from its cursor (the next unread block) to the chain head,
   * in ranges of `chainLogBlockRange` blocks, at most `maxBlockRangesPerSync` of them; the cursor
   * moves after each range is stored, so an interrupted sync resumes where it stopped. The cursor
   * is per token list: configuring another token reads that wallet's history again.
   */
  async #syncTransfers(ctx: RequestContext, walletId: string): Promise<number> {
    const { chains, chainId, address, tokens, fromBlock } = await this.#wallet(ctx, walletId);
    if (tokens.length === 0) return 0;
    const cursors = this.#o.store.syncCursors;
    const tokenAddresses = tokens.map((t) => t.address);
    const stream = `erc20:${createHash("sha256").update(tokenAddresses.map((a) => a.toLowerCase()).sort().join(",")).digest("hex").slice(0, 16)}`;
    const stored = await cursors.get(ctx.userId, "wallet", walletId, stream);
    const head = await chains.getBlockNumber({ chainId });
    const span = BigInt(Math.max(1, Math.trunc(this.#o.chainLogBlockRange ?? 2_000)));
    const maxRanges = Math.max(1, Math.trunc(this.#o.maxBlockRangesPerSync ?? 50));
    let next = stored === null ? fromBlock : BigInt(stored);
    let count = 0;
    for (let ranges = 0; ranges < maxRanges && next <= head; ranges++) {
      const to = next + span - 1n < head ? next + span - 1n : head;
      const transfers = await chains.getTokenTransfers({ chainId, address, tokens: tokenAddresses, fromBlock: next, toBlock: to });
      const records = toTransferRecords({ transfers, tokens, address, chainId, userId: ctx.userId, sourceId: walletId, newId: () => this.#random.uuid() });
      if (records.length > 0) await this.#o.store.transactions.upsertMany(records);
      count += records.length;
      next = to + 1n;
      await cursors.set(ctx.userId, "wallet", walletId, stream, String(next), this.#clock.now());
    }
    return count;
  }
}

/** An exchange amount as a plain decimal string; a non-number is an upstream fault. */
function plain(amount: string): string {
  const value = toPlainDecimal(String(amount));
  if (value === null) throw new WalletAuthError("EXCHANGE_UNAVAILABLE", { reason: "balance-amount-not-decimal" });
  return value;
}

function totalUsd(balances: readonly Balance[]): string | null {
  const known = balances.map((b) => b.usdValue).filter((v): v is string => v !== null);
  return known.length === 0 ? null : known.reduce((sum, v) => addDecimal(sum, v), "0");
}
