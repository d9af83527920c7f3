import knexFactory, { type Knex } from "knex";

/** Options for {@link createPostgresKnex}. */
export interface PostgresKnexOptions {
  /** `postgres://user@host:5432/db`. */
  connectionString: string;
  /** Pool bounds; default `{ min: 0, max: 10 }`. */
  pool?: { min?: number; max?: number };
  /** Schema(s) to use, e.g. a per-test schema. */
  searchPath?: string | string[];
  /** How long a query waits for a pooled connection before `STORE_UNAVAILABLE`; default 10 s. */
  acquireTimeoutMs?: number;
}

/**
 * Creates knex for a PostgreSQL server through `pg`. Call `knex.destroy()` when done.
 *
 * @param options - connection string, pool size, search path.
 * @returns a knex instance (no connection is made until the first query).
 * @example
 * ```ts
 * import { createPostgresKnex, createPostgresStore, migrateLatest } from "@wallet-auth/adapter-postgres";
 * const knex = createPostgresKnex({ connectionString: process.env.DATABASE_URL!, pool: { max: 10 } });
 * await migrateLatest(knex);
 * const store = createPostgresStore({ knex });
 * ```
 */
export function createPostgresKnex(options: PostgresKnexOptions): Knex {
  const config: Knex.Config = {
    client: "pg",
    connection: options.connectionString,
    pool: { min: options.pool?.min ?? 0, max: options.pool?.max ?? 10 },
    // Fail fast with STORE_UNAVAILABLE instead of queueing for a minute when the server is down.
    acquireConnectionTimeout: options.acquireTimeoutMs ?? 10_000,
  };
  if (options.searchPath !== undefined) config.searchPath = options.searchPath;
  return knexFactory(config);
}
