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
  /**
   * Receives knex's own warnings (e.g. a failed connection attempt) as one line with no stack
   * and no SQL. Default: dropped, since the store already reports `STORE_UNAVAILABLE`.
   */
  onWarning?: (message: string) => void;
}

/** knex logs stacks (and may log SQL): keep only the first line, cut before any SQL. */
function oneLine(message: unknown): string {
  const first = String(message).split("\n", 1)[0] ?? "";
  return first.replace(/\s+-\s+(select|insert|update|delete|with|create|alter|drop)\b.*$/is, "").slice(0, 200);
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
    // knex writes warnings with stacks to the console by default; nothing of that reaches a log
    // line unless the host asks for it, and then only one sanitised line.
    log: quietKnexLog(options.onWarning),
  };
  if (options.searchPath !== undefined) config.searchPath = options.searchPath;
  return knexFactory(config);
}

/** knex's `log` option: nothing to the console; warnings to `onWarning` as one sanitised line. */
export function quietKnexLog(onWarning?: (message: string) => void): NonNullable<Knex.Config["log"]> {
  return {
    warn: (message: unknown) => onWarning?.(oneLine(message)),
    error: (message: unknown) => onWarning?.(oneLine(message)),
    deprecate: () => undefined,
    debug: () => undefined,
  };
}
