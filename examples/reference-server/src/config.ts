import { BlockList, isIP } from "node:net";
import { checkClerkWebhookSecret, normalizeJwtKey } from "@wallet-auth/adapter-express";
import { z } from "zod";
import { type KeyProviderConfig, parseKeyProviderConfig } from "./keyProviderConfig.js";

/** Thrown for a bad environment variable: its message is the one line printed at start-up. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const jsonMap = (what: string, keyPattern: RegExp = /^[a-z0-9]{2,32}$/) =>
  z.string().transform((text, ctx) => {
    try {
      const value = JSON.parse(text) as unknown;
      if (
        value &&
        typeof value === "object" &&
        !Array.isArray(value) &&
        Object.keys(value).every((k) => keyPattern.test(k)) &&
        Object.values(value).every((v) => typeof v === "string" && URL.canParse(v) && /^https?:\/\//.test(v))
      ) {
        return value as Record<string, string>;
      }
    } catch {
      /* fall through */
    }
    ctx.addIssue({ code: "custom", message: `must be a JSON object of ${what} -> http(s) URL` });
    return z.NEVER;
  });

/**
 * A rate limit as `<requests>/<window>`, the window in s, m or h: `600/1m`, `20/15m`. Same bounds
 * as the router checks (1 to 1,000,000,000 requests, 1 s to 24 h).
 */
const rateLimit = z.string().transform((text, ctx) => {
  const match = /^\s*(\d{1,10})\s*\/\s*(\d{1,5})\s*(s|m|h)\s*$/.exec(text);
  const limit = match ? Number(match[1]) : 0;
  const windowMs = match ? Number(match[2]) * { s: 1_000, m: 60_000, h: 3_600_000 }[match[3] as "s" | "m" | "h"] : 0;
  if (limit >= 1 && limit <= 1_000_000_000 && windowMs >= 1_000 && windowMs <= 86_400_000) return { limit, windowMs };
  ctx.addIssue({ code: "custom", message: "must be <requests>/<window> like 600/1m (1 to 1000000000 requests, window 1s to 24h)" });
  return z.NEVER;
});

/** The `trust proxy` setting: `false` (off), a hop count, or the addresses/CIDRs of trusted proxies. */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** One trusted proxy: an address, a CIDR (`10.0.0.0/8`, `fd00::/8`) or one of Express's names. */
function validProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  try {
    // node's own parser rejects a prefix longer than the family allows.
    new BlockList().addSubnet(address, Number(prefix), family === 4 ? "ipv4" : "ipv6");
    return true;
  } catch {
    return false;
  }
}

const trustProxy = z.string().transform((text, ctx): TrustProxy => {
  const value = text.trim().toLowerCase();
  if (value === "off" || value === "false" || value === "0") return false;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value.split(",").map((e) => e.trim()).filter(Boolean);
  if (entries.length > 0 && entries.every(validProxyEntry)) return entries;
  ctx.addIssue({ code: "custom", message: "must be off, a hop count (1-99), or a comma-separated list of proxy addresses/CIDRs (10.0.0.0/8)" });
  return z.NEVER;
});

/**
 * Clerk's PEM public key, read by the router's own normaliser: a one-line value with literal `\n`
 * (what most secret stores and `.env` files hold), quotes, CRLF or the bare base64 body become
 * the PEM; anything that is not Clerk's RSA public key is refused here, at start-up, instead of
 * failing every sign-in later. The reason never repeats the value.
 */
const clerkJwtKey = z.string().transform((text, ctx) => {
  try {
    return normalizeJwtKey(text);
  } catch (error) {
    const reason = error instanceof TypeError ? error.message.replace(/^clerk\.jwtKey: /, "") : "unreadable";
    ctx.addIssue({ code: "custom", message: `must be the instance's RSA PEM public key (one line with \\n is accepted): ${reason}` });
    return z.NEVER;
  }
});

