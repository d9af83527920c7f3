/**
 * Service-level throughput on PostgreSQL (the server from DATABASE_URL, else PGlite):
 *
 * - audit append with the hash chain: `AuditTrail.recordNow` (keyed hashes, SHA-256 chain hash,
 *   one optimistic append) with WRITERS concurrent writers on WRITERS users' chains, against
 *   the same with the store's audit batching off (the previous write path) and the store's bare
 *   `audit.append` of a prebuilt record, in the same run. events/s = hz x WRITERS, also printed
 *   at the end. Target >= 3,000 events/s on a real server.
 * - rewrap: `RotationService.runRewrap` over RECORDS credentials (each iteration moves all of
 *   them to the other key), one worker and two workers, against `KeyRing.rewrap` alone (the
 *   CPU ceiling) and the per-row write path it replaced. records/s = hz x RECORDS, medians
 *   printed at the end with the ratio. Target >= 2,000 records/s on a real server.
 *
 * Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx vitest bench --run packages/adapter-postgres/src/services.bench.ts`
 */
import type { WalletAuthStore } from "@wallet-auth/core";
import { AuditTrail } from "@wallet-auth/core";
import { prebuiltAuditEvent as prebuilt, ringOf, seedCredentials, testHashKey } from "@wallet-auth/testing/scenarios";
import { RotationService } from "@wallet-auth/core/rotation/RotationService";
import { afterAll, bench, describe } from "vitest";
import { createEmbeddedDatabase } from "./createEmbeddedDatabase.js";
import { createPostgresStore } from "./createPostgresStore.js";
import { migrateLatest } from "./migrate.js";
import { createServerSchema } from "./test-support/serverSchema.js";
import { reportBench } from "../../../bench/report.js";

const url = process.env.DATABASE_URL;
const POOL = 10;
const WRITERS = url === undefined ? 8 : 32;
const RECORDS = 10_000;
const AUDIT_OPTIONS = { time: 4000, warmupTime: 500 };
const REWRAP_OPTIONS = { time: 0, iterations: 2, warmupIterations: 0, warmupTime: 0 };

async function setUp(): Promise<{ target: string; store: WalletAuthStore; unbatched: WalletAuthStore; close: () => Promise<void> }> {
  if (url !== undefined) {
    const server = await createServerSchema(url, { min: 2, max: POOL });
    await migrateLatest(server.knex);
    return {
      target: `postgres, pool ${POOL}`,
      store: createPostgresStore({ knex: server.knex, kind: "postgres" }),
      unbatched: createPostgresStore({ knex: server.knex, kind: "postgres", auditBatching: false }),
      close: () => server.drop(),
    };
  }
  const db = await createEmbeddedDatabase();
  await migrateLatest(db.knex);
  return {
    target: "pglite",
    store: createPostgresStore({ knex: db.knex, kind: "pglite" }),
    unbatched: createPostgresStore({ knex: db.knex, kind: "pglite", auditBatching: false }),
    close: () => db.close(),
  };
}

const env = await setUp();
const hashKey = testHashKey();
const audit = new AuditTrail({ hashKey });
const users = Array.from({ length: WRITERS }, (_, i) => `user_bench_${i}`);
const entry = { action: "credential.use", outcome: "success" as const, targetType: "credential", targetId: "cred_1", details: { exchange: "binance" } };

// Rewrap fixture: RECORDS credentials on key "a"; iterations alternate the primary a <-> b.
const seeded = await seedCredentials(env.store, ringOf(["a"]), { count: RECORDS, prefix: "benchrw", users: 50 });
let primaryIsB = false;
const rewrapTimes: { name: string; ms: number }[] = [];
function nextRing() {
  primaryIsB = !primaryIsB;
  return primaryIsB ? ringOf(["a", "b"]) : ringOf(["b", "a"]);
}
async function timed(name: string, run: () => Promise<number>) {
  const started = performance.now();
  const moved = await run();
  if (moved !== RECORDS) throw new Error(`rewrapped ${moved}, expected ${RECORDS}`);
  rewrapTimes.push({ name, ms: performance.now() - started });
}
async function rewrapAll(name: string, workers: number, concurrency = 1, batchSize: number | undefined = 500) {
  const ring = nextRing();
  await timed(name, async () => {
    const results = await Promise.all(
      Array.from({ length: workers }, (_, w) =>
        new RotationService({ store: env.store, keyRing: ring, audit }).runRewrap({ batchSize, workerId: `w${w}`, concurrency }),
      ),
    );
    return results.reduce((n, r) => n + r.rewrapped, 0);
  });
}
// The write path runRewrap had before replaceSealedManyIfKey: same claims, same audit event per
// batch, but one compare-and-set UPDATE per row (issued without awaiting each, as it was).
async function perRowRewrapAll(name: string) {
  const ring = nextRing();
  await timed(name, async () => {
    let moved = 0;
    for (;;) {
      const n = await env.store.transaction(async (tx) => {
        const rows = await tx.credentials.claimForRewrap(ring.primaryKeyId, 500);
        const changed = await Promise.all(
          rows.map((row) => {
            const next = ring.rewrap(row.sealedSecret, { userId: row.userId, recordId: row.id, purpose: `credential:${row.exchange}` });
            return tx.credentials.replaceSealedIfKey(row.id, row.keyId, { sealedSecret: next.sealed, keyId: next.keyId, formatVersion: next.formatVersion });
          }),
        );
        if (rows.length > 0) await audit.recordSystem(tx, { action: "key.rewrap_batch", outcome: "success" }, { chain: "key-rotation" });
        return changed.filter(Boolean).length;
      });
      if (n === 0) return moved;
      moved += n;
    }
  });
}

