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
  CLERK_JWT_KEY: z.string().includes("BEGIN PUBLIC KEY", { message: "must be a PEM public key" }).optional(),
  CLERK_PUBLISHABLE_KEY: z.string().regex(/^pk_(live|test)_[A-Za-z0-9+/=]+$/, "must be a Clerk publishable key (pk_live_...)").optional(),
  CLERK_SECRET_KEY: z.string().regex(/^sk_(live|test)_/, "must be a Clerk secret key (sk_live_...)").optional(),
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
    for (const name of ["WALLET_AUTH_KEYS", "WALLET_AUTH_PRIMARY_KEY_ID", "WALLET_AUTH_FINGERPRINT_KEY", "WALLET_AUTH_AUDIT_KEY", "WALLET_AUTH_TOKEN_KEY", "CLERK_JWT_KEY", "CLERK_AUTHORIZED_PARTIES", "WALLET_AUTH_ORIGIN", "WALLET_AUTH_CSRF_SECRET"] as const) {
      if (config[name] === undefined && name !== "WALLET_AUTH_KEYS") throw new ConfigError(`${name}: required when NODE_ENV=production (development defaults are refused)`);
    }
  }
  if ((config.WALLET_AUTH_ALERT_WEBHOOK_URL === undefined) !== (config.WALLET_AUTH_ALERT_WEBHOOK_SECRET === undefined)) {
    throw new ConfigError("WALLET_AUTH_ALERT_WEBHOOK_SECRET: set it together with WALLET_AUTH_ALERT_WEBHOOK_URL");
  }
  if (config.CLERK_ACCEPTS_TOKEN?.some((t) => t !== "session_token") && config.CLERK_SECRET_KEY === undefined) {
    throw new ConfigError("CLERK_ACCEPTS_TOKEN: api_key and oauth_token are verified by Clerk and need CLERK_SECRET_KEY");
  }
  return { ...config, keyProvider: keyProvider.config };
}
