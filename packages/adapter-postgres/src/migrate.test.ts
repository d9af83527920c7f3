import type { Knex } from "knex";
import { afterAll, describe, expect, it } from "vitest";
import { createEmbeddedDatabase } from "./createEmbeddedDatabase.js";
import { migrateLatest, migrateRollback, migrationStatus } from "./migrate.js";
import { MIGRATIONS_TABLE } from "./migrations/migrationSource.js";
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

async function migrationRoundTrip(knex: Knex): Promise<void> {
  expect((await migrationStatus(knex)).applied).toEqual([]);
  expect((await migrateLatest(knex)).migrations).toEqual(["001_initial"]);
  expect(await migrationStatus(knex)).toEqual({ applied: ["001_initial"], pending: [] });
  expect((await migrateLatest(knex)).migrations).toEqual([]);
  const first = await describeSchema(knex);
  expect(await tables(knex)).toEqual([
    "api_credentials",
      "audit_events",
    "balance_snapshots",
    "key_rotation_jobs",
    "leases",
    "security_alerts",
    "siwe_nonces",
    "transactions",
    "users",
    "wallets",
  ]);
  expect(first.length).toBeGreaterThan(100);

  expect((await migrateRollback(knex, { all: true })).migrations).toEqual(["001_initial"]);
  expect(await tables(knex)).toEqual([]);
  expect(await describeSchema(knex)).toEqual([]);
  expect((await migrationStatus(knex)).pending).toEqual(["001_initial"]);

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

describe("migrations on PGlite", () => {
  const db = createEmbeddedDatabase();
  afterAll(async () => (await db).close());

  it("up, down, up again leaves the same schema", async () => {
    await migrationRoundTrip((await db).knex);
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
});
