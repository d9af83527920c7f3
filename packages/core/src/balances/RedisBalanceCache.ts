import { WalletAuthError } from "../errors/index.js";
import type { BalanceCache, CachedBalanceEntry } from "../ports/BalanceCache.js";

/**
 * The few Redis commands the cache uses. An ioredis or node-redis v4 client fits as is, so
 * core does not depend on either.
 */
export interface RedisLikeClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: "PX", ttlMs: number): Promise<unknown>;
  del(key: string): Promise<number>;
}

/** Options for {@link RedisBalanceCache}. */
export interface RedisBalanceCacheOptions {
  client: RedisLikeClient;
  /** Prefix of every key, so deployments (and test files) sharing a Redis do not collide. Default `"wallet-auth:balances:"`. */
  keyPrefix?: string | undefined;
}

/**
 * {@link BalanceCache} in Redis, so several replicas share balance reads. Entries expire
 * through Redis (`PX`). Redis failures surface as `STORE_UNAVAILABLE`; the balance service then
 * falls back to an upstream read.
 *
 * @example
 * ```ts
 * import Redis from "ioredis";
 * import { RedisBalanceCache } from "@wallet-auth/core";
 * const cache = new RedisBalanceCache({ client: new Redis(process.env.REDIS_URL!), keyPrefix: "bot:balances:" });
 * ```
 */
export class RedisBalanceCache implements BalanceCache {
  readonly #client: RedisLikeClient;
  readonly #prefix: string;

  constructor(options: RedisBalanceCacheOptions) {
    this.#client = options.client;
    this.#prefix = options.keyPrefix ?? "wallet-auth:balances:";
  }

  async get(key: string): Promise<CachedBalanceEntry | null> {
    let text: string | null;
    try {
      text = await this.#client.get(this.#prefix + key);
    } catch (error) {
      throw new WalletAuthError("STORE_UNAVAILABLE", { cause: error, reason: "redis-get-failed" });
    }
    if (text === null) return null;
    try {
      return JSON.parse(text) as CachedBalanceEntry;
    } catch {
      return null; // a corrupt entry is a miss, not an outage
    }
  }

  async set(key: string, entry: CachedBalanceEntry, ttlMs: number): Promise<void> {
    try {
      await this.#client.set(this.#prefix + key, JSON.stringify(entry), "PX", Math.max(1, Math.ceil(ttlMs)));
    } catch (error) {
      throw new WalletAuthError("STORE_UNAVAILABLE", { cause: error, reason: "redis-set-failed" });
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.#client.del(this.#prefix + key);
    } catch (error) {
      throw new WalletAuthError("STORE_UNAVAILABLE", { cause: error, reason: "redis-del-failed" });
    }
  }
}
