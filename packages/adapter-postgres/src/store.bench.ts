/**
 * Credential insert and by-id read through the store vs the same statements by hand, in one
 * run, with the same pool size. On the server from DATABASE_URL (raw baseline: `pg.Pool`),
 * else on PGlite (raw baseline: `pglite.query`). Each iteration runs BATCH operations at once,
 * so ops/s = hz x BATCH; vitest's summary prints the store/raw ratio.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { CredentialRecord } from "@wallet-auth/core";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, bench, describe } from "vitest";
import { createEmbeddedDatabase } from "./createEmbeddedDatabase.js";
import { createPostgresStore } from "./createPostgresStore.js";
import { migrateLatest } from "./migrate.js";
import { createServerSchema } from "./test-support/serverSchema.js";
import { reportVitestFigures } from "../../../bench/report.js";

const BATCH = 50;
const OPTIONS = { time: 4000, warmupTime: 500 };
const POOL = 10;
const url = process.env.DATABASE_URL;
const USER = "user_bench";

const INSERT = `INSERT INTO api_credentials (id, user_id, exchange, label, status, fingerprint, key_hint, sealed_secret,
  key_id, format_version, permissions, expires_at, last_used_at, last_validated_at, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15, $16)
  ON CONFLICT DO NOTHING RETURNING *`;
const SELECT = `SELECT * FROM api_credentials WHERE id = $1 AND user_id = $2`;

function record(): CredentialRecord {
  const now = new Date();
  return {
    id: randomUUID(),
    userId: USER,
    exchange: "binance",
    label: "bench",
    status: "active",
    fingerprint: randomBytes(32).toString("hex"),
    keyHint: "abcd",
    sealedSecret: randomBytes(180).toString("base64url"),
    keyId: "k1",
    formatVersion: 1,
    permissions: { read: true, trade: true, withdraw: false },
    keyPermissions: null,
    permissionRiskAcceptedAt: null,
    expiresAt: null,
    lastUsedAt: null,
    lastValidatedAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

const params = (c: CredentialRecord) => [
  c.id,
  c.userId,
  c.exchange,
  c.label,
  c.status,
  c.fingerprint,
  c.keyHint,
  c.sealedSecret,
  c.keyId,
  c.formatVersion,
  JSON.stringify(c.permissions),
  c.expiresAt,
  c.lastUsedAt,
  c.lastValidatedAt,
  c.createdAt,
  c.updatedAt,
];

type RawQuery = (sql: string, values: unknown[]) => Promise<unknown>;

async function setUp() {
  if (url !== undefined) {
    const server = await createServerSchema(url, { min: POOL, max: POOL });
    await migrateLatest(server.knex);
    const pool = new pg.Pool({ connectionString: url, max: POOL, options: `-c search_path=${server.schema}` });
    const raw: RawQuery = (sql, values) => pool.query(sql, values);
    return {
      target: `postgres (pool ${POOL})`,
      store: createPostgresStore({ knex: server.knex }),
      unbatched: createPostgresStore({ knex: server.knex, auditBatching: false }),
      raw,
      close: async () => {
        await pool.end();
        await server.drop();
      },
    };
  }
  const db = await createEmbeddedDatabase();
  await migrateLatest(db.knex);
  // The knex-pglite client holds the PGlite instance; the baseline talks to it directly.
  const pglite = (db.knex.client as unknown as { pglite: PGlite }).pglite;
  const raw: RawQuery = (sql, values) => pglite.query(sql, values);
  return {
    target: "pglite",
    store: createPostgresStore({ knex: db.knex, kind: "pglite" }),
    unbatched: createPostgresStore({ knex: db.knex, kind: "pglite", auditBatching: false }),
    raw,
    close: () => db.close(),
  };
}

const env = await setUp();
reportVitestFigures(import.meta.url, { multiplier: BATCH });
await env.store.users.ensure(USER, new Date());
const ids: string[] = [];
for (let i = 0; i < 500; i++) ids.push((await env.store.credentials.insert(record())).id);
const pick = () => ids[Math.floor(Math.random() * ids.length)] as string;

// Audit figures as events/s (time inside each bench's function, warm-up included), printed
// with the ratio to the plain INSERT of the same run.
const auditMeter = new Map<string, { events: number; ms: number }>();
async function metered(name: string, events: number, fn: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await fn();
  const m = auditMeter.get(name) ?? { events: 0, ms: 0 };
  m.events += events;
  m.ms += performance.now() - started;
  auditMeter.set(name, m);
}

afterAll(async () => {
  const rate = (name: string) => {
    const m = auditMeter.get(name);
    return m ? (m.events / m.ms) * 1000 : Number.NaN;
  };
  for (const name of auditMeter.keys()) {
    console.log(`audit append ${name}: ${Math.round(rate(name))} events/s (${env.target}); ${(rate(name) / rate("raw")).toFixed(2)}x the plain INSERT`);
  }
  await env.close();
});

describe(`credential insert, ${BATCH} at once (${env.target})`, () => {
  bench("raw", async () => {
    await Promise.all(Array.from({ length: BATCH }, () => env.raw(INSERT, params(record()))));
  }, OPTIONS);
  bench("store", async () => {
    await Promise.all(Array.from({ length: BATCH }, () => env.store.credentials.insert(record())));
  }, OPTIONS);
});

describe(`credential read by id, ${BATCH} at once (${env.target})`, () => {
  bench("raw", async () => {
    await Promise.all(Array.from({ length: BATCH }, () => env.raw(SELECT, [pick(), USER])));
  }, OPTIONS);
  bench("store", async () => {
    await Promise.all(Array.from({ length: BATCH }, () => env.store.credentials.get(USER, pick())));
  }, OPTIONS);
});

// Audit append: BATCH concurrent writers on BATCH different chains. Baseline: one plain INSERT
// per event (no chain head, no transaction), i.e. what an unchained log would cost.
const AUDIT_INSERT = `INSERT INTO audit_events (id, chain_key, seq, actor_type, action, outcome, personal_digest,
  occurred_at, prev_hash, hash, details) VALUES ($1, $2, $3, 'user', 'bench', 'success', 'd', $4, $5, $6, '{}'::jsonb)`;
const rawSeq = new Map<string, number>();
const chains = Array.from({ length: BATCH }, (_, i) => `bench-chain-${i}`);
const ZERO = "0".repeat(64);

const appendTo = (store: typeof env.store, chain: string) =>
  store.audit.append(chain, (head) => ({
    id: randomUUID(),
    chainKey: chain,
    seq: (head?.seq ?? 0) + 1,
    subjectUserId: null,
    actorType: "user",
    actorId: null,
    action: "bench",
    targetType: null,
    targetId: null,
    outcome: "success",
    requestId: null,
    ipHash: null,
    userAgent: null,
    details: {},
    personalDigest: "d",
    occurredAt: new Date(),
    prevHash: head?.hash ?? ZERO,
    hash: randomBytes(32).toString("hex"),
  }));

describe(`audit append, ${BATCH} writers on ${BATCH} chains (${env.target})`, () => {
  bench(
    "raw",
    () =>
      metered("raw", BATCH, () =>
        Promise.all(
          chains.map((chain) => {
            const seq = (rawSeq.get(chain) ?? 0) + 1;
            rawSeq.set(chain, seq);
            return env.raw(AUDIT_INSERT, [randomUUID(), `raw-${chain}`, seq, new Date(), ZERO, ZERO]);
          }),
        ),
      ),
    OPTIONS,
  );
  bench("store", () => metered("store", BATCH, () => Promise.all(chains.map((chain) => appendTo(env.store, chain)))), OPTIONS);
  bench(
    "store, auditBatching: false",
    () => metered("store, auditBatching: false", BATCH, () => Promise.all(chains.map((chain) => appendTo(env.unbatched, `one-${chain}`)))),
    OPTIONS,
  );
});
