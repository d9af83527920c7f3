import { chmodSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import knexFactory, { type Knex } from "knex";
import ClientPgLite from "knex-pglite";
import { WalletAuthError } from "@wallet-auth/core";
import { quietKnexLog } from "./createPostgresKnex.js";

/**
 * Makes the data folder and everything in it owner-only (folders 0700, files 0600). PGlite
 * extracts its initial database files 0666 whatever the process umask, and creates the folder
 * with the umask (usually 0755): without this any local user could read and write the
 * database. Symbolic links are left alone (chmod would follow them out of the folder).
 */
function makeOwnerOnly(dataDir: string): void {
  const tighten = (path: string) => {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink() || (stats.mode & 0o077) === 0) return;
    chmodSync(path, stats.isDirectory() ? 0o700 : 0o600);
  };
  tighten(dataDir);
  for (const entry of readdirSync(dataDir, { recursive: true })) tighten(join(dataDir, String(entry)));
}

/** Options for {@link createEmbeddedDatabase}. */
export interface EmbeddedDatabaseOptions {
  /**
   * Folder for the data files; in memory when absent. Created (with its parents) when missing;
   * the folder is made 0700 and its files 0600 when the database opens and again when it closes.
   */
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
  const { dataDir } = options;
  let pglite: PGlite;
  try {
    if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    pglite = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
    await pglite.waitReady;
  } catch (cause) {
    throw new WalletAuthError("STORE_UNAVAILABLE", { cause, reason: "pglite-start-failed" });
  }
  if (dataDir !== undefined) {
    try {
      makeOwnerOnly(dataDir);
    } catch (cause) {
      await pglite.close().catch(() => undefined);
      throw new WalletAuthError("STORE_UNAVAILABLE", { cause, reason: "pglite-folder-mode" });
    }
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
        // Files PGlite created while open followed the process umask (often 0644).
        if (dataDir !== undefined) {
          try {
            makeOwnerOnly(dataDir);
          } catch {
            // The folder stays 0700 (made at open): its contents are out of other users' reach.
          }
        }
      })();
      return closing;
    },
  };
}
