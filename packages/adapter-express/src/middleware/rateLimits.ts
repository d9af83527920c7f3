import type { RequestHandler, Request, Response } from "express";
import { MemoryStore, type Options, type Store, ipKeyGenerator, rateLimit } from "express-rate-limit";
import { RedisStore, type RedisReply } from "rate-limit-redis";
import { sendError } from "../sendError.js";

/** One limit: at most `limit` requests per `windowMs`. */
export interface LimitRule {
  limit: number;
  windowMs: number;
}

/**
 * Rate limits. In-process counters by default; give `sendCommand` (e.g. ioredis
 * `(...args) => redis.call(...args)`) so every replica shares them through Redis.
 * When Redis is unreachable the limiter fails open to letting requests through (the
 * library's `passOnStoreError`), so an outage of the cache never takes the API down; the
 * failure is logged. The router may be built before the Redis client has connected: limits
 * start working with the first request after Redis answers.
 */
export interface RateLimitOptions {
  sendCommand?: ((...args: string[]) => Promise<RedisReply>) | undefined;
  /** Key prefix in Redis. Default `wa:rl:`. */
  prefix?: string | undefined;
  /** Every request, per client IP. Default 600 / minute. */
  perIp?: LimitRule | undefined;
  /** Every authenticated request, per user. Default 300 / minute. */
  perUser?: LimitRule | undefined;
  /** Credential create/validate and wallet challenges, per user. Default 20 / minute. */
  sensitive?: LimitRule | undefined;
  /** Exchange proxy calls, per credential. Default 60 / minute. */
  proxy?: LimitRule | undefined;
  /** Failed authentications (401), per client IP. Default 20 / 15 minutes. */
  authFailures?: LimitRule | undefined;
}

/** The limiters, built once per router. */
export interface RateLimiters {
  perIp: RequestHandler;
  /** Refuses an IP that failed authentication too often; it never counts successful or in-flight requests. */
  authFailures: RequestHandler;
  /** Counts one failed authentication of the request's IP. */
  recordAuthFailure(req: Request): Promise<void>;
  perUser: RequestHandler;
  sensitive: RequestHandler;
  proxy: RequestHandler;
}

/**
 * rate-limit-redis loads its two Lua scripts once, at `init`, and keeps the promise: a router
 * built while Redis is still connecting (or down) keeps the rejected load for good, so its limits
 * would fail open forever, and the rejection is unhandled. This store reloads the scripts after any
 * failed call (the next request after Redis returns works again) and never leaves a rejection
 * unhandled.
 */
class RecoveringRedisStore extends RedisStore {
  override async init(options: Options): Promise<void> {
    this.windowMs = options.windowMs;
    this.#loadScripts();
  }

  override get(key: string): ReturnType<RedisStore["get"]> {
    return this.#reloadOnFailure(super.get(key));
  }

  override increment(key: string): ReturnType<RedisStore["increment"]> {
    return this.#reloadOnFailure(super.increment(key));
  }

  /** A failed call (Redis down, or the scripts never loaded) reloads the scripts for the next one. */
  async #reloadOnFailure<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      this.#loadScripts();
      throw error;
    }
  }

  #loadScripts(): void {
    const increment = this.loadIncrementScript();
    const get = this.loadGetScript();
    // Handled here; a call awaiting a failed load still fails (and reloads).
    increment.catch(() => undefined);
    get.catch(() => undefined);
    this.incrementScriptSha = increment;
    this.getScriptSha = get;
  }
}

function tooMany(req: Request, res: Response): void {
  const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
  sendError(res, "RATE_LIMITED", { "Retry-After": String(seconds) });
}

