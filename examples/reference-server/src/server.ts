import { createHmac } from "node:crypto";
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createWalletAuthRouter, walletAuthSecurityHeaders } from "@wallet-auth/adapter-express";
import { createEmbeddedDatabase, createPostgresKnex, createPostgresStore, migrateLatest } from "@wallet-auth/adapter-postgres";
import {
  type AlertSink,
  BalanceRefresher,
  RedisBalanceCache,
  redisDetectorWindows,
  Redacted,
  WEBHOOK_SIGNATURE_HEADER,
  type WalletAuth,
  createWalletAuth,
  createWebhookAlertSink,
  loadWalletAuthSecrets,
} from "@wallet-auth/core";
import { createCcxtExchangeGateway, createCcxtPriceSource } from "@wallet-auth/core/ccxt";
import { type ViemChainConfig, createViemChainGateway } from "@wallet-auth/core/viem";
import { type ClerkTestKeys, createClerkTestKeys } from "@wallet-auth/testing/clerk";
import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import express from "express";
import type { Knex } from "knex";
import type { Logger } from "pino";
import { anchorHeads } from "./cli/commands.js";
import type { ServerConfig } from "./config.js";
import { dataDirOf } from "./dataDir.js";
import { devRoutes, placeholderPage } from "./devSignIn.js";
import { loadOrCreateDevSecrets } from "./devSecrets.js";
import { openKeyRing } from "./keyProviderConfig.js";
import { leakedKeyJobs, permissionDriftJobs, startJobs } from "./jobs.js";
import { createMetrics } from "./metrics.js";

