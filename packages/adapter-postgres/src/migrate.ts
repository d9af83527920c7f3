import type { Knex } from "knex";
import { MIGRATIONS_TABLE, migrationSource } from "./migrations/migrationSource.js";
import { toStoreError } from "./internal/errors.js";

const config = (): Knex.MigratorConfig => ({ migrationSource, tableName: MIGRATIONS_TABLE });

/** Result of {@link migrateLatest} and {@link migrateRollback}. */
export interface MigrateResult {
  /** Names of the migrations applied (latest) or reverted (rollback), in order. */
  migrations: string[];
}

/**
 * Applies every pending migration.
 * @param knex - a knex instance (its `searchPath` decides the schema).
 * @returns the names applied.
 * @throws WalletAuthError `STORE_UNAVAILABLE` when the database cannot be reached, `INTERNAL` otherwise.
 * @example
 * ```ts
 * import { createEmbeddedDatabase, migrateLatest } from "@wallet-auth/adapter-postgres";
 * const db = await createEmbeddedDatabase();
 * await migrateLatest(db.knex);
 * ```
 */
export async function migrateLatest(knex: Knex): Promise<MigrateResult> {
  try {
    const [, names] = (await knex.migrate.latest(config())) as [number, string[]];
    return { migrations: names };
  } catch (error) {
    throw toStoreError(error);
  }
}

/** Options for {@link migrateRollback}. */
export interface MigrateRollbackOptions {
  /** Revert every applied migration instead of the last batch. */
  all?: boolean;
}

/**
 * Reverts the last batch of migrations (or all of them).
 * @param knex - a knex instance.
 * @param options - `{ all: true }` to revert everything.
 * @returns the names reverted.
 * @throws WalletAuthError `STORE_UNAVAILABLE` / `INTERNAL`.
 * @example
 * ```ts
 * await migrateRollback(db.knex, { all: true });
 * ```
 */
export async function migrateRollback(knex: Knex, options: MigrateRollbackOptions = {}): Promise<MigrateResult> {
  try {
    const [, names] = (await knex.migrate.rollback(config(), options.all ?? false)) as [number, string[]];
    return { migrations: names };
  } catch (error) {
    throw toStoreError(error);
  }
}

/** Result of {@link migrationStatus}. */
export interface MigrationStatusResult {
  applied: string[];
  pending: string[];
}

/**
 * Lists applied and pending migrations.
 * @param knex - a knex instance.
 * @returns names of applied and pending migrations.
 * @throws WalletAuthError `STORE_UNAVAILABLE` / `INTERNAL`.
 * @example
 * ```ts
 * const { pending } = await migrationStatus(db.knex);
 * ```
 */
export async function migrationStatus(knex: Knex): Promise<MigrationStatusResult> {
  try {
    const [applied, pending] = (await knex.migrate.list(config())) as [{ name: string }[], { name: string }[]];
    return {
      applied: applied.map((m) => m.name),
      pending: pending.map((m) => (typeof m === "string" ? m : m.name)),
    };
  } catch (error) {
    throw toStoreError(error);
  }
}