/** The product's egress addresses (comma-separated IPs or CIDRs), shown on every venue so a key can be bound to them. */
const egressIps = z.string().transform((text, ctx) => {
  const entries = text.split(",").map((e) => e.trim()).filter(Boolean);
  if (entries.length > 0 && entries.every((e) => !PROXY_NAMES.has(e.toLowerCase()) && validProxyEntry(e))) return entries;
  ctx.addIssue({ code: "custom", message: "must be a comma-separated list of IP addresses or CIDR blocks (203.0.113.7,2001:db8::/64)" });
  return z.NEVER;
});

const timeoutMs = (fallback: number) => z.coerce.number().int("must be whole milliseconds").min(1_000).max(3_600_000).default(fallback);

const url = z.string().url();
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  WALLET_AUTH_DATA_DIR: z.string().min(1).optional(),
  WALLET_AUTH_KEYS: z.string().min(1).optional(),
  WALLET_AUTH_PRIMARY_KEY_ID: z.string().min(1).optional(),
  WALLET_AUTH_FINGERPRINT_KEY: z.string().min(1).optional(),
  WALLET_AUTH_AUDIT_KEY: z.string().min(1).optional(),
  WALLET_AUTH_TOKEN_KEY: z.string().min(1).optional(),
  CLERK_JWT_KEY: clerkJwtKey.optional(),
  CLERK_ISSUER: z.string().regex(/^https:\/\/[^\s/]+$/, "must be the instance's Frontend API origin (https://clerk.example.com)").optional(),
  CLERK_PUBLISHABLE_KEY: z.string().regex(/^pk_(live|test)_[A-Za-z0-9+/=]+$/, "must be a Clerk publishable key (pk_live_...)").optional(),
  CLERK_SECRET_KEY: z.string().regex(/^sk_(live|test)_/, "must be a Clerk secret key (sk_live_...)").optional(),
  // The Clerk webhook endpoint's signing secret: enables POST /api/v1/webhooks/clerk (deprovisioning).
  CLERK_WEBHOOK_SIGNING_SECRET: z
    .string()
    .refine((s) => { try { checkClerkWebhookSecret(s); return true; } catch { return false; } }, "must be the webhook endpoint's signing secret from Clerk's dashboard (whsec_...)")
    .transform((s) => s.trim())
    .optional(),
  CLERK_AUTHORIZED_PARTIES: z
    .string()
    .transform((s) => s.split(",").map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(url).min(1))
    .optional(),
  CLERK_ACCEPTS_TOKEN: z
    .string()
    .transform((s) => s.split(",").map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(z.enum(["session_token", "api_key", "oauth_token"], { message: "must list session_token, api_key, oauth_token" })).min(1))
    .optional(),
  WALLET_AUTH_ORIGIN: url.optional(),
  WALLET_AUTH_SIWE_CHAIN_IDS: z
    .string()
    .transform((s) => s.split(",").map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^eip155:[1-9][0-9]{0,15}$/, "must be CAIP-2 ids like eip155:1")).min(1))
    .optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL").optional(),
  WALLET_AUTH_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be 1-64 characters of A-Z a-z 0-9 _ . : -").optional(),
  WALLET_AUTH_EXCHANGE_BASE_URLS: jsonMap("exchange id").optional(),
  WALLET_AUTH_CHAIN_RPC_URLS: jsonMap("CAIP-2 chain id (eip155:1)", /^eip155:[1-9][0-9]{0,15}$/).optional(),
  WALLET_AUTH_ALERT_WEBHOOK_URL: url.optional(),
  WALLET_AUTH_ALERT_WEBHOOK_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  WALLET_AUTH_CSRF_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  WALLET_AUTH_SNAPSHOT_RETENTION_DAYS: z.coerce.number().int("must be a whole number of days").min(1).max(3650).default(400),
  WALLET_AUTH_ANCHOR_INTERVAL_S: z.coerce.number().int().min(1).max(86_400).default(3600),
  WALLET_AUTH_ANCHOR_FILE: z.string().min(1).optional(),
  WALLET_AUTH_LOCAL_CHAIN: z.enum(["0", "1"]).optional(),
  WALLET_AUTH_TRUST_PROXY: trustProxy.default(false),
  WALLET_AUTH_HEADERS_TIMEOUT_MS: timeoutMs(10_000),
  WALLET_AUTH_REQUEST_TIMEOUT_MS: timeoutMs(30_000),
  WALLET_AUTH_KEEP_ALIVE_TIMEOUT_MS: timeoutMs(5_000),
  WALLET_AUTH_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WALLET_AUTH_METRICS_HOST: z.string().min(1).optional(),
  WALLET_AUTH_RATE_LIMIT_IP: rateLimit.optional(),
  WALLET_AUTH_RATE_LIMIT_USER: rateLimit.optional(),
  WALLET_AUTH_RATE_LIMIT_TOKEN: rateLimit.optional(),
  WALLET_AUTH_RATE_LIMIT_SENSITIVE: rateLimit.optional(),
  WALLET_AUTH_RATE_LIMIT_PROXY: rateLimit.optional(),
  WALLET_AUTH_RATE_LIMIT_AUTH_FAILURES: rateLimit.optional(),
  WALLET_AUTH_EGRESS_IPS: egressIps.optional(),
  WALLET_AUTH_REQUIRE_IP_BINDING: z.enum(["0", "1"], { message: "must be 0 or 1" }).default("0"),
  WALLET_AUTH_REQUIRE_MFA: z.enum(["0", "1"], { message: "must be 0 or 1" }).default("0"),
});

