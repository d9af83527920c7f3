/**
 * Test support for black-box tests of the reference server as processes: the same entry
 * `pnpm start` runs (`dist/main.js serve`), a fresh PostgreSQL database per test file, the CLI,
 * HTTP calls from a chosen local address, and percentiles for the figures the tests print.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { createPostgresKnex } from "@wallet-auth/adapter-postgres";
import type { Knex } from "knex";

/** The built entry (`pnpm run build` first, as server.test.ts expects). */
export const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

/** Why a test file that needs the real PostgreSQL (and Redis) skips, or `null` when it can run. */
export function missingServices(needs: { redis?: boolean } = {}): string | null {
  const missing = [!process.env.DATABASE_URL && "DATABASE_URL", needs.redis && !process.env.REDIS_URL && "REDIS_URL"].filter(Boolean);
  return missing.length > 0 ? `skipped: ${missing.join(" and ")} not set (needs the real server${missing.length > 1 ? "s" : ""})` : null;
}

/** A database of its own on the server from `DATABASE_URL`, so parallel test files never collide. */
export interface FreshDatabase {
  name: string;
  /** `DATABASE_URL` for the server processes. */
  url: string;
  /** A small pool on it, to read what actually landed. */
  knex: Knex;
  drop(): Promise<void>;
}

/** Creates database `wa_rs_<random>` (dropped, connections included, by `drop`). */
export async function createFreshDatabase(connectionString: string): Promise<FreshDatabase> {
  const name = `wa_rs_${randomBytes(6).toString("hex")}`;
  const admin = createPostgresKnex({ connectionString, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(connectionString);
  url.pathname = `/${name}`;
  const knex = createPostgresKnex({ connectionString: url.toString(), pool: { min: 0, max: 2 } });
  return {
    name,
    url: url.toString(),
    knex,
    async drop() {
      await knex.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

/** The environment of a development server on a given data folder; `extra` wins. */
export function serverEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "development",
    PORT: "0",
    LOG_LEVEL: "info",
    WALLET_AUTH_DATA_DIR: dataDir,
    DATABASE_URL: "",
    REDIS_URL: "",
    WALLET_AUTH_KEYS: "",
    WALLET_AUTH_PRIMARY_KEY_ID: "",
    WALLET_AUTH_FINGERPRINT_KEY: "",
    WALLET_AUTH_AUDIT_KEY: "",
    WALLET_AUTH_ALERT_WEBHOOK_URL: "",
    WALLET_AUTH_ALERT_WEBHOOK_SECRET: "",
    CLERK_TELEMETRY_DISABLED: "1",
    ...extra,
  };
}

/** A running `wallet-auth serve` process. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or `null` when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM and wait. */
  stop(): Promise<number | null>;
  /** SIGKILL (no shutdown code runs) and wait. */
  kill9(): Promise<void>;
}

/** Starts the same entry `pnpm start` runs and waits for its "listening" line. */
export async function startServerProcess(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN, "serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no listening line in ${timeoutMs} ms:\n${out.slice(-4000)}`));
    }, timeoutMs);
    const check = () => {
      const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before listening:\n${out.slice(-4000)}`));
    }, reject);
  });
  return {
    url,
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Runs `wallet-auth <args>`; never throws. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** One HTTP answer, with its latency. */
export interface Answer {
  status: number;
  json: any;
  text: string;
  headers: Record<string, string | string[] | undefined>;
  ms: number;
}

/** Options of {@link call}. */
export interface CallOptions {
  token?: string | null | undefined;
  body?: unknown;
  /** Local address to connect from (any of 127.0.0.0/8): the server sees it as the client IP. */
  localAddress?: string | undefined;
  timeoutMs?: number | undefined;
  /** Extra request headers (e.g. a forged `x-forwarded-for`). */
  headers?: Record<string, string> | undefined;
}

/**
 * One request on a fresh connection (node:http, so the local address can be chosen). Latency is
 * measured from the call to the last byte.
 */
export function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const url = new URL(path, base);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method,
        agent: false,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        headers: {
          ...options.headers,
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(body !== undefined ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}),
        },
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: any = null;
          try {
            json = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, json, text, headers: res.headers, ms: performance.now() - started });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer in ${options.timeoutMs ?? 30_000} ms`)));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A development session token from `/dev/sign-in` (fresh, so step-up routes accept it). */
export async function signIn(base: string, userId: string): Promise<string> {
  const r = await call(base, "POST", "/dev/sign-in", { body: { userId } });
  if (r.status !== 200) throw new Error(`sign-in ${r.status}: ${r.text}`);
  return r.json.token as string;
}

/** A fresh account on the server's loopback development exchange (persisted in the data folder). */
export async function devExchangeAccount(base: string): Promise<{ apiKey: string; secret: string }> {
  const r = await call(base, "POST", "/dev/exchange-account", { body: {} });
  if (r.status !== 200) throw new Error(`exchange account ${r.status}`);
  return { apiKey: r.json.apiKey, secret: r.json.secret };
}

/** Sums the samples of one Prometheus counter whose labels include every `labels` pair. */
export function counterValue(metricsText: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of metricsText.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

/** The p-th percentile (nearest rank) of `values`, in their unit. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Deletes every Redis key under `prefix` (the counters expire by themselves; this keeps Redis tidy at once). */
export async function dropRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let removed = 0;
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) removed += await redis.del(...keys);
    }
    return removed;
  } finally {
    redis.disconnect();
  }
}
