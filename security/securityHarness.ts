/**
 * The system under attack for the security suite: the real router (`createWalletAuthRouter`)
 * on a listening HTTP server, over the memory store, embedded PGlite in a data folder, or the
 * real PostgreSQL (optionally reached through a {@link TcpProxy}), with a loopback Binance
 * exchange and random keys the canary test searches for.
 *
 * The reference server process is not on main yet; this harness builds what it will serve,
 * in-process, so the same tests can point at the process later.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createEmbeddedDatabase, createPostgresStore, migrateLatest } from "@wallet-auth/adapter-postgres";
import { KeyRing, Redacted, type WalletAuth, type WalletAuthStore, createWalletAuth } from "@wallet-auth/core";
import { createCcxtExchangeGateway, createCcxtPriceSource } from "@wallet-auth/core/ccxt";
import { createMemoryStore } from "@wallet-auth/core/memory";
import { type ClerkTestKeys, createClerkTestKeys, mintSessionToken } from "@wallet-auth/testing/clerk";
import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import express from "express";
import type { Knex } from "knex";
import { createServerSchema } from "../packages/adapter-postgres/src/test-support/serverSchema.js";
import { createWalletAuthRouter, type WalletAuthRouterOptions } from "../packages/adapter-express/src/createWalletAuthRouter.js";
import { capturingLogger } from "../packages/adapter-express/src/test-support/httpHarness.js";

export const ORIGIN = "http://app.wallet-auth.test";

/** Where the harness keeps its data. */
export type HarnessStore = { kind: "memory" } | { kind: "pglite"; dataDir: string } | { kind: "postgres"; connectionString: string };

/** Options of {@link startSecurityHarness}. */
export interface SecurityHarnessOptions {
  store: HarnessStore;
  /** Origin the gateway uses for binance instead of the loopback exchange's own (a proxy in front of it). */
  exchangeOrigin?: (exchange: LoopbackExchange) => Promise<string>;
  /** Exchange request timeout. Default 5 s. */
  exchangeTimeoutMs?: number;
  router?: Partial<WalletAuthRouterOptions>;
}

/** A running harness. */
export interface SecurityHarness {
  base: string;
  walletAuth: WalletAuth;
  store: WalletAuthStore;
  /** The database handle when the store is PostgreSQL or PGlite (for table searches). */
  knex: Knex | null;
  exchange: LoopbackExchange;
  keys: ClerkTestKeys;
  logger: ReturnType<typeof capturingLogger>;
  /** The key-ring key, fingerprint key and audit key (raw bytes), for canary searches. */
  secretKeys: Uint8Array[];
  /** A session token for `userId`, verified just now (step-up satisfied). */
  token(userId: string, claims?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** Limits far above the suite's traffic, so fuzzing exercises validation, not 429s. */
const HIGH = { limit: 1_000_000, windowMs: 60_000 };

export async function startSecurityHarness(options: SecurityHarnessOptions): Promise<SecurityHarness> {
  let store: WalletAuthStore;
  let knex: Knex | null = null;
  let closeStore: () => Promise<void>;
  if (options.store.kind === "memory") {
    store = createMemoryStore();
    closeStore = async () => {};
  } else if (options.store.kind === "pglite") {
    const db = await createEmbeddedDatabase({ dataDir: options.store.dataDir });
    await migrateLatest(db.knex);
    knex = db.knex;
    store = createPostgresStore({ knex: db.knex, kind: "pglite" });
    closeStore = () => db.close();
  } else {
    const server = await createServerSchema(options.store.connectionString, { min: 0, max: 10 });
    await migrateLatest(server.knex);
    knex = server.knex;
    store = createPostgresStore({ knex: server.knex, kind: "postgres" });
    closeStore = () => server.drop();
  }
  const exchange = await startLoopbackExchange();
  exchange.setPrices({ BTCUSDT: "50000" });
  const origin = options.exchangeOrigin ? await options.exchangeOrigin(exchange) : exchange.origin;
  const keys = createClerkTestKeys();
  const secretKeys = [randomBytes(32), randomBytes(32), randomBytes(32)].map((b) => new Uint8Array(b));
  const [kek, fingerprint, auditKey] = secretKeys as [Uint8Array, Uint8Array, Uint8Array];
  const loop = { urls: { binance: origin }, enableRateLimit: false, timeoutMs: options.exchangeTimeoutMs ?? 5_000 };
  const walletAuth = createWalletAuth({
    store,
    keyRing: KeyRing.fromKeys({ keys: [{ id: "canary-key-7f3a9c", key: new Uint8Array(kek) }], primaryKeyId: "canary-key-7f3a9c" }),
    secrets: { fingerprintKey: Redacted.make(new Uint8Array(fingerprint)), auditKey: Redacted.make(new Uint8Array(auditKey)) },
    exchanges: createCcxtExchangeGateway(loop),
    prices: createCcxtPriceSource(loop),
    siwe: { domain: "app.wallet-auth.test", uri: ORIGIN, chainIds: ["eip155:1"] },
  });
  const logger = capturingLogger();
  const app = express();
  app.use(
    "/api",
    createWalletAuthRouter(walletAuth, {
      clerk: { jwtKey: keys.publicKeyPem, authorizedParties: [ORIGIN], issuer: keys.issuer },
      allowedOrigins: [ORIGIN],
      logger,
      rateLimit: { perIp: HIGH, perUser: HIGH, perToken: HIGH, sensitive: HIGH, proxy: HIGH, authFailures: HIGH },
      ...options.router,
    }),
  );
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/api`,
    walletAuth,
    store: walletAuth.store,
    knex,
    exchange,
    keys,
    logger,
    secretKeys,
    token: (userId, claims) => mintSessionToken(keys, { userId, azp: ORIGIN, verifiedMinutesAgo: [0, -1], ...(claims ? { claims } : {}) }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await walletAuth.shutdown();
      await closeStore();
      await exchange.close();
    },
  };
}

/** Every row of every table in the current schema, as JSON text (for canary searches). */
export async function dumpTables(knex: Knex): Promise<string> {
  const tables = (await knex.raw(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)) as { rows: Array<{ table_name: string }> };
  const parts: string[] = [];
  for (const { table_name: table } of tables.rows) {
    const rows = (await knex.raw(`SELECT row_to_json(t)::text AS j FROM "${table}" t`)) as { rows: Array<{ j: string }> };
    parts.push(...rows.rows.map((r) => r.j));
  }
  return parts.join("\n");
}
