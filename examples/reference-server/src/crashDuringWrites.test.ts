/**
 * `kill -9` of the server during a burst of credential creates, then a restart on the same
 * data: every acknowledged (201) credential is readable and opens, no credential row exists
 * without its committed create event (nor the reverse), and every audit chain verifies. On the
 * real PostgreSQL (with DATABASE_URL) and on the embedded PGlite data folder (always).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedDatabase } from "@wallet-auth/adapter-postgres";
import type { Knex } from "knex";
import { afterAll, describe, expect, it } from "vitest";
import {
  type FreshDatabase,
  type ServerProcess,
  call,
  createFreshDatabase,
  devExchangeAccount,
  missingServices,
  runCli,
  serverEnv,
  signIn,
  sleep,
  startServerProcess,
} from "./test-support/serverProcess.js";

const WRITERS = 12;
const PER_WRITER = 18; // under the 20/min limit on credential creation per user

interface Outcome {
  acknowledged: { userId: string; id: string }[];
  statuses: Map<string, number>;
  killedAfterMs: number;
}

/** Concurrent writers (one user each) create credentials until the server is killed under them. */
async function burstAndKill(server: ServerProcess, killAfterAcks: number): Promise<Outcome> {
  const writers = await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      const userId = `user_crash_${w}`;
      // Exchange accounts first: the development account file is not what this test is about.
      const accounts = [];
      for (let i = 0; i < PER_WRITER; i++) accounts.push(await devExchangeAccount(server.url));
      return { userId, token: await signIn(server.url, userId), accounts };
    }),
  );
  const acknowledged: Outcome["acknowledged"] = [];
  const statuses = new Map<string, number>();
  const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
  let killed = false;
  const started = performance.now();
  let killedAfterMs = 0;
  const kill = async () => {
    if (killed) return;
    killed = true;
    killedAfterMs = performance.now() - started;
    await server.kill9();
  };
  await Promise.all(
    writers.map(async ({ userId, token, accounts }, w) => {
      for (const [i, account] of accounts.entries()) {
        if (killed) return;
        try {
          const r = await call(server.url, "POST", "/api/v1/credentials", { token, body: { exchange: "binance", label: `w${w}-${i}`, ...account }, timeoutMs: 20_000 });
          count(String(r.status));
          if (r.status === 201) acknowledged.push({ userId, id: r.json.id });
          else expect(r.status, r.text).toBe(201);
        } catch {
          count("connection error");
          return;
        }
        if (acknowledged.length >= killAfterAcks) await kill();
      }
    }),
  );
  await kill();
  return { acknowledged, statuses, killedAfterMs };
}

/** Reads everything back through the restarted server. */
async function checkAfterRestart(server: ServerProcess, outcome: Outcome) {
  const tokens = new Map<string, string>();
  const tokenOf = async (userId: string) => {
    if (!tokens.has(userId)) tokens.set(userId, await signIn(server.url, userId));
    return tokens.get(userId)!;
  };
  for (const { userId, id } of outcome.acknowledged) {
    const token = await tokenOf(userId);
    const got = await call(server.url, "GET", `/api/v1/credentials/${id}`, { token });
    expect(got.status, `acknowledged ${id}`).toBe(200);
    const balances = await call(server.url, "GET", `/api/v1/credentials/${id}/balances`, { token });
    expect(balances.status, `opens ${id}: ${balances.text}`).toBe(200);
    expect(balances.json.balances).toContainEqual(expect.objectContaining({ asset: "BTC", total: "0.3" }));
  }
  // Rows committed but not acknowledged (the answer was lost in the kill) are whole too.
  let stored = 0;
  for (let w = 0; w < WRITERS; w++) {
    const token = await tokenOf(`user_crash_${w}`);
    const list = await call(server.url, "GET", "/api/v1/credentials", { token });
    expect(list.status).toBe(200);
    stored += list.json.length;
    const verify = await call(server.url, "GET", "/api/v1/audit/verify", { token });
    expect(verify.json, `chain of user_crash_${w}`).toMatchObject({ ok: true });
  }
  return stored;
}

/** No credential without its create event, no create event without its credential. */
async function noHalfWrittenRow(knex: Knex) {
  const rows = (await knex("api_credentials").select("id")) as { id: string }[];
  const events = (await knex("audit_events").where({ action: "credential.create", outcome: "success" }).select("target_id")) as { target_id: string }[];
  expect(new Set(events.map((e) => e.target_id))).toEqual(new Set(rows.map((r) => r.id)));
  expect(events).toHaveLength(rows.length);
  return rows.length;
}

const report = (store: string, o: Outcome, stored: number, restartMs: number) =>
  console.log(
    `[crash] ${store}: SIGKILL after ${Math.round(o.killedAfterMs)} ms of ${WRITERS} concurrent writers; answers ${[...o.statuses].map(([s, c]) => `${s}: ${c}`).join(", ")}; ` +
      `${o.acknowledged.length} acknowledged, all readable and opening; ${stored} stored (${stored - o.acknowledged.length} committed without an answer), each with its create event; restart ${Math.round(restartMs)} ms; chains verify`,
  );

const skipPg = missingServices();
if (skipPg) console.log(`[crash] PostgreSQL part ${skipPg}`);

describe.skipIf(skipPg !== null)("kill -9 during a burst of creates: real PostgreSQL", () => {
  let db: FreshDatabase;
  const dataDir = mkdtempSync(join(tmpdir(), "wallet-auth-crash-pg-"));
  const running: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps every acknowledged credential, writes nothing half, and the chains verify", async () => {
    db = await createFreshDatabase(process.env.DATABASE_URL as string);
    const env = serverEnv(dataDir, { DATABASE_URL: db.url, LOG_LEVEL: "warn" });
    const server = await startServerProcess(env);
    running.push(server);
    const outcome = await burstAndKill(server, 40);
    expect(outcome.acknowledged.length).toBeGreaterThanOrEqual(40);
    const t = performance.now();
    const again = await startServerProcess(env);
    const restartMs = performance.now() - t;
    running.push(again);
    const stored = await checkAfterRestart(again, outcome);
    expect(await noHalfWrittenRow(db.knex)).toBe(stored);
    const verify = await runCli(["audit", "verify", "--json"], env);
    expect(verify.code, verify.stdout).toBe(0);
    report("PostgreSQL", outcome, stored, restartMs);
  }, 150_000);
});

describe("kill -9 during a burst of creates: embedded PGlite data folder", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "wallet-auth-crash-pglite-"));
  const running: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("reopens the folder, keeps every acknowledged credential, writes nothing half, and the chains verify", async () => {
    const env = serverEnv(dataDir, { LOG_LEVEL: "warn" });
    const server = await startServerProcess(env);
    running.push(server);
    const outcome = await burstAndKill(server, 30);
    expect(outcome.acknowledged.length).toBeGreaterThanOrEqual(30);
    const t = performance.now();
    const again = await startServerProcess(env);
    const restartMs = performance.now() - t;
    running.push(again);
    const stored = await checkAfterRestart(again, outcome);
    expect(await again.stop()).toBe(0);
    // The folder read directly once the server is gone (PGlite has one owner at a time).
    await sleep(200);
    const pglite = await createEmbeddedDatabase({ dataDir: join(dataDir, "pglite") });
    try {
      expect(await noHalfWrittenRow(pglite.knex)).toBe(stored);
    } finally {
      await pglite.close();
    }
    const verify = await runCli(["audit", "verify", "--json"], env);
    expect(verify.code, verify.stdout).toBe(0);
    report("PGlite", outcome, stored, restartMs);
  }, 170_000);
});
