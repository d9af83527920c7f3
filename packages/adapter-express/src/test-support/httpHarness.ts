import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createEmbeddedDatabase, createPostgresKnex, createPostgresStore, migrateLatest } from "@wallet-auth/adapter-postgres";
import { type ChainGateway, KeyRing, Redacted, type WalletAuth, type WalletAuthStore, createWalletAuth } from "@wallet-auth/core";
import { createCcxtExchangeGateway, createCcxtPriceSource } from "@wallet-auth/core/ccxt";
import { createMemoryStore } from "@wallet-auth/core/memory";
import { type ClerkTestKeys, createClerkTestKeys, mintSessionToken } from "@wallet-auth/testing/clerk";
import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import express from "express";
import { createWalletAuthRouter, type WalletAuthRouterOptions } from "../createWalletAuthRouter.js";
import type { RouterLogger } from "../logger.js";

export const ORIGIN = "http://app.wallet-auth.test";

/** A store kind the HTTP suite runs on. */
export interface StoreKind {
  name: string;
  open(): Promise<{ store: WalletAuthStore; close(): Promise<void> }>;
}

/** Memory, embedded PGlite, and the real server when `DATABASE_URL` is set. */
export function storeKinds(): StoreKind[] {
  const kinds: StoreKind[] = [
    { name: "memory", open: async () => ({ store: createMemoryStore(), close: async () => {} }) },
    {
      name: "pglite",
      open: async () => {
        const db = await createEmbeddedDatabase();
        await migrateLatest(db.knex);
        return { store: createPostgresStore({ knex: db.knex, kind: "pglite" }), close: () => db.close() };
      },
    },
  ];
  const url = process.env.DATABASE_URL;
  if (url) {
    kinds.push({
      name: "postgres",
      open: async () => {
        const schema = `wa_http_${randomBytes(6).toString("hex")}`;
        const admin = createPostgresKnex({ connectionString: url, pool: { min: 0, max: 1 } });
        await admin.raw(`CREATE SCHEMA ${schema}`);
        const knex = createPostgresKnex({ connectionString: url, pool: { min: 0, max: 10 }, searchPath: [schema] });
        await migrateLatest(knex);
        return {
          store: createPostgresStore({ knex }),
          close: async () => {
            await knex.destroy();
            await admin.raw(`DROP SCHEMA ${schema} CASCADE`);
            await admin.destroy();
          },
        };
      },
    });
  }
  return kinds;
}

/** Every line the router logged, for canary searches. */
export function capturingLogger(): RouterLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (obj: Record<string, unknown>, msg?: string) => void lines.push(JSON.stringify({ ...obj, msg }));
  return { lines, info: log, warn: log, error: log };
}

/** A listening server with the router under `/api`, a loopback exchange and Clerk test keys. */
export interface HttpHarness {
  base: string;
  walletAuth: WalletAuth;
  exchange: LoopbackExchange;
  keys: ClerkTestKeys;
  logger: ReturnType<typeof capturingLogger>;
  authFailures: string[];
  /** A fresh session token for `userId` (factors verified just now unless `stale`). */
  token(userId: string, options?: { stale?: boolean; claims?: Record<string, unknown> }): Promise<string>;
  close(): Promise<void>;
}

export async function startHttpHarness(
  kind: StoreKind,
  routerOptions: Partial<Omit<WalletAuthRouterOptions, "clerk">> & { clerk?: Partial<WalletAuthRouterOptions["clerk"]> } = {},
  services: { chains?: ChainGateway; /** Extra venue origins (e.g. loopback stand-ins by ccxt id) for the exchange gateway. */ exchangeUrls?: Record<string, string> } = {},
): Promise<HttpHarness> {
  const opened = await kind.open();
  // Rate limited, it names a Retry-After of 1 s, as Binance does for an IP limit.
  const exchange = await startLoopbackExchange({ retryAfterSeconds: 1 });
  exchange.setPrices({ BTCUSDT: "50000" });
  const keys = createClerkTestKeys();
  const key = (b: number) => new Uint8Array(32).fill(b);
  const loop = { urls: { binance: exchange.origin, ...services.exchangeUrls }, enableRateLimit: false, timeoutMs: 5_000 };
  const walletAuth = createWalletAuth({
    store: opened.store,
    keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
    secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
    exchanges: createCcxtExchangeGateway(loop),
    prices: createCcxtPriceSource(loop),
    siwe: { domain: "app.wallet-auth.test", uri: ORIGIN, chainIds: ["eip155:1"] },
    ...(services.chains ? { chains: services.chains } : {}),
  });
  const logger = capturingLogger();
  const authFailures: string[] = [];
  const app = express();
  app.set("trust proxy", false);
  app.use(
    "/api",
    createWalletAuthRouter(walletAuth, {
      allowedOrigins: [ORIGIN],
      logger,
      observe: { authFailure: (reason) => void authFailures.push(reason) },
      ...routerOptions,
      // Clerk settings merge over the test keys' (a test adds acceptsToken, say).
      clerk: { jwtKey: keys.publicKeyPem, authorizedParties: [ORIGIN], issuer: keys.issuer, ...routerOptions.clerk },
    }),
  );
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/api`,
    walletAuth,
    exchange,
    keys,
    logger,
    authFailures,
    token: (userId, options = {}) =>
      mintSessionToken(keys, { userId, azp: ORIGIN, verifiedMinutesAgo: options.stale ? [60, -1] : [0, -1], ...(options.claims ? { claims: options.claims } : {}) }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await walletAuth.shutdown();
      await opened.close();
      await exchange.close();
    },
  };
}