// The CPU ceiling: the same rewraps without any store.
const rows = [...seeded].map(([id, s]) => ({ id, userId: s.userId }));
const cpuRing = ringOf(["a", "b"]);
const sealedOnA = new Map(rows.map((r) => [r.id, ringOf(["a"]).seal(new TextEncoder().encode("x".repeat(96)), { userId: r.userId, recordId: r.id, purpose: "credential:binance" }).sealed]));

// Audit figures as events/s (time inside each bench's function, warm-up included).
const auditMeter = new Map<string, { events: number; ms: number }>();
async function metered(name: string, fn: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await fn();
  const m = auditMeter.get(name) ?? { events: 0, ms: 0 };
  m.events += WRITERS;
  m.ms += performance.now() - started;
  auditMeter.set(name, m);
}
const eventsPerSecond = (name: string) => {
  const m = auditMeter.get(name);
  return m ? (m.events / m.ms) * 1000 : Number.NaN;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

afterAll(async () => {
  for (const name of auditMeter.keys()) {
    if (name !== UNBATCHED_RECORD) reportBench(import.meta.url, { name: `audit append, ${name}`, value: eventsPerSecond(name), unit: "events/s", baseline: { name: "recordNow, auditBatching: false", value: eventsPerSecond(UNBATCHED_RECORD) }, target: `${env.target}, ${WRITERS} writers` });
    console.log(
      `${name}: ${Math.round(eventsPerSecond(name))} events/s (${env.target}, ${WRITERS} writers); ` +
        `${(eventsPerSecond(name) / eventsPerSecond(UNBATCHED_RECORD)).toFixed(2)}x recordNow without batching`,
    );
  }
  const byName = new Map<string, number[]>();
  for (const t of rewrapTimes) byName.set(t.name, [...(byName.get(t.name) ?? []), (RECORDS / t.ms) * 1000]);
  const base = median(byName.get(PER_ROW) ?? [Number.NaN]);
  for (const [name, rates] of byName) {
    if (name !== PER_ROW) reportBench(import.meta.url, { name: `rewrap, ${name}`, value: median(rates), unit: "records/s", baseline: { name: "per-row UPDATEs", value: base }, target: env.target });
    console.log(`${name}: median ${Math.round(median(rates))} records/s over ${rates.length} runs of ${RECORDS} (${env.target}); ${(median(rates) / base).toFixed(2)}x the per-row baseline`);
  }
  await env.close();
});

const UNBATCHED_RECORD = "baseline: AuditTrail.recordNow, auditBatching: false";
describe(`audit append with hash chain, ${WRITERS} concurrent writers on ${WRITERS} chains (${env.target}); events/s = hz x ${WRITERS}`, () => {
  bench(
    UNBATCHED_RECORD,
    () => metered(UNBATCHED_RECORD, () => Promise.all(users.map((userId) => audit.recordNow(env.unbatched, { userId: `one_${userId}`, ip: "192.0.2.1", userAgent: "bench/1" }, entry)))),
    AUDIT_OPTIONS,
  );
  bench(
    "store.audit.append, prebuilt record",
    () => metered("store.audit.append, prebuilt record", () => Promise.all(users.map((u) => env.store.audit.append(`raw-${u}`, (head) => prebuilt(`raw-${u}`, head))))),
    AUDIT_OPTIONS,
  );
  bench(
    "AuditTrail.recordNow",
    () => metered("AuditTrail.recordNow", () => Promise.all(users.map((userId) => audit.recordNow(env.store, { userId, ip: "192.0.2.1", userAgent: "bench/1" }, entry)))),
    AUDIT_OPTIONS,
  );
});

const PER_ROW = "baseline: per-row UPDATEs, 1 worker, batch 500";
describe(`rewrap ${RECORDS} credentials (${env.target}); records/s = hz x ${RECORDS}`, () => {
  bench(
    "baseline: KeyRing.rewrap only (no store)",
    () => {
      for (const r of rows) cpuRing.rewrap(sealedOnA.get(r.id) as string, { userId: r.userId, recordId: r.id, purpose: "credential:binance" });
    },
    REWRAP_OPTIONS,
  );
  bench(PER_ROW, () => perRowRewrapAll(PER_ROW), REWRAP_OPTIONS);
  bench("runRewrap, 1 worker, default batch", () => rewrapAll("runRewrap, 1 worker, default batch", 1, 1, undefined), REWRAP_OPTIONS);
  bench("runRewrap, 1 worker, batch 500", () => rewrapAll("runRewrap, 1 worker, batch 500", 1), REWRAP_OPTIONS);
  bench("runRewrap, 1 worker, batch 1000", () => rewrapAll("runRewrap, 1 worker, batch 1000", 1, 1, 1000), REWRAP_OPTIONS);
  bench("runRewrap, 2 workers, batch 500", () => rewrapAll("runRewrap, 2 workers, batch 500", 2), REWRAP_OPTIONS);
  bench("runRewrap, 1 call with concurrency 4, batch 500", () => rewrapAll("runRewrap, concurrency 4, batch 500", 1, 4), REWRAP_OPTIONS);
});
