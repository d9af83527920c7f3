import type { Knex } from "knex";

const up = [
  // Clerk webhook deliveries, by svix id: a replay or duplicate delivery finds its row and changes nothing.
  // No foreign key to users: a deletion event may name a user who never signed in here.
  `CREATE TABLE identity_events (
    id text PRIMARY KEY,
    type text NOT NULL,
    user_id text,
    occurred_at timestamptz NOT NULL,
    processed_at timestamptz NOT NULL,
    details jsonb NOT NULL CHECK (jsonb_typeof(details) = 'object')
  )`,
  `CREATE INDEX identity_events_user_idx ON identity_events (user_id, occurred_at DESC)`,
  // Clerk sessions and users that may no longer authenticate here, read by id on every session request.
  `CREATE TABLE revoked_subjects (
    id text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('session', 'user')),
    user_id text NOT NULL,
    revoked_at timestamptz NOT NULL
  )`,
  // The latest state of each organization membership, for the organization support to come.
  `CREATE TABLE membership_states (
    organization_id text NOT NULL,
    user_id text NOT NULL,
    role text,
    status text NOT NULL CHECK (status IN ('active', 'removed')),
    as_of timestamptz NOT NULL,
    event_id text NOT NULL,
    PRIMARY KEY (organization_id, user_id)
  )`,
];

const down = [`DROP TABLE membership_states`, `DROP TABLE revoked_subjects`, `DROP TABLE identity_events`];

/** Clerk webhook deliveries (idempotency), revoked sessions and users, organization membership states. */
export const m009IdentityEvents = {
  name: "009_identity_events",
  async up(knex: Knex): Promise<void> {
    for (const statement of up) await knex.raw(statement);
  },
  async down(knex: Knex): Promise<void> {
    for (const statement of down) await knex.raw(statement);
  },
};
