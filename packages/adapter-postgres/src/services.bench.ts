/**
 * Service-level throughput on PostgreSQL (the server from DATABASE_URL, else PGlite):
 *
 * - audit append with the hash chain: `AuditTrail.recordNow` (own transaction, chain-head row
 *   lock, keyed hashes, SHA-256 chain hash) with WRITERS concurrent writers on WRITERS users'
 *   chains, against the store's bare `audit.append` of a prebuilt record in the same run.
 *   events/s = hz x WRITERS. Target >= 3,000 events/s on a real server.
 * - rewrap: `RotationService.runRewrap` over RECORDS credentials (each iteration moves all of
 *   them to the other key), one worker and two workers, against `KeyRing.rewrap` alone (the
 *   CPU ceiling). records/s = hz x RECORDS. Target >= 2,000 records/s on a real server.
 *
 * Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx vitest bench --run packages/adapter-postgres/src/services.bench.ts`
 */
import { randomUUID } from "node:crypto";
import type { AuditEventRecord, WalletAuthStore } from "@wallet-auth/core";
import { AuditTrail } from "@wallet-auth/core";
import { testHashKey } from "@wallet-auth/core/audit/auditScenarios";
import { RotationService } from "@wallet-auth/core/rotation/RotationService";
import { ringOf, seedCredentials } from "@wallet-auth/core/rotation/rotationScenarios";
import { afterAll, bench, describe } from "vitest";
import { createEmbeddedDatabase } from "./createEmbeddedDatabase.js";
import { createPostgresStore } from "./createPostgresStore.js";
import { migrateLatest } from "./migrate.js";
import { createServerSchema } from "./test-support/serverSchema.js";

const url = process.env.DATABASE_URL;
const POOL = 10;
const WRITERS = url === undefined ? 8 : 32;
const RECORDS = 10_000;
const AUDIT_OPTIONS = { time: 4000, warmupTime: 500 };
const REWRAP_OPTIONS = { time: 0, iterations: 2, warmupIterations: 0, warmupTime: 0 };

async function setUp(): Promise<{ target: string; store: WalletAuthStore; close: () => Promise<void> }> {
  if (url !== undefined) {
    const server = await createServerSchema(url, { min: 2, max: POOL });
    await migrateLatest(server.knex);
    return { target: `postgres, pool ${POOL}`, store: createPostgresStore({ knex: server.knex, kind: "postgres" }), close: () => server.drop() };
  }
  const db = await createEmbeddedDatabase();
  await migrateLatest(db.knex);
  return { target: "pglite", store: createPostgresStore({ knex: db.knex, kind: "pglite" }), close: () => db.close() };
}

const env = await setUp();
const hashKey = testHashKey();
const audit = new AuditTrail({ hashKey });
const users = Array.from({ length: WRITERS }, (_, i) => `user_bench_${i}`);
const entry = { action: "credential.use", outcome: "success" as const, targetType: "credential", targetId: "cred_1", details: { exchange: "binance" } };
const prebuilt = (chainKey: string, head: { seq: number; hash: string } | null): AuditEventRecord => ({
  id: randomUUID(),
  chainKey,
  seq: (head?.seq ?? 0) + 1,
  subjectUserId: null,
  actorType: "user",
  actorId: null,
  action: "credential.use",
  targetType: "credential",
  targetId: "cred_1",
  outcome: "success",
  requestId: null,
  ipHash: null,
  userAgent: null,
  details: { exchange: "binance" },
  personalDigest: "d",
  occurredAt: new Date(),
  prevHash: head?.hash ?? "0".repeat(64),
  hash: "h",
});

// Rewrap fixture: RECORDS credentials on key "a"; iterations alternate the primary a <-> b.
const seeded = await seedCredentials(env.store, ringOf(["a"]), { count: RECORDS, prefix: "benchrw", users: 50 });
let primaryIsB = false;
const rewrapTimes: { name: string; ms: number }[] = [];
async function rewrapAll(name: string, workers: number, concurrency = 1) {
  primaryIsB = !primaryIsB;
  const ring = primaryIsB ? ringOf(["a", "b"]) : ringOf(["b", "a"]);
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: workers }, (_, w) => new RotationService({ store: env.store, keyRing: ring, audit }).runRewrap({ batchSize: 500, workerId: `w${w}`, concurrency })),
  );
  const moved = results.reduce((n, r) => n + r.rewrapped, 0);
  if (moved !== RECORDS) throw new Error(`rewrapped ${moved}, expected ${RECORDS}`);
  rewrapTimes.push({ name, ms: performance.now() - started });
}

// The CPU ceiling: the same rewraps without any store.
const rows = [...seeded].map(([id, s]) => ({ id, userId: s.userId }));
const cpuRing = ringOf(["a", "b"]);
const sealedOnA = new Map(rows.map((r) => [r.id, ringOf(["a"]).seal(new TextEncoder().encode("x".repeat(96)), { userId: r.userId, recordId: r.id, purpose: "credential:binance" }).sealed]));

afterAll(async () => {
  for (const t of rewrapTimes) console.log(`${t.name}: ${RECORDS} records in ${t.ms.toFixed(0)} ms = ${Math.round((RECORDS / t.ms) * 1000)} records/s (${env.target})`);
  await env.close();
});

describe(`audit append with hash chain, ${WRITERS} concurrent writers on ${WRITERS} chains (${env.target}); events/s = hz x ${WRITERS}`, () => {
  bench(
    "baseline: store.audit.append, prebuilt record, no transaction",
    async () => {
      await Promise.all(users.map((u) => env.store.audit.append(`raw-${u}`, (head) => prebuilt(`raw-${u}`, head))));
    },
    AUDIT_OPTIONS,
  );
  bench(
    "AuditTrail.recordNow",
    async () => {
      await Promise.all(users.map((userId) => audit.recordNow(env.store, { userId, ip: "192.0.2.1", userAgent: "bench/1" }, entry)));
    },
    AUDIT_OPTIONS,
  );
});

describe(`rewrap ${RECORDS} credentials (${env.target}); records/s = hz x ${RECORDS}`, () => {
  bench(
    "baseline: KeyRing.rewrap only (no store)",
    () => {
      for (const r of rows) cpuRing.rewrap(sealedOnA.get(r.id) as string, { userId: r.userId, recordId: r.id, purpose: "credential:binance" });
    },
    REWRAP_OPTIONS,
  );
  bench("runRewrap, 1 worker, batch 500", () => rewrapAll("runRewrap 1 worker", 1), REWRAP_OPTIONS);
  bench("runRewrap, 2 workers, batch 500", () => rewrapAll("runRewrap 2 workers", 2), REWRAP_OPTIONS);
  bench("runRewrap, 1 call with concurrency 4, batch 500", () => rewrapAll("runRewrap concurrency 4", 1, 4), REWRAP_OPTIONS);
});
