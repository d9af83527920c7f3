import type { Knex } from "knex";

const up = [
  // Orders the exchange proxy signed ('proxy') and orders reconciliation found at the venue that it
  // never signed ('foreign'). No foreign key to the credential: a foreign order is evidence that
  // outlives the key's deletion; rows go with the user.
  `CREATE TABLE order_journal (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id text NOT NULL,
    exchange text NOT NULL,
    origin text NOT NULL CHECK (origin IN ('proxy', 'foreign')),
    venue_order_id text,
    client_order_id text,
    symbol text NOT NULL,
    side text CHECK (side IS NULL OR side IN ('buy', 'sell')),
    placed_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL,
    CHECK (origin = 'foreign' OR client_order_id IS NOT NULL),
    CHECK (origin = 'proxy' OR venue_order_id IS NOT NULL)
  )`,
  // A retried order is one proxy row; a foreign order seen by two passes is one foreign row.
  `CREATE UNIQUE INDEX order_journal_proxy_client_idx ON order_journal (credential_id, client_order_id) WHERE origin = 'proxy'`,
  `CREATE UNIQUE INDEX order_journal_foreign_venue_idx ON order_journal (credential_id, venue_order_id) WHERE origin = 'foreign'`,
  // Reconciliation matches by venue order id; retention deletes proxy rows by age.
  `CREATE INDEX order_journal_proxy_venue_idx ON order_journal (credential_id, venue_order_id) WHERE origin = 'proxy'`,
  `CREATE INDEX order_journal_proxy_placed_idx ON order_journal (placed_at) WHERE origin = 'proxy'`,
  `CREATE INDEX order_journal_user_idx ON order_journal (user_id, origin, recorded_at DESC)`,
  `CREATE TABLE security_incidents (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('kill_switch', 'foreign_orders')),
    details jsonb NOT NULL CHECK (jsonb_typeof(details) = 'object'),
    created_at timestamptz NOT NULL
  )`,
  `CREATE INDEX security_incidents_user_idx ON security_incidents (user_id, created_at DESC)`,
];

const down = [`DROP TABLE security_incidents`, `DROP TABLE order_journal`];

/** The signed-request journal (orders the proxy signed, foreign orders found by reconciliation) and security incidents. */
export const m008OrderJournal = {
  name: "008_order_journal",
  async up(knex: Knex): Promise<void> {
    for (const statement of up) await knex.raw(statement);
  },
  async down(knex: Knex): Promise<void> {
    for (const statement of down) await knex.raw(statement);
  },
};
