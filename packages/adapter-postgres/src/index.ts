/**
 * PostgreSQL store for wallet-auth through knex: a real server, or embedded PGlite. Knex
 * migrations are defined in code (up and down), so they work from a bundle.
 *
 * @module
 */
export { createEmbeddedDatabase, type EmbeddedDatabase, type EmbeddedDatabaseOptions } from "./createEmbeddedDatabase.js";
export { createPostgresKnex, type PostgresKnexOptions } from "./createPostgresKnex.js";
export { createPostgresStore, type PostgresStoreOptions } from "./createPostgresStore.js";
export type { AuditBatchOptions } from "./repositories/AuditAppendBatcher.js";
export {
  migrateLatest,
  migrateRollback,
  migrationStatus,
  type MigrateResult,
  type MigrateRollbackOptions,
  type MigrationStatusResult,
} from "./migrate.js";
export { MIGRATIONS_TABLE, migrationSource } from "./migrations/migrationSource.js";
