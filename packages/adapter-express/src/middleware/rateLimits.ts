import type { RequestHandler, Request, Response } from "express";
import { MemoryStore, type Options, type Store, ipKeyGenerator, rateLimit } from "express-rate-limit";
import { RedisStore, type RedisReply } from "rate-limit-redis";
import { z } from "zod";
import { sendError } from "../sendError.js";

/** One limit: at most `limit` requests per `windowMs`. */
export interface LimitRule {
  /** Whole number, 1 to 1,000,000,000. */
  limit: number;
  /** Whole milliseconds, 1 s to 24 h. */
  windowMs: number;
}

/**
 * Rate limits. In-process counters by default; give `sendCommand` (e.g. ioredis
 * `(...args) => redis.call(...args)`) so every replica shares them through Redis.
 * When Redis is unreachable the limiter fails open to letting requests through (the
 * library's `passOnStoreError`), so an outage of the cache never takes the API down; the
 * failure is logged. The router may be built before the Redis client has connected: limits
 * start working with the first request after Redis answers.
 *
 * Every value is checked when the router is built: an unknown field, a limit that is not a
 * whole number from 1 up, or a window outside 1 s to 24 h throws a `TypeError` naming it.
 * Every 429 carries `Retry-After` and the draft-7 `RateLimit` headers of the limit that refused.
 */
export interface RateLimitOptions {
  sendCommand?: ((...args: string[]) => Promise<RedisReply>) | undefined;
  /** Key prefix in Redis. Default `wa:rl:`. */
  prefix?: string | undefined;
  /** Every request, per client IP (counted before authentication). Default 600 / minute. */
  perIp?: LimitRule | undefined;
  /** Every request of a signed-in person, per user. Default 300 / minute. */
  perUser?: LimitRule | undefined;
  /** Every request of a bot, per bot token (one runaway bot cannot starve its owner's others). Default 300 / minute. */
  perToken?: LimitRule | undefined;
  /** Credential create/validate, token creation, wallet challenges/links, balance refresh: per user, counted after authentication. Default 20 / minute. */
  sensitive?: LimitRule | undefined;
  /**
   * Exchange proxy calls, per owner and credential, counted only after authentication and the
   * ownership check (another user's or an anonymous caller's requests never use an owner's
   * budget; they count against their own IP only). Default 60 / minute.
   */
  proxy?: LimitRule | undefined;
  /**
   * Failed authentications per client IP. Once `limit` failures happened in the window, further
   * requests from that IP whose token fails are answered 429 (with `Retry-After` and
   * `RateLimit: limit=<limit>, remaining=0`) instead of 401, and are no longer counted; a request
   * with a valid token from that IP is served as usual. Default 20 / 15 minutes.
   */
  authFailures?: LimitRule | undefined;
}

/** The limiters, built once per router. */
export interface RateLimiters {
  perIp: RequestHandler;
  /**
   * After authentication: a request whose token failed is counted against its IP, or answered
   * 429 when that IP is over its failed-authentication limit. Successful, anonymous and
   * in-flight requests are never counted.
   */
  authFailures: RequestHandler;
  /** Per user (people) or per token (bots); anonymous requests are left to the per-IP limit. */
  perCaller: RequestHandler[];
  /** Per user, for routes marked `sensitive`; runs after the route's guard. */
  sensitive: RequestHandler;
  /** Per owner and credential (`req.params.id`), for the exchange proxy; runs after the guard and the ownership check. */
  proxy: RequestHandler;
}

/** Failure reasons that do not count towards the failed-authentication limit (a genuine token of a real user). */
export type UncountedAuthFailure = (reason: unknown) => boolean;

const DEFAULTS = {
  perIp: { limit: 600, windowMs: 60_000 },
  perUser: { limit: 300, windowMs: 60_000 },
  perToken: { limit: 300, windowMs: 60_000 },
  sensitive: { limit: 20, windowMs: 60_000 },
  proxy: { limit: 60, windowMs: 60_000 },
  authFailures: { limit: 20, windowMs: 15 * 60_000 },
} as const satisfies Record<string, LimitRule>;