/** Posts an anchor to the alert webhook, signed exactly like alerts (`verifyWebhookSignature` checks it). */
async function postAnchor(url: string, secret: string, anchor: unknown): Promise<void> {
  const body = JSON.stringify({ type: "audit.anchor", anchor });
  const t = Math.floor(Date.now() / 1000);
  const headers = { "content-type": "application/json", [WEBHOOK_SIGNATURE_HEADER]: `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`, "utf8").digest("hex")}` };
  const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`anchor webhook status ${res.status}`);
}

/**
 * Waits for the Redis client's first connection. The shared rate limiters load their Lua scripts
 * the moment the router is built; with the offline queue off, a client still connecting refuses
 * that load, and the limiters then fail open for the life of the process (every count errors).
 * A replica that cannot reach Redis at start therefore does not start.
 */
async function redisReady(redis: import("ioredis").Redis, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      reject(Object.assign(new Error("Redis not reachable at start-up"), { code: "REDIS_UNAVAILABLE" }));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once("ready", onReady);
  });
}

/** How long a graceful stop waits for pending alert deliveries. */
const ALERT_FLUSH_MS = 3_000;

/** A running server. */
export interface RunningServer {
  url: string;
  /** The separate listener of `/metrics`, `/readyz` and `/healthz` when `WALLET_AUTH_METRICS_PORT` is set. */
  metricsUrl: string | null;
  walletAuth: WalletAuth;
  /** Stops accepting, drains in-flight requests (at most `graceMs`), stops jobs, closes pools. */
  close(graceMs?: number): Promise<void>;
}

function devClerkKeys(dataDir: string): ClerkTestKeys {
  const file = join(dataDir, "dev-clerk-key.pem");
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return createClerkTestKeys({ privateKeyPem: readFileSync(file, "utf8") });
  }
  const keys = createClerkTestKeys();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, keys.privateKeyPem, { mode: 0o600 });
  return keys;
}

/**
 * Starts the reference server: store (a PostgreSQL server from `DATABASE_URL`, else embedded
 * PGlite in the data folder) with migrations applied, the services, the API router at `/api`,
 * health, readiness and metrics, background jobs, and in development the sign-in and the
 * loopback exchange.
 */
export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  // `pnpm start` runs in the package folder; INIT_CWD is where the person typed it.
  const dataDir = dataDirOf(config);
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const { env, generated, file } = loadOrCreateDevSecrets(dataDir);
    if (file) logger.warn({ file }, generated ? "DEVELOPMENT KEYS GENERATED: never use them in production" : "using DEVELOPMENT keys from the data folder: never in production");
    // Plaintext keys, or wrapped keys unwrapped once by Vault transit / AWS KMS (WALLET_AUTH_KEY_PROVIDER).
    const keyRing = await openKeyRing(config.keyProvider, env);
    const secrets = loadWalletAuthSecrets(env);

    let knex: Knex;
    if (config.DATABASE_URL) {
      knex = createPostgresKnex({ connectionString: config.DATABASE_URL, pool: { min: 0, max: 10 } });
      closers.push(() => knex.destroy());
    } else {
      const db = await createEmbeddedDatabase({ dataDir: join(dataDir, "pglite") });
      knex = db.knex;
      closers.push(() => db.close());
    }
    await migrateLatest(knex);

    let exchange: LoopbackExchange | null = null;
    let exchangeUrls = config.WALLET_AUTH_EXCHANGE_BASE_URLS;
    if (!exchangeUrls && config.development) {
      exchange = await startLoopbackExchange();
      exchange.setPrices({ BTCUSDT: "97000.50", ETHUSDT: "3500.25" });
      closers.push(() => exchange!.close());
      exchangeUrls = { binance: exchange.origin };
    }
    const gatewayOptions = { ...(exchangeUrls ? { urls: exchangeUrls } : {}), timeoutMs: 10_000, ...(exchange ? { enableRateLimit: false } : {}) };

    // Chains: RPC URLs from the environment, plus in development on request the local EVM chain.
    const chains: Record<string, ViemChainConfig> = {};
    for (const [chainId, rpcUrl] of Object.entries(config.WALLET_AUTH_CHAIN_RPC_URLS ?? {})) chains[chainId] = { rpcUrl };
    let localChainId: string | null = null;
    if (config.development && config.WALLET_AUTH_LOCAL_CHAIN === "1") {
      const { startLocalChain } = await import("@wallet-auth/testing/chain");
      const chain = await startLocalChain();
      closers.push(() => chain.close());
      chains[chain.caip2] = { transport: chain.transport, multicall3Address: await chain.deployMulticall3() };
      localChainId = chain.caip2;
      logger.warn({ chainId: chain.caip2 }, "DEVELOPMENT local chain started in process");
    }

    let redis: import("ioredis").Redis | null = null;
    // Several deployments (or test runs) may share one Redis: their keys never mix.
    const redisPrefix = config.WALLET_AUTH_REDIS_PREFIX ?? "";
    if (config.REDIS_URL) {
      const { Redis } = await import("ioredis");
      redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
      redis.on("error", () => undefined);
      closers.push(async () => redis!.quit());
      await redisReady(redis, 10_000);
    }

    const clerkKeys = config.CLERK_JWT_KEY ? null : devClerkKeys(dataDir);
    if (clerkKeys) logger.warn("DEVELOPMENT sign-in enabled with a local Clerk signing key: never in production");
    const origin = config.WALLET_AUTH_ORIGIN ?? `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${config.PORT}`;
    const alertSinks: AlertSink[] = [];
    if (config.WALLET_AUTH_ALERT_WEBHOOK_URL && config.WALLET_AUTH_ALERT_WEBHOOK_SECRET) {
      alertSinks.push(createWebhookAlertSink({ url: config.WALLET_AUTH_ALERT_WEBHOOK_URL, signingSecret: Redacted.make(config.WALLET_AUTH_ALERT_WEBHOOK_SECRET) }));
    }

    const store = createPostgresStore({ knex, kind: config.DATABASE_URL ? "postgres" : "pglite" });
    const metrics = createMetrics();
    const walletAuth = createWalletAuth({
      store,
      keyRing,
      secrets,
      exchanges: createCcxtExchangeGateway(gatewayOptions),
      prices: createCcxtPriceSource(gatewayOptions),
      ...(Object.keys(chains).length > 0 ? { chains: createViemChainGateway({ chains }) } : {}),
      // Shown on GET /v1/venues so users bind their keys to the addresses the product calls venues from.
      ...(config.WALLET_AUTH_EGRESS_IPS ? { egressIps: config.WALLET_AUTH_EGRESS_IPS } : {}),
      ...(config.WALLET_AUTH_REQUIRE_IP_BINDING === "1" ? { credentialPolicy: { requireIpBinding: true } } : {}),
      siwe: { domain: new URL(origin).host, uri: origin, statement: "Link this wallet to your wallet-auth account.", chainIds: config.WALLET_AUTH_SIWE_CHAIN_IDS ?? ["eip155:1", ...(localChainId ? [localChainId] : [])] },
      alertSinks,
      // Background failures (audit writes after the fact) go to the log once a minute and to /metrics.
      logger,
      observer: metrics.walletAuthObserver,
      ...(redis
        ? {
            balanceCache: new RedisBalanceCache({ client: redis as never, keyPrefix: `${redisPrefix}wallet-auth:balances:` }),
            // Alert thresholds (failed sign-ins per user / IP, bursts) count across every replica.
            detectorWindows: redisDetectorWindows({ client: redis as never, keyPrefix: `${redisPrefix}wallet-auth:detector:` }),
          }
        : {}),
    });
    closers.push(async () => {
      // A webhook that hangs keeps each delivery retrying for up to a minute: a graceful stop does
      // not wait for that. The alerts are stored (GET /v1/alerts); only their push is abandoned.
      let timer: NodeJS.Timeout | undefined;
      const flushed = await Promise.race([
        walletAuth.shutdown().then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ALERT_FLUSH_MS))),
      ]);
      clearTimeout(timer);
      if (!flushed) logger.warn({ waitedMs: ALERT_FLUSH_MS }, "shutdown: pending alert deliveries abandoned (the alerts are stored)");
      await store.close();
    });

    const app = express();
    app.disable("x-powered-by");
    // Off unless configured: with nothing in front, X-Forwarded-For is whatever the client wrote,
    // and it would choose its own rate-limit bucket and audited IP.
    app.set("trust proxy", config.WALLET_AUTH_TRUST_PROXY);
    // nosniff, no referrer, frame-ancestors 'none', HSTS over HTTPS: on every response, the demo UI,
    // health, 404s and the development routes included (the API router adds its stricter profile).
    const pageHeaders = walletAuthSecurityHeaders({ profile: "page" });
    app.use(pageHeaders);
    app.use((req, res, next) => {
      const started = performance.now();
      res.on("finish", () =>
        logger.info({ requestId: res.getHeader("x-request-id"), method: req.method, path: req.originalUrl.split("?")[0], status: res.statusCode, ms: Math.round(performance.now() - started) }, "request"),
      );
      next();
    });
    // Readiness and metrics: on their own listener when WALLET_AUTH_METRICS_PORT is set (then not
    // on the public port at all), else next to the API.
    const ops = express.Router();
    ops.get("/healthz", (_req, res) => void res.json({ ok: true }));
    ops.get("/readyz", async (_req, res) => {
      const checks: Record<string, boolean> = {};
      checks.database = await knex.raw("select 1").then(() => true, () => false);
      if (redis) checks.redis = await redis.ping().then(() => true, () => false);
      res.status(Object.values(checks).every(Boolean) ? 200 : 503).json({ ok: Object.values(checks).every(Boolean), checks });
    });
    ops.get("/metrics", async (_req, res) => {
      res.setHeader("Content-Type", metrics.registry.contentType);
      res.send(await metrics.registry.metrics());
    });
    const separateOps = config.WALLET_AUTH_METRICS_PORT !== undefined;
    if (separateOps) app.get("/healthz", (_req, res) => void res.json({ ok: true }));
    else app.use(ops);
    // Every replica derives the same CSRF key; it is never the audit key itself.
    const csrfSecret = config.WALLET_AUTH_CSRF_SECRET
      ? Buffer.from(config.WALLET_AUTH_CSRF_SECRET)
      : createHmac("sha256", Redacted.unwrap(secrets.auditKey)).update("wallet-auth csrf v1").digest();
    // Required in production (config.ts): the router then refuses a token of another Clerk instance.
    const issuer = config.CLERK_ISSUER ?? clerkKeys?.issuer;
    const limits = {
      ...(config.WALLET_AUTH_RATE_LIMIT_IP ? { perIp: config.WALLET_AUTH_RATE_LIMIT_IP } : {}),
      ...(config.WALLET_AUTH_RATE_LIMIT_USER ? { perUser: config.WALLET_AUTH_RATE_LIMIT_USER } : {}),
      ...(config.WALLET_AUTH_RATE_LIMIT_TOKEN ? { perToken: config.WALLET_AUTH_RATE_LIMIT_TOKEN } : {}),
      ...(config.WALLET_AUTH_RATE_LIMIT_SENSITIVE ? { sensitive: config.WALLET_AUTH_RATE_LIMIT_SENSITIVE } : {}),
      ...(config.WALLET_AUTH_RATE_LIMIT_PROXY ? { proxy: config.WALLET_AUTH_RATE_LIMIT_PROXY } : {}),
      ...(config.WALLET_AUTH_RATE_LIMIT_AUTH_FAILURES ? { authFailures: config.WALLET_AUTH_RATE_LIMIT_AUTH_FAILURES } : {}),
    };
    const apiRouter = createWalletAuthRouter(walletAuth, {
      clerk: {
        jwtKey: config.CLERK_JWT_KEY ?? clerkKeys!.publicKeyPem,
        authorizedParties: config.CLERK_AUTHORIZED_PARTIES ?? [origin],
        ...(issuer ? { issuer } : {}),
        ...(config.CLERK_ACCEPTS_TOKEN ? { acceptsToken: config.CLERK_ACCEPTS_TOKEN } : {}),
        ...(config.CLERK_SECRET_KEY ? { secretKey: config.CLERK_SECRET_KEY } : {}),
      },
      allowedOrigins: [origin],
      csrfSecret,
      ...(config.CLERK_WEBHOOK_SIGNING_SECRET ? { clerkWebhook: { signingSecret: config.CLERK_WEBHOOK_SIGNING_SECRET } } : {}),
      // MFA-enforced step-up: a sensitive action needs a second factor enrolled and recently verified.
      ...(config.WALLET_AUTH_REQUIRE_MFA === "1" ? { stepUp: { requireMfa: true } } : {}),
      logger,
      observe: metrics.observe,
      rateLimit: { ...limits, ...(redis ? { prefix: `${redisPrefix}wa:rl:`, sendCommand: (...args: string[]) => redis!.call(args[0]!, ...args.slice(1)) as never } : {}) },
    });
    app.use("/api", apiRouter);
    // The same document at the root, where tools look first; `servers` still names /api.
    app.get("/openapi.json", (req, res, next) => {
      req.baseUrl = "/api";
      apiRouter(req, res, next);
    });
    if (clerkKeys) app.use("/dev", devRoutes({ keys: clerkKeys, issuer: issuer ?? clerkKeys.issuer, origin, exchange, accountsFile: join(dataDir, "dev-exchange-accounts.json") }));
    // The demo UI of @wallet-auth/react when it has been built; else a page that shows how to sign in.
    const demoDir = fileURLToPath(new URL("../../../packages/react/demo-dist/", import.meta.url));
    if (existsSync(join(demoDir, "index.html"))) {
      app.use(
        express.static(demoDir, {
          index: "index.html",
          setHeaders: (res) => res.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'"),
        }),
      );
    } else if (config.development) {
      app.get("/", (_req, res) => {
        res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
        res.type("html").send(placeholderPage(origin));
      });
    }

    // Background jobs, each run by one replica at a time (leases in the store).
    const owner = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
    const refresher = new BalanceRefresher({ balances: walletAuth.balances, leases: store.leases, owner, failures: walletAuth.failures });
    refresher.start();
    closers.push(() => refresher.stop());
    const jobs = startJobs(
      [
        { name: "credential-expiry", everyMs: 60 * 60_000, run: () => walletAuth.credentials.checkExpiry() },
        { name: "siwe-nonce-prune", everyMs: 10 * 60_000, run: () => walletAuth.wallets.pruneChallenges() },
        { name: "key-age", everyMs: 24 * 60 * 60_000, run: () => walletAuth.rotation.checkKeyAge() },
        {
          name: "snapshot-retention",
          everyMs: 60 * 60_000,
          run: () => knex("balance_snapshots").where("taken_at", "<", new Date(Date.now() - config.WALLET_AUTH_SNAPSHOT_RETENTION_DAYS * 86_400_000)).delete(),
        },
        // Leases left by crashed replicas (jobs, balance refresher) are removed once expired.
        { name: "lease-expiry", everyMs: 10 * 60_000, run: () => knex("leases").where("expires_at", "<", new Date(Date.now() - 60_000)).delete() },
        // Exchange proxy results stored for an Idempotency-Key are kept 24 h.
        { name: "idempotency-retention", everyMs: 60 * 60_000, run: () => store.proxyIdempotency.deleteExpired(new Date(), 10_000) },
        ...leakedKeyJobs(walletAuth),
        ...permissionDriftJobs(walletAuth),
        {
          name: "audit-anchor",
          everyMs: config.WALLET_AUTH_ANCHOR_INTERVAL_S * 1000,
          run: async () => {
            const anchor = await anchorHeads({ knex, walletAuth });
            if (config.WALLET_AUTH_ALERT_WEBHOOK_URL && config.WALLET_AUTH_ALERT_WEBHOOK_SECRET) await postAnchor(config.WALLET_AUTH_ALERT_WEBHOOK_URL, config.WALLET_AUTH_ALERT_WEBHOOK_SECRET, anchor);
            else appendFileSync(config.WALLET_AUTH_ANCHOR_FILE ?? join(dataDir, "audit-anchors.ndjson"), `${JSON.stringify(anchor)}\n`, { mode: 0o600 });
            logger.info({ chains: Object.keys(anchor.heads).length }, "audit chain heads anchored");
          },
        },
      ],
      store.leases,
      owner,
      {
        onRun: (name, outcome) => {
          metrics.jobRuns.inc({ job: name, outcome });
          if (outcome !== "skipped") logger.info({ job: name, outcome }, "job run");
        },
      },
    );
    closers.push(() => jobs.stop());

    // A client that sends its headers (or body) slowly is cut off with 408 instead of holding a
    // socket for Node's defaults (60 s of headers, 5 min of request); timeouts are checked every second.
    const listen = async (handler: express.Express, port: number, host: string): Promise<{ server: Server; url: string }> => {
      const server = createServer(
        { headersTimeout: config.WALLET_AUTH_HEADERS_TIMEOUT_MS, requestTimeout: config.WALLET_AUTH_REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000 },
        handler,
      );
      server.keepAliveTimeout = config.WALLET_AUTH_KEEP_ALIVE_TIMEOUT_MS;
      server.listen(port, host);
      await new Promise<void>((resolve, reject) => {
        server.once("listening", () => resolve());
        server.once("error", reject);
      });
      const stop = (graceMs: number) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), graceMs).unref();
        });
      closers.push(() => stop(0));
      return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
    };
    let opsListener: Awaited<ReturnType<typeof listen>> | null = null;
    if (separateOps) {
      const opsApp = express();
      opsApp.disable("x-powered-by");
      opsApp.set("trust proxy", config.WALLET_AUTH_TRUST_PROXY);
      opsApp.use(pageHeaders);
      opsApp.use(ops);
      opsListener = await listen(opsApp, config.WALLET_AUTH_METRICS_PORT!, config.WALLET_AUTH_METRICS_HOST ?? config.HOST);
    }
    const { server, url } = await listen(app, config.PORT, config.HOST);
    let closing: Promise<void> | undefined;
    return {
      url,
      metricsUrl: opsListener?.url ?? null,
      walletAuth,
      close(graceMs = 10_000) {
        closing ??= (async () => {
          const drained = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          const timer = setTimeout(() => server.closeAllConnections(), graceMs);
          await drained;
          clearTimeout(timer);
          await closeAll();
        })();
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
