import type { Knex } from "knex";

const up = [
  `CREATE TABLE trade_policies (
    subject_type text NOT NULL CHECK (subject_type IN ('credential', 'token')),
    subject_id text NOT NULL,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    policy jsonb NOT NULL CHECK (jsonb_typeof(policy) = 'object'),
    version integer NOT NULL CHECK (version > 0),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (subject_type, subject_id)
  )`,
  `CREATE INDEX trade_policies_user_idx ON trade_policies (user_id)`,
  // One row per window: the row lock that serialises reservations across connections and replicas.
  `CREATE TABLE policy_windows (
    key text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE
  )`,
  `CREATE INDEX policy_windows_user_idx ON policy_windows (user_id)`,
  `CREATE TABLE policy_window_entries (
    key text NOT NULL REFERENCES policy_windows (key) ON DELETE CASCADE,
    id text NOT NULL,
    amount numeric NOT NULL CHECK (amount > 0),
    at timestamptz NOT NULL,
    PRIMARY KEY (key, id)
  )`,
  `CREATE INDEX policy_window_entries_at_idx ON policy_window_entries (key, at)`,
];

/** Trade policies per credential or bot token, and their rolling windows (amounts admitted, exact numeric). */
export const m006TradePolicies = {
  name: "006_trade_policies",
  async up(knex: Knex): Promise<void> {
    for (const statement of up) await knex.raw(statement);
  },
  async down(knex: Knex): Promise<void> {
    await knex.raw(`DROP TABLE policy_window_entries`);
    await knex.raw(`DROP TABLE policy_windows`);
    await knex.raw(`DROP TABLE trade_policies`);
  },
};
