import type { Knex } from "knex";
import { m001Initial } from "./m001_initial.js";
import { m002OnePrimaryWallet } from "./m002_one_primary_wallet.js";
import { m003BotTokens } from "./m003_bot_tokens.js";
import { m004BotTokenKeyedHash } from "./m004_bot_token_keyed_hash.js";
import { m005SyncCursorsIdempotency } from "./m005_sync_cursors_idempotency.js";
import { m006TradePolicies } from "./m006_trade_policies.js";
import { m007VenuePermissions } from "./m007_venue_permissions.js";
import { m008OrderJournal } from "./m008_order_journal.js";
import { m009IdentityEvents } from "./m009_identity_events.js";

interface CodeMigration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const migrations: readonly CodeMigration[] = [m001Initial, m002OnePrimaryWallet, m003BotTokens, m004BotTokenKeyedHash, m005SyncCursorsIdempotency, m006TradePolicies, m007VenuePermissions, m008OrderJournal, m009IdentityEvents];

/** Name of the table knex records applied migrations in. */
export const MIGRATIONS_TABLE = "wallet_auth_migrations";

/**
 * The schema migrations as a knex `migrationSource`: defined in code, so they work from a
 * bundle with no migrations folder on disk.
 */
export const migrationSource: Knex.MigrationSource<CodeMigration> = {
  getMigrations: async () => [...migrations],
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => ({ up: migration.up, down: migration.down }),
};
