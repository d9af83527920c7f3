import type { Knex } from "knex";

// One statement per entry: PGlite runs each as a prepared statement, which takes one command.
const up = [
  `CREATE TABLE users (
    id text PRIMARY KEY,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE TABLE api_credentials (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    exchange text NOT NULL,
    label text NOT NULL,
    status text NOT NULL CONSTRAINT api_credentials_status_check CHECK (status IN ('active', 'disabled', 'invalid', 'expired')),
    fingerprint text NOT NULL CONSTRAINT api_credentials_fingerprint_key UNIQUE,
    key_hint text NOT NULL,
    sealed_secret text NOT NULL,
    key_id text NOT NULL,
    format_version integer NOT NULL,
    permissions jsonb,
    expires_at timestamptz,
    last_used_at timestamptz,
    last_validated_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE INDEX api_credentials_user_idx ON api_credentials (user_id, created_at DESC, id DESC)`,
  `CREATE INDEX api_credentials_key_idx ON api_credentials (key_id, created_at, id)`,
  `CREATE INDEX api_credentials_expiring_idx ON api_credentials (expires_at, id) WHERE status = 'active' AND expires_at IS NOT NULL`,
  `CREATE TABLE wallets (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    chain_namespace text NOT NULL,
    chain_reference text NOT NULL,
    address text NOT NULL,
    label text,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    is_primary boolean NOT NULL DEFAULT false,
    verified_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE UNIQUE INDEX wallets_namespace_address_key ON wallets (chain_namespace, lower(address))`,
  `CREATE INDEX wallets_user_idx ON wallets (user_id, created_at, id)`,
  `CREATE TABLE siwe_nonces (
    nonce text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address text NOT NULL,
    chain_id text NOT NULL,
    message text NOT NULL,
    issued_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    consumed_at timestamptz
  )`,
  `CREATE INDEX siwe_nonces_user_idx ON siwe_nonces (user_id)`,
  `CREATE INDEX siwe_nonces_expires_idx ON siwe_nonces (expires_at)`,
  `CREATE TABLE balance_snapshots (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source_type text NOT NULL CONSTRAINT balance_snapshots_source_type_check CHECK (source_type IN ('exchange', 'wallet')),
    source_id text NOT NULL,
    asset text NOT NULL,
    free numeric NOT NULL,
    locked numeric NOT NULL,
    total numeric NOT NULL,
    usd_value numeric,
    taken_at timestamptz NOT NULL
  )`,
  `CREATE INDEX balance_snapshots_user_idx ON balance_snapshots (user_id, taken_at, id)`,
  `CREATE INDEX balance_snapshots_source_idx ON balance_snapshots (user_id, source_type, source_id, taken_at)`,
  `CREATE TABLE transactions (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source_type text NOT NULL CONSTRAINT transactions_source_type_check CHECK (source_type IN ('exchange', 'wallet')),
    source_id text NOT NULL,
    external_id text NOT NULL,
    type text NOT NULL CONSTRAINT transactions_type_check CHECK (type IN ('trade', 'deposit', 'withdrawal', 'transfer')),
    asset text NOT NULL,
    amount numeric NOT NULL,
    fee numeric,
    fee_asset text,
    status text NOT NULL CONSTRAINT transactions_status_check CHECK (status IN ('pending', 'ok', 'failed', 'canceled')),
    occurred_at timestamptz NOT NULL,
    txid text,
    info jsonb NOT NULL DEFAULT '{}'::jsonb,
    CONSTRAINT transactions_source_external_key UNIQUE (source_type, source_id, external_id)
  )`,
  `CREATE INDEX transactions_user_idx ON transactions (user_id, occurred_at DESC, id DESC)`,
  // No foreign key to users: events outlive erasure, in pseudonymous form.
  `CREATE TABLE audit_events (
    id text PRIMARY KEY,
    chain_key text NOT NULL,
    seq bigint NOT NULL CONSTRAINT audit_events_seq_check CHECK (seq >= 1),
    subject_user_id text,
    actor_type text NOT NULL CONSTRAINT audit_events_actor_type_check CHECK (actor_type IN ('user', 'operator', 'system', 'anonymous')),
    actor_id text,
    action text NOT NULL,
    target_type text,
    target_id text,
    outcome text NOT NULL CONSTRAINT audit_events_outcome_check CHECK (outcome IN ('success', 'failure', 'denied')),
    request_id text,
    ip_hash text,
    user_agent text,
    details jsonb NOT NULL DEFAULT '{}'::jsonb,
    personal_digest text NOT NULL,
    occurred_at timestamptz NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    -- Appends race on this key: of two events claiming one seq exactly one lands (no fork).
    CONSTRAINT audit_events_chain_seq_key UNIQUE (chain_key, seq)
  )`,
  `CREATE INDEX audit_events_subject_idx ON audit_events (subject_user_id, occurred_at DESC, seq DESC, id DESC)`,
  // Append-only: rows are never deleted, and an update may only null the personal fields.
  `CREATE FUNCTION wallet_auth_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    IF TG_OP = 'DELETE' THEN
      RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.chain_key IS DISTINCT FROM OLD.chain_key
      OR NEW.seq IS DISTINCT FROM OLD.seq OR NEW.actor_type IS DISTINCT FROM OLD.actor_type
      OR NEW.action IS DISTINCT FROM OLD.action OR NEW.target_type IS DISTINCT FROM OLD.target_type
      OR NEW.target_id IS DISTINCT FROM OLD.target_id OR NEW.outcome IS DISTINCT FROM OLD.outcome
      OR NEW.request_id IS DISTINCT FROM OLD.request_id OR NEW.details IS DISTINCT FROM OLD.details
      OR NEW.personal_digest IS DISTINCT FROM OLD.personal_digest OR NEW.occurred_at IS DISTINCT FROM OLD.occurred_at
      OR NEW.prev_hash IS DISTINCT FROM OLD.prev_hash OR NEW.hash IS DISTINCT FROM OLD.hash
      OR (NEW.subject_user_id IS NOT NULL AND NEW.subject_user_id IS DISTINCT FROM OLD.subject_user_id)
      OR (NEW.actor_id IS NOT NULL AND NEW.actor_id IS DISTINCT FROM OLD.actor_id)
      OR (NEW.ip_hash IS NOT NULL AND NEW.ip_hash IS DISTINCT FROM OLD.ip_hash)
      OR (NEW.user_agent IS NOT NULL AND NEW.user_agent IS DISTINCT FROM OLD.user_agent) THEN
      RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $fn$`,
  `CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION wallet_auth_audit_append_only()`,
  // No foreign key to users either: alerts outlive erasure.
  `CREATE TABLE security_alerts (
    id text PRIMARY KEY,
    user_id text,
    kind text NOT NULL,
    severity text NOT NULL CONSTRAINT security_alerts_severity_check CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    status text NOT NULL CONSTRAINT security_alerts_status_check CHECK (status IN ('open', 'acknowledged', 'resolved')),
    details jsonb NOT NULL DEFAULT '{}'::jsonb,
    dedupe_key text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE UNIQUE INDEX security_alerts_open_dedupe_key ON security_alerts (coalesce(user_id, ''), dedupe_key)
    WHERE status = 'open' AND dedupe_key IS NOT NULL`,
  `CREATE INDEX security_alerts_user_idx ON security_alerts (user_id, created_at DESC, id DESC)`,
  `CREATE TABLE key_rotation_jobs (
    id text PRIMARY KEY,
    target_key_id text NOT NULL,
    status text NOT NULL CONSTRAINT key_rotation_jobs_status_check CHECK (status IN ('running', 'completed', 'failed')),
    processed bigint NOT NULL DEFAULT 0,
    failed bigint NOT NULL DEFAULT 0,
    last_error_code text,
    started_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    completed_at timestamptz
  )`,
  `CREATE UNIQUE INDEX key_rotation_jobs_running_key ON key_rotation_jobs (target_key_id) WHERE status = 'running'`,
  `CREATE INDEX key_rotation_jobs_started_idx ON key_rotation_jobs (started_at DESC, id DESC)`,
  `CREATE TABLE leases (
    name text PRIMARY KEY,
    owner text NOT NULL,
    expires_at timestamptz NOT NULL
  )`,
];

const down = [
  `DROP TABLE leases`,
  `DROP TABLE key_rotation_jobs`,
  `DROP TABLE security_alerts`,
  `DROP TABLE audit_events`,
  `DROP FUNCTION wallet_auth_audit_append_only()`,
  `DROP TABLE transactions`,
  `DROP TABLE balance_snapshots`,
  `DROP TABLE siwe_nonces`,
  `DROP TABLE wallets`,
  `DROP TABLE api_credentials`,
  `DROP TABLE users`,
];

/** The initial schema: every table, index, constraint and the audit append-only trigger. */
export const m001Initial = {
  name: "001_initial",
  async up(knex: Knex): Promise<void> {
    for (const statement of up) await knex.raw(statement);
  },
  async down(knex: Knex): Promise<void> {
    for (const statement of down) await knex.raw(statement);
  },
};