/** The validated configuration. */
export type ServerConfig = z.infer<typeof schema> & { development: boolean; /** From `WALLET_AUTH_KEY_PROVIDER` and its settings (keyProviderConfig.ts). */ keyProvider?: KeyProviderConfig };

/**
 * Reads and validates the environment. Empty strings count as unset. Production
 * (`NODE_ENV=production`) refuses to start without real keys, Clerk settings and an origin:
 * nothing "development" runs there.
 *
 * @throws ConfigError naming the first bad variable (never its value).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  const config = { ...parsed.data, development: parsed.data.NODE_ENV !== "production" };
  const keyProvider = parseKeyProviderConfig(cleaned, config.development);
  if ("error" in keyProvider) throw new ConfigError(keyProvider.error);
  if (!config.development) {
    for (const name of ["WALLET_AUTH_KEYS", "WALLET_AUTH_PRIMARY_KEY_ID", "WALLET_AUTH_FINGERPRINT_KEY", "WALLET_AUTH_AUDIT_KEY", "WALLET_AUTH_TOKEN_KEY", "CLERK_JWT_KEY", "CLERK_ISSUER", "CLERK_AUTHORIZED_PARTIES", "WALLET_AUTH_ORIGIN", "WALLET_AUTH_CSRF_SECRET"] as const) {
      if (config[name] === undefined && name !== "WALLET_AUTH_KEYS") throw new ConfigError(`${name}: required when NODE_ENV=production (development defaults are refused)`);
    }
  }
  if ((config.WALLET_AUTH_ALERT_WEBHOOK_URL === undefined) !== (config.WALLET_AUTH_ALERT_WEBHOOK_SECRET === undefined)) {
    throw new ConfigError("WALLET_AUTH_ALERT_WEBHOOK_SECRET: set it together with WALLET_AUTH_ALERT_WEBHOOK_URL");
  }
  if (config.WALLET_AUTH_HEADERS_TIMEOUT_MS > config.WALLET_AUTH_REQUEST_TIMEOUT_MS) {
    throw new ConfigError("WALLET_AUTH_HEADERS_TIMEOUT_MS: must not exceed WALLET_AUTH_REQUEST_TIMEOUT_MS");
  }
  if (config.CLERK_ACCEPTS_TOKEN?.some((t) => t !== "session_token") && config.CLERK_SECRET_KEY === undefined) {
    throw new ConfigError("CLERK_ACCEPTS_TOKEN: api_key and oauth_token are verified by Clerk and need CLERK_SECRET_KEY");
  }
  return { ...config, keyProvider: keyProvider.config };
}
