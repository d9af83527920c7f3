/**
 * Two replicas of the reference server (two `wallet-auth serve` processes) on one PostgreSQL
 * database and one Redis: they share the per-user rate limit, the job leases and the alert
 * detectors' windows.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FreshDatabase,
  type ServerProcess,
  call,
  counterValue,
  createFreshDatabase,
  dropRedisPrefix,
  missingServices,
  serverEnv,
  signIn,
  sleep,
  startServerProcess,
} from "./test-support/serverProcess.js";

const skip = missingServices({ redis: true });
if (skip) console.log(`[replicas] ${skip}`);

describe.skipIf(skip !== null)("two replicas on one PostgreSQL and one Redis", () => {
  let db: FreshDatabase;
  // Keys of this file only: other runs on the same Redis never share its counters.
  const redisPrefix = `wa-test-${randomBytes(4).toString("hex")}:`;
  let dataDir: string;
  let a: ServerProcess;
  let b: ServerProcess;
  const anchorFile = () => join(dataDir, "anchors.ndjson");

  beforeAll(async () => {
    db = await createFreshDatabase(process.env.DATABASE_URL as string);
    dataDir = mkdtempSync(join(tmpdir(), "wallet-auth-replicas-"));
    const env = serverEnv(dataDir, {
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL,
      WALLET_AUTH_REDIS_PREFIX: redisPrefix,
      WALLET_AUTH_ANCHOR_INTERVAL_S: "1",
      WALLET_AUTH_ANCHOR_FILE: join(dataDir, "anchors.ndjson"),
    });
    // One after the other: the first generates the development keys both then read.
    a = await startServerProcess(env);
    b = await startServerProcess(env);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
    if (process.env.REDIS_URL) await dropRedisPrefix(process.env.REDIS_URL, redisPrefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses to start when Redis is unreachable (shared limits would otherwise fail open for the life of the process), with one log line and no stack", async () => {
    const started = performance.now();
    const failed = await startServerProcess(serverEnv(dataDir, { DATABASE_URL: db.url, REDIS_URL: "redis://127.0.0.1:1" })).then(
      (p) => p.stop().then(() => "started"),
      (error: Error) => error.message,
    );
    const ms = performance.now() - started;
    console.log(`[replicas] Redis unreachable at start: refused after ${Math.round(ms)} ms`);
    expect(failed).toMatch(/exited 1 before listening/);
    expect(failed).toContain('"code":"REDIS_UNAVAILABLE"');
    expect(failed).not.toMatch(/\n\s+at /);
    expect(ms).toBeLessThan(30_000);
  }, 60_000);

  it("enforces a user's rate limit across both: alternated requests hit 429 at the shared limit (300/min), not twice it", async () => {
    const token = await signIn(a.url, `user_rl_${randomBytes(4).toString("hex")}`);
    const ok = { a: 0, b: 0 };
    let firstLimited = 0;
    for (let i = 1; i <= 700 && firstLimited === 0; i++) {
      const replica = i % 2 === 1 ? a : b;
      const r = await call(replica.url, "GET", "/api/v1/me", { token });
      if (r.status === 429) firstLimited = i;
      else {
        expect(r.status, r.text).toBe(200);
        ok[replica === a ? "a" : "b"] += 1;
      }
    }
    // Both refuse from then on, each with Retry-After.
    const after = await Promise.all([a, b].map((p) => call(p.url, "GET", "/api/v1/me", { token })));
    console.log(`[replicas] per-user limit: first 429 at request ${firstLimited} (served: A ${ok.a}, B ${ok.b}); next on A ${after[0]!.status}, on B ${after[1]!.status}`);
    expect(firstLimited).toBe(301);
    expect(ok).toEqual({ a: 150, b: 150 });
    for (const r of after) {
      expect(r.status).toBe(429);
      expect(Number(r.headers["retry-after"])).toBeGreaterThan(0);
    }
  }, 120_000);

  it("runs a background job (audit anchoring, every 1 s) on one replica per tick: runs across both match the ticks, not twice", async () => {
    const metrics = () => Promise.all([a, b].map((p) => call(p.url, "GET", "/metrics").then((r) => r.text)));
    const runs = (texts: string[], outcome: string) => texts.map((t) => counterValue(t, "wallet_auth_job_runs_total", { job: "audit-anchor", outcome }));
    const before = await metrics();
    const startedAt = Date.now();
    await sleep(8_000);
    const after = await metrics();
    const seconds = (Date.now() - startedAt) / 1000;
    const ok = runs(after, "ok").map((n, i) => n - runs(before, "ok")[i]!);
    const skipped = runs(after, "skipped").map((n, i) => n - runs(before, "skipped")[i]!);
    const total = ok[0]! + ok[1]!;
    // Every run appended one anchor line; consecutive runs are a lease interval apart whoever ran them.
    const times = readFileSync(anchorFile(), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => Date.parse((JSON.parse(l) as { at: string }).at));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    console.log(
      `[replicas] audit-anchor over ${seconds.toFixed(1)} s: ran A ${ok[0]}, B ${ok[1]} (total ${total}; per process would be ~${Math.round(2 * seconds)}), skipped A ${skipped[0]}, B ${skipped[1]}; smallest gap between anchors ${Math.min(...gaps)} ms over ${times.length} anchors`,
    );
    expect(total).toBeGreaterThanOrEqual(Math.floor(seconds / 2));
    expect(total).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    // Both replicas tried each tick: the one without the lease skipped.
    expect(skipped[0]! + skipped[1]!).toBeGreaterThanOrEqual(Math.floor(seconds / 2));
    expect(Math.min(...gaps)).toBeGreaterThan(500);
  }, 60_000);

  it("shares alert detector windows through Redis: failed sign-ins from one IP split across replicas raise the alert, as the shared limiter counts them all", async () => {
    const alertsFor = async () => Number(((await db.knex("security_alerts").where({ kind: "auth.failed_burst_ip" }).count("* as n")) as { n: string }[])[0]!.n);
    const fail = (p: ServerProcess, ip: string) => call(p.url, "GET", "/api/v1/me", { token: "not-a-valid-token", localAddress: ip });

    // 20 failures (the detector's and the limiter's threshold per IP) from one address, split 10/10:
    // neither replica saw 20, together they did.
    const split: number[] = [];
    for (let i = 0; i < 20; i++) split.push((await fail(i % 2 ? b : a, "127.0.0.61")).status);
    const limitedAfterSplit = (await fail(a, "127.0.0.61")).status;
    let alertsAfterSplit = 0;
    for (let i = 0; i < 20 && alertsAfterSplit === 0; i++) {
      await sleep(250);
      alertsAfterSplit = await alertsFor();
    }

    // Ten failures from another address, split 5/5, stay under the threshold.
    for (let i = 0; i < 10; i++) await fail(i % 2 ? b : a, "127.0.0.62");
    await sleep(1_000);
    const alertsAfterFew = await alertsFor();
    console.log(
      `[replicas] 20 failed sign-ins from one IP split 10/10: 21st answered ${limitedAfterSplit} (shared limiter), auth.failed_burst_ip alerts ${alertsAfterSplit}; 10 from another IP split 5/5: alerts ${alertsAfterFew}`,
    );
    expect(split.every((s) => s === 401)).toBe(true);
    expect(limitedAfterSplit).toBe(429);
    expect(alertsAfterSplit).toBe(1);
    expect(alertsAfterFew).toBe(1);
  }, 60_000);
});
