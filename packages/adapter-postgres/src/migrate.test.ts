import type { Knex } from "knex";
import { afterAll, describe, expect, it } from "vitest";
import { createEmbeddedDatabase } from "./createEmbeddedDatabase.js";
import { migrateLatest, migrateRollback, migrationStatus } from "./migrate.js";
import { MIGRATIONS_TABLE, migrationSource } from "./migrations/migrationSource.js";
import { type ServerSchema, createServerSchema } from "./test-support/serverSchema.js";

/** Columns, indexes, constraints and triggers of the current schema, as sorted text. */
async function describeSchema(knex: Knex): Promise<string[]> {
  const sql = [
    `SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS d
       FROM information_schema.columns WHERE table_schema = current_schema()`,
    `SELECT 'index ' || tablename || ' ' || indexname || ' ' || regexp_replace(indexdef, ' ON [^ ]+\\.', ' ON ') AS d
       FROM pg_indexes WHERE schemaname = current_schema()`,
    `SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(c.oid) AS d
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema()`,
    `SELECT 'trigger ' || event_object_table || ' ' || trigger_name || ' ' || event_manipulation AS d
       FROM information_schema.triggers WHERE trigger_schema = current_schema()`,
  ];
  const out: string[] = [];
  for (const q of sql) {
    const result = (await knex.raw(q)) as { rows: { d: string }[] };
    out.push(...result.rows.map((r) => r.d));
  }
  return out.filter((d) => !d.includes(MIGRATIONS_TABLE)).sort();
}

async function tables(knex: Knex): Promise<string[]> {
  const result = (await knex.raw(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE ?`,
    [`${MIGRATIONS_TABLE}%`],
  )) as { rows: { t: string }[] };
  return result.rows.map((r) => r.t).sort();
}

/** Every migration name, in order (each helper appends its own to migrationSource.ts). */
async function allNames(): Promise<string[]> {
  return (await migrationSource.getMigrations([])).map((m) => migrationSource.getMigrationName(m));
}

async function migrationRoundTrip(knex: Knex): Promise<void> {
  const names = await allNames();
  expect(names.slice(0, 3)).toEqual(["001_initial", "002_one_primary_wallet", "003_bot_tokens"]);
  expect((await migrationStatus(knex)).applied).toEqual([]);
  expect((await migrateLatest(knex)).migrations).toEqual(names);
  expect(await migrationStatus(knex)).toEqual({ applied: names, pending: [] });
  expect((await migrateLatest(knex)).migrations).toEqual([]);
  const first = await describeSchema(knex);
  // Later migrations (m003, m004...) add tables of their own.
  expect(await tables(knex)).toEqual(expect.arrayContaining([
    "api_credentials",
    "audit_events",
    "balance_snapshots",
    "bot_tokens",
    "key_rotation_jobs",
    "leases",
    "security_alerts",
    "siwe_nonces",
    "transactions",
    "users",
    "wallets",
    ]));
  expect(first.length).toBeGreaterThan(100);

  expect((await migrateRollback(knex, { all: true })).migrations).toEqual([...names].reverse());
  expect(await tables(knex)).toEqual([]);
  expect(await describeSchema(knex)).toEqual([]);
  expect((await migrationStatus(knex)).pending).toEqual(names);

  await migrateLatest(knex);
  expect(await describeSchema(knex)).toEqual(first);
}

async function auditIsAppendOnly(knex: Knex): Promise<void> {
  await knex.raw(
    `INSERT INTO audit_events (id, chain_key, seq, actor_type, action, outcome, personal_digest, occurred_at, prev_hash, hash, subject_user_id, ip_hash)
     VALUES ('e1', 'c', 1, 'user', 'a', 'success', 'd', now(), 'p', 'h', 'user_a', 'ip')`,
  );
  await expect(knex.raw(`UPDATE audit_events SET hash = 'forged' WHERE id = 'e1'`)).rejects.toThrow();
  await expect(knex.raw(`UPDATE audit_events SET subject_user_id = 'user_b' WHERE id = 'e1'`)).rejects.toThrow();
  await expect(knex.raw(`DELETE FROM audit_events WHERE id = 'e1'`)).rejects.toThrow();
  // Erasure (nulling personal fields) is the one update allowed.
  await knex.raw(`UPDATE audit_events SET subject_user_id = NULL, ip_hash = NULL WHERE id = 'e1'`);
}

/** m002 on a schema that already holds the defect it fixes: a user with three primaries. */
async function onePrimaryPerUser(knex: Knex): Promise<void> {
  await migrateRollback(knex, { all: true });
  await knex.migrate.up({ migrationSource, tableName: MIGRATIONS_TABLE, name: "001_initial" } as never);
  await knex.raw(`INSERT INTO users (id, created_at, updated_at) VALUES ('u1', now(), now())`);
  for (const [id, at] of [["w2", "2024-01-02"], ["w1", "2024-01-01"], ["w3", "2024-01-03"]] as const) {
    await knex.raw(
      `INSERT INTO wallets (id, user_id, chain_namespace, chain_reference, address, is_primary, verified_at, created_at, updated_at)
       VALUES (?, 'u1', 'eip155', '1', ?, true, ?, ?, ?)`,
      [id, `0x${id.padEnd(40, "0")}`, at, at, at],
    );
  }
  await migrateLatest(knex);
  const { rows } = (await knex.raw(`SELECT id FROM wallets WHERE is_primary ORDER BY id`)) as { rows: { id: string }[] };
  expect(rows.map((r) => r.id)).toEqual(["w1"]);
  await expect(knex.raw(`UPDATE wallets SET is_primary = true WHERE id = 'w2'`)).rejects.toThrow();
  await migrateRollback(knex, { all: true });
}

describe("migrations on PGlite", () => {
  const db = createEmbeddedDatabase();
  afterAll(async () => (await db).close());

  // Includes PGlite's start-up and three full schema reads; on a loaded 2-core machine it passed 30 s.
  it("up, down, up again leaves the same schema", { timeout: 120_000 }, async () => {
    await migrationRoundTrip((await db).knex);
  });

  it("m002 keeps only the oldest of several primary wallets and refuses a second primary afterwards", async () => {
    await onePrimaryPerUser((await db).knex);
  });

  it("audit_events accepts inserts and erasure, and refuses edits and deletes", async () => {
    const { knex } = await db;
    await migrateLatest(knex);
    await auditIsAppendOnly(knex);
  });
});

const url = process.env.DATABASE_URL;
describe.skipIf(url === undefined)("migrations on PostgreSQL", () => {
  let server: ServerSchema | undefined;
  afterAll(async () => server?.drop());

  it("up, down, up again leaves the same schema; audit_events is append-only", async () => {
    server = await createServerSchema(url as string, { min: 0, max: 2 });
    await migrationRoundTrip(server.knex);
    await auditIsAppendOnly(server.knex);
  });

  it("m002 keeps only the oldest of several primary wallets and refuses a second primary afterwards", async () => {
    server ??= await createServerSchema(url as string, { min: 0, max: 2 });
    await onePrimaryPerUser(server.knex);
  });
});
