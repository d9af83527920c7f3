import type { Knex } from "knex";

/**
 * Bot tokens: the id of the server-held HMAC key each hash was made with. Rows from before stay
 * with `key_id` NULL (their hash is a plain SHA-256): no lookup accepts them until the one-time
 * rehash step (`BotTokenService.rehashLegacy`, `wallet-auth tokens rehash`) keys them.
 * Down drops the column: keyed rows then match no token (their hash is no plain SHA-256).
 */
export const m004BotTokenKeyedHash = {
  name: "004_bot_token_keyed_hash",
  async up(knex: Knex): Promise<void> {
    await knex.raw(`ALTER TABLE bot_tokens ADD COLUMN key_id text CHECK (key_id ~ '^t[0-9a-f]{16}$')`);
    await knex.raw(`CREATE INDEX bot_tokens_unkeyed_idx ON bot_tokens (created_at, id) WHERE key_id IS NULL`);
  },
  async down(knex: Knex): Promise<void> {
    await knex.raw(`DROP INDEX bot_tokens_unkeyed_idx`);
    await knex.raw(`ALTER TABLE bot_tokens DROP COLUMN key_id`);
  },
};