const ruleSchema = z.strictObject({
  limit: z.number().int().min(1).max(1_000_000_000),
  windowMs: z.number().int().min(1_000).max(86_400_000),
});
const optionsSchema = z.strictObject({
  sendCommand: z.function().optional(),
  prefix: z.string().min(1).max(64).regex(/^[\x21-\x7e]+$/).optional(),
  perIp: ruleSchema.optional(),
  perUser: ruleSchema.optional(),
  perToken: ruleSchema.optional(),
  sensitive: ruleSchema.optional(),
  proxy: ruleSchema.optional(),
  authFailures: ruleSchema.optional(),
});

/** What each field must be, for the start-up error. */
const EXPECTED: Record<string, string> = {
  limit: "a whole number from 1 to 1000000000",
  windowMs: "whole milliseconds from 1000 (1 s) to 86400000 (24 h)",
  prefix: "1 to 64 printable characters without spaces",
  sendCommand: "a function",
};

/** The options with every default filled in. */
export interface ResolvedRateLimits {
  sendCommand: RateLimitOptions["sendCommand"];
  prefix: string;
  perIp: LimitRule;
  perUser: LimitRule;
  perToken: LimitRule;
  sensitive: LimitRule;
  proxy: LimitRule;
  authFailures: LimitRule;
}

/**
 * Checks the rate-limit options and fills in the defaults.
 *
 * @throws TypeError `rateLimit.<field>: <what it must be>` for the first bad or unknown field.
 */
export function resolveRateLimitOptions(options: RateLimitOptions = {}): ResolvedRateLimits {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const unknown = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
    const path = ["rateLimit", ...issue.path.map(String), ...(unknown !== undefined ? [unknown] : [])].join(".");
    const last = String(issue.path.at(-1) ?? "");
    const why = unknown !== undefined ? "unknown option" : issue.path.length === 1 && last !== "prefix" && last !== "sendCommand" ? "{ limit, windowMs } expected" : (EXPECTED[last] ?? "invalid");
    throw new TypeError(`${path}: ${why}`);
  }
  return {
    sendCommand: options.sendCommand,
    prefix: options.prefix ?? "wa:rl:",
    perIp: options.perIp ?? DEFAULTS.perIp,
    perUser: options.perUser ?? DEFAULTS.perUser,
    perToken: options.perToken ?? DEFAULTS.perToken,
    sensitive: options.sensitive ?? DEFAULTS.sensitive,
    proxy: options.proxy ?? DEFAULTS.proxy,
    authFailures: options.authFailures ?? DEFAULTS.authFailures,
  };
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

/** Whole seconds until `reset` (at least 1), or the window when unknown. */
const secondsUntil = (reset: Date | undefined, windowMs: number): number => (reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : Math.ceil(windowMs / 1000));

function tooMany(req: Request, res: Response, windowMs: number): void {
  const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  sendError(res, "RATE_LIMITED", { "Retry-After": String(secondsUntil(reset, windowMs)) });
}

type Caller = { kind?: string; userId?: string; tokenId?: string } | null | undefined;
const callerOf = (res: Response): Caller => res.locals.principal as Caller;
/** People are limited per user; bots per token, so one runaway bot cannot starve its owner's other bots. */
const callerKey = (_req: Request, res: Response): string => {
  const principal = callerOf(res);
  return principal?.kind === "bot" ? `t:${principal.tokenId}` : `u:${principal?.userId ?? ""}`;
};
const userKey = (_req: Request, res: Response): string => `u:${callerOf(res)?.userId ?? ""}`;
// Owner and credential: another user naming the same id has a bucket of their own (and is stopped
// by the ownership check before counting anyway).
const proxyKey = (req: Request, res: Response): string => `c:${callerOf(res)?.userId ?? ""}:${String(req.params.id ?? "")}`;
const ipKey = (req: Request): string => `ip:${ipKeyGenerator(req.ip ?? "unknown")}`;

