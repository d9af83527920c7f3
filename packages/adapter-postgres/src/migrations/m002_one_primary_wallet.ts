import type { Knex } from "knex";

// One statement per entry: PGlite runs each as a prepared statement, which takes one command.
const up = [
  // Before this index, concurrent first links could leave a user with several primaries: keep
  // the oldest one (the wallet the user saw as primary first) and clear the rest.
  `UPDATE wallets SET is_primary = false
   WHERE is_primary AND id <> (
     SELECT keep.id FROM wallets keep
     WHERE keep.user_id = wallets.user_id AND keep.is_primary
     ORDER BY keep.created_at, keep.id LIMIT 1
   )`,
  `CREATE UNIQUE INDEX wallets_one_primary_per_user ON wallets (user_id) WHERE is_primary`,
];

const down = [`DROP INDEX wallets_one_primary_per_user`];

/**
 * At most one primary wallet per user, enforced by a partial unique index, so that concurrent
 * first links cannot each make their wallet primary.
 */
export const m002OnePrimaryWallet = {
  name: "002_one_primary_wallet",
  async up(knex: Knex): Promise<void> {
    for (const statement of up) await knex.raw(statement);
  },
  async down(knex: Knex): Promise<void> {
    for (const statement of down) await knex.raw(statement);
  },
};
