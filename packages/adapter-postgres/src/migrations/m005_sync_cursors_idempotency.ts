import type { Knex } from "knex";

const up = [
  // One row per (user, credential, Idempotency-Key) of an exchange proxy call; bounded by expires_at.
  `CREATE TABLE proxy_idempotency (
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id text NOT NULL REFERENCES api_credentials (id) ON DELETE CASCADE,
    idempotency_key text NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
    request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
    client_order_id text,
    state text NOT NULL CHECK (state IN ('pending', 'done')),
    response jsonb,
    locked_until timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
    PRIMARY KEY (user_id, credential_id, idempotency_key)
  )`,
  `CREATE INDEX proxy_idempotency_expiry_idx ON proxy_idempotency (expires_at)`,
  // Where each source's history sync stopped, per stream.
  `CREATE TABLE sync_cursors (
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source_type text NOT NULL CHECK (source_type IN ('exchange', 'wallet')),
    source_id text NOT NULL,
    stream text NOT NULL CHECK (char_length(stream) BETWEEN 1 AND 64),
    cursor text NOT NULL CHECK (char_length(cursor) BETWEEN 1 AND 256),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, source_type, source_id, stream)
  )`,
];

/** Sync cursors (history reads only what is new) and exchange proxy idempotency keys. */
export const m005SyncCursorsIdempotency = {
  name: "005_sync_cursors_idempotency",
  async up(knex: Knex): Promise<void> {
    for (const statement of up) await knex.raw(statement);
  },
  async down(knex: Knex): Promise<void> {
    await knex.raw(`DROP TABLE sync_cursors`);
    await knex.raw(`DROP TABLE proxy_idempotency`);
  },
};
