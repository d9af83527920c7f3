/**
 * Audit append throughput with the hash chain, on the memory store: `AuditTrail.recordNow`
 * (keyed chain id, IP hash, personal digest, SHA-256 chain hash, one atomic append) against the
 * store's bare `audit.append` of a prebuilt record (no hashing, no transaction), both with
 * WRITERS concurrent writers on WRITERS different users' chains. events/s = hz x WRITERS.
 *
 * Run: `npx vitest bench --run packages/core/src/audit/auditAppend.bench.ts` (from the repo root).
 */
import { afterAll, bench, describe } from "vitest";
import { createMemoryStore } from "../memory.js";
import { AuditTrail } from "./AuditTrail.js";
import { prebuiltAuditEvent as prebuilt, testHashKey } from "@wallet-auth/testing/scenarios";
import { verifyAuditChain } from "./verifyAuditChain.js";
import { reportVitestFigures } from "../../../../bench/report.js";

const WRITERS = 16;
const OPTIONS = { time: 3000, warmupTime: 300 };
const users = Array.from({ length: WRITERS }, (_, i) => `user_bench_${i}`);
const hashKey = testHashKey();
const audit = new AuditTrail({ hashKey });
const trailStore = createMemoryStore();
const rawStore = createMemoryStore();
const directStore = createMemoryStore();
const entry = { action: "credential.use", outcome: "success" as const, targetType: "credential", targetId: "cred_1", details: { exchange: "binance" } };


const started = Date.now();
reportVitestFigures(import.meta.url, { multiplier: WRITERS, unit: "events/s" });
let events = 0;
afterAll(async () => {
  const check = await verifyAuditChain({ store: trailStore, userId: users[0] as string, hashKey });
  console.log(`AuditTrail events written: ${events} in ${((Date.now() - started) / 1000).toFixed(1)} s; chain of ${users[0]} verifies: ${check.ok}`);
});

describe(`audit append, ${WRITERS} concurrent writers on ${WRITERS} chains (memory)`, () => {
  bench(
    "baseline: store.audit.append, prebuilt record",
    async () => {
      await Promise.all(users.map((u) => rawStore.audit.append(u, (head) => prebuilt(u, head))));
    },
    OPTIONS,
  );
  bench(
    "AuditTrail.record on the store (hash chain, no transaction)",
    async () => {
      await Promise.all(users.map((userId) => audit.record(directStore, { userId, ip: "192.0.2.1", userAgent: "bench/1" }, entry)));
    },
    OPTIONS,
  );
  bench(
    "AuditTrail.recordNow (hash chain)",
    async () => {
      await Promise.all(users.map((userId) => audit.recordNow(trailStore, { userId, ip: "192.0.2.1", userAgent: "bench/1" }, entry)));
      events += WRITERS;
    },
    OPTIONS,
  );
});
