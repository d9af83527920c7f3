import { randomUUID } from "node:crypto";
import type { WindowCounter } from "./SlidingWindowCounter.js";

/** The two commands {@link RedisWindowCounter} needs (ioredis's `Redis` has both). */
export interface RedisScriptClient {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
}

// One sorted set per key, scored by time: drop what left the window, add this hit, bound the
// set, keep it only as long as the window, answer the count. Atomic, so replicas share one count.
const HIT = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call("ZREMRANGEBYSCORE", key, "-inf", now - window)
redis.call("ZADD", key, now, ARGV[3])
local n = redis.call("ZCARD", key)
if n > 10000 then redis.call("ZREMRANGEBYRANK", key, 0, n - 10001) n = 10000 end
redis.call("PEXPIRE", key, window)
return n
`;

/**
 * A sliding-window counter in Redis, so alert thresholds (failed sign-ins per user and per IP,
 * credential-use bursts, wallet churn) hold across every replica instead of per process. Each
 * key is one sorted set that expires with its window.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { createWalletAuth, redisDetectorWindows } from "@wallet-auth/core";
 * const auth = createWalletAuth({ ...options, detectorWindows: redisDetectorWindows({ client: new Redis(process.env.REDIS_URL!) }) });
 * ```
 */
export class RedisWindowCounter implements WindowCounter {
  readonly #client: RedisScriptClient;
  readonly #prefix: string;
  readonly #windowMs: number;

  constructor(options: { client: RedisScriptClient; windowMs: number; keyPrefix: string }) {
    this.#client = options.client;
    this.#windowMs = options.windowMs;
    this.#prefix = options.keyPrefix;
  }

  async hit(key: string, nowMs: number): Promise<number> {
    return Number(await this.#client.eval(HIT, 1, this.#prefix + key, nowMs, this.#windowMs, `${nowMs}:${randomUUID()}`));
  }

  async reset(key: string): Promise<void> {
    await this.#client.del(this.#prefix + key);
  }
}

/**
 * Detector windows in Redis for `createWalletAuth({ detectorWindows })`: one counter per
 * detector, keys under `keyPrefix` (default `"wallet-auth:detector:"`).
 */
export function redisDetectorWindows(options: { client: RedisScriptClient; keyPrefix?: string | undefined }): DetectorWindows {
  const prefix = options.keyPrefix ?? "wallet-auth:detector:";
  return (name, windowMs) => new RedisWindowCounter({ client: options.client, windowMs, keyPrefix: `${prefix}${name}:` });
}

/** Builds the counter of one detector (`name`: `auth-user`, `auth-ip`, `credential-use`, `wallet-churn`). */
export type DetectorWindows = (name: string, windowMs: number) => WindowCounter;