/**
 * Failed sign-ins per IP. Not express-rate-limit's `skipSuccessfulRequests` (it counts every
 * request while in flight, so 50 parallel good requests from one bot would trip it): a failure is
 * counted once the token was found bad, and the gate answers only requests that failed too.
 */
function authFailureLimiter(rule: LimitRule, store: Store, uncounted: UncountedAuthFailure): RequestHandler {
  // The recovering Redis store's init never rejects; any other store's failure shows again on its calls.
  void Promise.resolve(store.init?.({ windowMs: rule.windowMs } as Options)).catch(() => undefined);
  const policy = `${rule.limit};w=${Math.ceil(rule.windowMs / 1000)}`;
  return async (req, res, next) => {
    const reason: unknown = res.locals.authFailure;
    if (res.locals.principal || reason === undefined || uncounted(reason)) return next();
    try {
      const info = await store.get?.(ipKey(req));
      if (info && info.totalHits >= rule.limit) {
        // This limit refused: its headers replace the per-IP ones, so they never say "remaining" on a 429.
        const seconds = secondsUntil(info.resetTime, rule.windowMs);
        res.setHeader("RateLimit-Policy", policy);
        res.setHeader("RateLimit", `limit=${rule.limit}, remaining=0, reset=${seconds}`);
        return sendError(res, "RATE_LIMITED", { "Retry-After": String(seconds) });
      }
      await store.increment(ipKey(req));
    } catch {
      // Fail open, like the other limiters: a cache outage never takes the API down.
    }
    next();
  };
}

/** Builds the limiters from the options (checked and resolved once, not per request). */
export function createRateLimiters(options: RateLimitOptions = {}, onStoreError?: (error: unknown) => void, uncounted: UncountedAuthFailure = () => false): RateLimiters {
  const resolved = resolveRateLimitOptions(options);
  const { prefix, sendCommand } = resolved;
  // The library logs to the console by default (with the store's error and stack); its lines go
  // to the router's logger instead, as an error name only.
  const logger = {
    warn: () => undefined,
    error: (error: unknown) => onStoreError?.(error),
  } as unknown as Options["logger"];
  const storeFor = (name: string): Store => (sendCommand ? new RecoveringRedisStore({ sendCommand, prefix: `${prefix}${name}:` }) : new MemoryStore());
  const make = (name: string, rule: LimitRule, extra: Partial<Options>): RequestHandler =>
    rateLimit({
      windowMs: rule.windowMs,
      limit: rule.limit,
      // draft-7 (`RateLimit-Policy: 300;w=60`, `RateLimit: limit=300, remaining=299, reset=60`): the
      // limiter a request passes last (the most specific: sensitive or proxy, else per user or per
      // token, else per IP) sets them. draft-8 hashed each key with SHA-256 and appended per
      // limiter: measured at about a tenth of an authenticated request's CPU.
      standardHeaders: "draft-7",
      legacyHeaders: false,
      passOnStoreError: true,
      logger,
      handler: (req, res) => tooMany(req, res, rule.windowMs),
      validate: { ip: false, trustProxy: false, xForwardedForHeader: false },
      store: storeFor(name),
      ...extra,
    });
  const anonymous = (_req: Request, res: Response) => !callerOf(res);
  return {
    perIp: make("ip", resolved.perIp, { keyGenerator: ipKey }),
    authFailures: authFailureLimiter(resolved.authFailures, storeFor("authfail"), uncounted),
    // A request without a verified caller is left to the per-IP limit: one shared "anonymous" bucket
    // would let anyone use up everyone's unauthenticated requests (the OpenAPI document).
    perCaller: [
      make("user", resolved.perUser, { keyGenerator: callerKey, skip: (req, res) => anonymous(req, res) || callerOf(res)?.kind === "bot" }),
      make("token", resolved.perToken, { keyGenerator: callerKey, skip: (req, res) => anonymous(req, res) || callerOf(res)?.kind !== "bot" }),
    ],
    sensitive: make("sensitive", resolved.sensitive, { keyGenerator: userKey, skip: anonymous }),
    proxy: make("proxy", resolved.proxy, { keyGenerator: proxyKey, skip: anonymous }),
  };
}
