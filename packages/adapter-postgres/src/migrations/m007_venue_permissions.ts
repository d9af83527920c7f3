import type { Knex } from "knex";

const up = [
  // The venue's own account of the key (normalised by core's venue modules): one JSON object.
  `ALTER TABLE api_credentials ADD COLUMN key_permissions jsonb CHECK (key_permissions IS NULL OR jsonb_typeof(key_permissions) = 'object')`,
  // When the owner accepted storing a key whose withdrawal permission the venue does not report.
  `ALTER TABLE api_credentials ADD COLUMN permission_risk_accepted_at timestamptz`,
  // The permission-drift job reads active keys least recently validated first.
  `CREATE INDEX api_credentials_revalidate_idx ON api_credentials (last_validated_at ASC NULLS FIRST, id) WHERE status = 'active'`,
];

const down = [`DROP INDEX api_credentials_revalidate_idx`, `ALTER TABLE api_credentials DROP COLUMN permission_risk_accepted_at`, `ALTER TABLE api_credentials DROP COLUMN key_permissions`];

/** Venue permissions on each credential: the normalised permission record and the owner's acceptance of an unknown withdrawal permission. */
export const m007VenuePermissions = {
  name: "007_venue_permissions",
  async up(knex: Knex): Promise<void> {
    for (const statement of up) await knex.raw(statement);
  },
  async down(knex: Knex): Promise<void> {
    for (const statement of down) await knex.raw(statement);
  },
};
