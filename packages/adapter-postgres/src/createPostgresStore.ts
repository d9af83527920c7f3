import { type Clock, type StoreRepositories, type WalletAuthStore, systemClock } from "@wallet-auth/core";
import type { Knex } from "knex";
import { type Db, inTransaction } from "./internal/Db.js";
import { pgAlerts } from "./repositories/pgAlerts.js";
import { AuditAppendBatcher, type AuditBatchOptions } from "./repositories/AuditAppendBatcher.js";
import { AuditAppendState, pgAudit } from "./repositories/pgAudit.js";
import { pgCredentials } from "./repositories/pgCredentials.js";
import { pgLeases } from "./repositories/pgLeases.js";
import { pgIncidents, pgOrderJournal } from "./repositories/pgOrderJournal.js";
import { pgIdentityEvents } from "./repositories/pgIdentityEvents.js";
import { pgProxyIdempotency } from "./repositories/pgProxyIdempotency.js";
import { pgSyncCursors } from "./repositories/pgSyncCursors.js";
import { pgBotTokens } from "./repositories/pgBotTokens.js";
import { pgNonces } from "./repositories/pgNonces.js";
import { pgRotationJobs } from "./repositories/pgRotationJobs.js";
import { pgSnapshots } from "./repositories/pgSnapshots.js";
import { pgTradePolicies } from "./repositories/pgTradePolicies.js";
import { pgTransactions } from "./repositories/pgTransactions.js";
import { pgUsers } from "./repositories/pgUsers.js";
import { pgWallets } from "./repositories/pgWallets.js";

/** Options for {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  /** A knex instance for PostgreSQL or PGlite, already migrated (see `migrateLatest`). */
  knex: Knex;
  /** Reported as `store.kind`; default `"postgres"` (use `"pglite"` for the embedded database). */
  kind?: string;
  /** Time source for the few writes that take no `now` (e.g. `replaceSealedIfKey`). */
  clock?: Clock;
  /**
   * Whether `close()` destroys the knex instance. Default `false`: whoever created the knex
   * (e.g. `createEmbeddedDatabase`) closes it.
   */
  destroyKnexOnClose?: boolean;
  /**
   * Group commit for audit appends made outside a transaction: appends to different chains
   * that wait at the same time are written by one INSERT (each still checked on its own).
   * Default on (`{ maxSize: 32, maxInFlight: 4 }`); `false` writes each event alone.
   */
  auditBatching?: AuditBatchOptions | false;
}

function repositories(db: Db, clock: Clock, audit: AuditAppendState, txChains?: Set<string>): StoreRepositories {
  return {
    users: pgUsers(db),
    credentials: pgCredentials(db, clock),
    wallets: pgWallets(db),
    nonces: pgNonces(db),
    snapshots: pgSnapshots(db),
    transactions: pgTransactions(db),
    audit: pgAudit(db, audit, txChains),
    alerts: pgAlerts(db),
    rotationJobs: pgRotationJobs(db),
    leases: pgLeases(db),
    proxyIdempotency: pgProxyIdempotency(db),
    syncCursors: pgSyncCursors(db),
    botTokens: pgBotTokens(db),
    tradePolicies: pgTradePolicies(db),
    orderJournal: pgOrderJournal(db),
    incidents: pgIncidents(db),
    identityEvents: pgIdentityEvents(db),
  };
}

/**
 * Creates a store on PostgreSQL (a real server or embedded PGlite) implementing every store
 * port. Unique violations become the ports' coded errors, connection failures
 * `STORE_UNAVAILABLE`; SQL text and driver messages never reach an error message (a sanitised
 * driver error is kept as `cause`, without bound values).
 *
 * @param options - the knex instance and optional kind, clock.
 * @returns a `WalletAuthStore` (`@wallet-auth/core`).
 * @throws WalletAuthError from its methods: `CREDENTIAL_DUPLICATE`, `CONFLICT`, `NOT_FOUND`,
 * `INVALID_INPUT`, `STORE_UNAVAILABLE`, `INTERNAL`.
 *
 * @example
 * ```ts
 * import { createEmbeddedDatabase, createPostgresStore, migrateLatest } from "@wallet-auth/adapter-postgres";
 * const db = await createEmbeddedDatabase({ dataDir: "./data" });
 * await migrateLatest(db.knex);
 * const store = createPostgresStore({ knex: db.knex, kind: "pglite" });
 * await store.users.ensure("user_123", new Date());
 * await db.close();
 * ```
 */
export function createPostgresStore(options: PostgresStoreOptions): WalletAuthStore {
  const { knex } = options;
  const clock = options.clock ?? systemClock;
  const audit = new AuditAppendState(options.auditBatching === false ? null : new AuditAppendBatcher(knex, options.auditBatching));
  let closed = false;
  return {
    kind: options.kind ?? "postgres",
    ...repositories(knex, clock, audit),
    async transaction<T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T> {
      const auditedChains = new Set<string>();
      try {
        return await inTransaction(knex, (trx) => fn(repositories(trx, clock, audit, auditedChains)));
      } finally {
        audit.release(auditedChains);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (options.destroyKnexOnClose === true) await knex.destroy();
    },
  };
}
