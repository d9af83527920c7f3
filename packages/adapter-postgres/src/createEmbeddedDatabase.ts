import { PGlite } from "@electric-sql/pglite";
import knexFactory, { type Knex } from "knex";
import ClientPgLite from "knex-pglite";
import { WalletAuthError } from "@wallet-auth/core";
import { quietKnexLog } from "./createPostgresKnex.js";

/** Options for {@link createEmbeddedDatabase}. */
export interface EmbeddedDatabaseOptions {
  /** Folder for the data files; in memory when absent. */
  dataDir?: string;
}

/** An embedded PostgreSQL (PGlite) and a knex instance on it. */
export interface EmbeddedDatabase {
  knex: Knex;
  /** Destroys knex and closes PGlite. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts PGlite (PostgreSQL compiled to WASM) in-process and returns knex on it, once it is
 * ready. One connection only: transactions are serialised. Start-up takes seconds and a few
 * hundred MB, so share one instance per process (or test file) and always `close()` it.
 *
 * @param options - optional data folder.
 * @returns `{ knex, close }`.
 * @throws WalletAuthError `STORE_UNAVAILABLE` when PGlite cannot start (e.g. an unreadable folder).
 * @example
 * ```ts
 * import { createEmbeddedDatabase, migrateLatest } from "@wallet-auth/adapter-postgres";
 * const db = await createEmbeddedDatabase({ dataDir: "./wallet-auth-data" });
 * await migrateLatest(db.knex);
 * await db.close();
 * ```
 */
export async function createEmbeddedDatabase(options: EmbeddedDatabaseOptions = {}): Promise<EmbeddedDatabase> {
  let pglite: PGlite;
  try {
    pglite = options.dataDir === undefined ? new PGlite() : new PGlite(options.dataDir);
    await pglite.waitReady;
  } catch (cause) {
    throw new WalletAuthError("STORE_UNAVAILABLE", { cause, reason: "pglite-start-failed" });
  }
  const knex = knexFactory({
    client: ClientPgLite as unknown as typeof Knex.Client,
    dialect: "postgres",
    connection: () => ({ pglite }) as object,
    log: quietKnexLog(),
  } as Knex.Config);
  let closing: Promise<void> | undefined;
  return {
    knex,
    close() {
      closing ??= (async () => {
        await knex.destroy();
        if (!pglite.closed) await pglite.close();
      })();
      return closing;
    },
  };
}