/** People are limited per user; bots per token, so one runaway bot cannot starve its owner's other bots. */
const userKey = (_req: Request, res: Response): string => {
  const principal = res.locals.principal as { kind?: string; userId?: string; tokenId?: string } | null | undefined;
  return principal?.kind === "bot" ? `t:${principal.tokenId}` : `u:${principal?.userId ?? "anonymous"}`;
};
const credentialKey = (req: Request): string => `c:${String(req.params.id ?? "")}`;
const ipKey = (req: Request): string => `ip:${ipKeyGenerator(req.ip ?? "unknown")}`;

/**
 * Failed sign-ins per IP. Not express-rate-limit's `skipSuccessfulRequests` (it counts every
 * request while in flight, so 50 parallel good requests from one bot would trip it): failures
 * are counted when they happen, and the gate only reads the count.
 */
function authFailureLimiter(options: RateLimitOptions, prefix: string): Pick<RateLimiters, "authFailures" | "recordAuthFailure"> {
  const rule = options.authFailures ?? { limit: 20, windowMs: 15 * 60_000 };
  const store: Store = options.sendCommand ? new RecoveringRedisStore({ sendCommand: options.sendCommand, prefix: `${prefix}authfail:` }) : new MemoryStore();
  void store.init?.({ windowMs: rule.windowMs } as Options);
  return {
    authFailures: async (req, res, next) => {
      try {
        const info = await store.get?.(ipKey(req));
        if (info && info.totalHits >= rule.limit) {
          (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit = { ...(info.resetTime ? { resetTime: info.resetTime } : {}) };
          return tooMany(req, res);
        }
      } catch {
        // Fail open, like the other limiters: a cache outage never takes the API down.
      }
      next();
    },
    async recordAuthFailure(req) {
      await Promise.resolve(store.increment(ipKey(req))).catch(() => undefined);
    },
  };
}

/** Builds the limiters from the options (resolved once, not per request). */
export function createRateLimiters(options: RateLimitOptions = {}, onStoreError?: (error: unknown) => void): RateLimiters {
  const prefix = options.prefix ?? "wa:rl:";
  // The library logs to the console by default (with the store's error and stack); its lines go
  // to the router's logger instead, as an error name only.
  const logger = {
    warn: () => undefined,
    error: (error: unknown) => onStoreError?.(error),
  } as unknown as Options["logger"];
  const make = (name: string, rule: LimitRule, extra: Partial<Options>): RequestHandler =>
    rateLimit({
      windowMs: rule.windowMs,
      limit: rule.limit,
      // draft-7 (`RateLimit-Policy: 300;w=60`, `RateLimit: limit=300, remaining=299, reset=60`): the
      // limiter a request passes last (the most specific: sensitive or proxy, else per user, else per
      // IP) sets them. draft-8 hashed each key with SHA-256 and appended per limiter: measured at
      // about a tenth of an authenticated request's CPU.
      standardHeaders: "draft-7",
      legacyHeaders: false,
      passOnStoreError: true,
      logger,
      handler: tooMany,
      validate: { ip: false, trustProxy: false, xForwardedForHeader: false },
      ...(options.sendCommand ? { store: new RecoveringRedisStore({ sendCommand: options.sendCommand, prefix: `${prefix}${name}:` }) } : {}),
      ...extra,
    });
  const limiters = {
    perIp: make("ip", options.perIp ?? { limit: 600, windowMs: 60_000 }, { keyGenerator: ipKey }),
    ...authFailureLimiter(options, prefix),
    // A request without a verified caller is left to the per-IP limit: one shared "anonymous" bucket
    // would let anyone use up everyone's unauthenticated requests (the OpenAPI document).
    perUser: make("user", options.perUser ?? { limit: 300, windowMs: 60_000 }, { keyGenerator: userKey, skip: (_req, res) => !res.locals.principal }),
    sensitive: make("sensitive", options.sensitive ?? { limit: 20, windowMs: 60_000 }, { keyGenerator: userKey }),
    proxy: make("proxy", options.proxy ?? { limit: 60, windowMs: 60_000 }, { keyGenerator: credentialKey }),
  };
  return limiters;
}
