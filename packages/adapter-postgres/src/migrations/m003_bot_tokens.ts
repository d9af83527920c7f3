import type { Knex } from "knex";

const up = [
  `CREATE TABLE bot_tokens (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 100),
    prefix text NOT NULL,
    hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    scopes text[] NOT NULL,
    credential_ids text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
    last_used_at timestamptz,
    revoked_at timestamptz
  )`,
  `CREATE INDEX bot_tokens_user_idx ON bot_tokens (user_id, created_at DESC)`,
];

/** Bot access tokens: stored only as a SHA-256 hash with a visible prefix. */
export const m003BotTokens = {
  name: "003_bot_tokens",
  async up(knex: Knex): Promise<void> {
    for (const statement of up) await knex.raw(statement);
  },
  async down(knex: Knex): Promise<void> {
    await knex.raw(`DROP TABLE bot_tokens`);
  },
};
