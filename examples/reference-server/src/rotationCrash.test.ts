/**
 * Key rotation interrupted by SIGKILL: `wallet-auth rotation start` killed mid-way (batches of
 * one record), a replica serving every credential in the mixed state, `wallet-auth rotation
 * resume` finishing, the old key retired, and a server started on the new ring alone opening every
 * credential; every audit chain verifies (`wallet-auth audit verify`). Real PostgreSQL, processes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MAIN,
  type FreshDatabase,
  type ServerProcess,
  call,
  createFreshDatabase,
  devExchangeAccount,
  missingServices,
  runCli,
  serverEnv,
  signIn,
  startServerProcess,
} from "./test-support/serverProcess.js";

const skip = missingServices();
if (skip) console.log(`[rotation-crash] ${skip}`);

const USERS = 25;
const PER_USER = 8; // under the 20/min limit on credential creation per user

describe.skipIf(skip !== null)("rotation killed with SIGKILL mid-way, resumed by another process", () => {
  let db: FreshDatabase;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const servers: ServerProcess[] = [];
  const owned: { userId: string; id: string }[] = [];

  beforeAll(async () => {
    db = await createFreshDatabase(process.env.DATABASE_URL as string);
    dataDir = mkdtempSync(join(tmpdir(), "wallet-auth-rotation-"));
    env = serverEnv(dataDir, { DATABASE_URL: db.url, LOG_LEVEL: "warn" });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Every credential answers its balances (a fresh process has no cache: each read unwraps and decrypts). */
  async function everyCredentialOpens(server: ServerProcess): Promise<{ ok: number; failed: string[] }> {
    const tokens = new Map<string, string>();
    const failed: string[] = [];
    let ok = 0;
    for (const { userId, id } of owned) {
      if (!tokens.has(userId)) tokens.set(userId, await signIn(server.url, userId));
      const r = await call(server.url, "GET", `/api/v1/credentials/${id}/balances`, { token: tokens.get(userId) });
      if (r.status === 200 && r.json.balances.some((b: { asset: string; total: string }) => b.asset === "BTC" && b.total === "0.3")) ok += 1;
      else failed.push(`${id}: ${r.status} ${r.json?.error?.code ?? ""}`);
    }
    return { ok, failed };
  }

  it("finishes after the kill: no record lost or left on the old key, every credential opens, every chain verifies", async () => {
    const first = await startServerProcess(env);
    servers.push(first);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: USERS }, async (_, u) => {
        const userId = `user_rot_${u}`;
        const token = await signIn(first.url, userId);
        for (let i = 0; i < PER_USER; i++) {
          const account = await devExchangeAccount(first.url);
          const r = await call(first.url, "POST", "/api/v1/credentials", { token, body: { exchange: "binance", label: `r${i}`, ...account } });
          expect(r.status, r.text).toBe(201);
          owned.push({ userId, id: r.json.id });
        }
      }),
    );
    const seedMs = performance.now() - started;
    expect(await first.stop()).toBe(0);

    const status0 = JSON.parse((await runCli(["keys", "status", "--json"], env)).stdout) as { primaryKeyId: string };
    const oldKey = status0.primaryKeyId;
    expect((await runCli(["keys", "rotate", "--id", "k-rotated", "--json"], env)).code).toBe(0);

    // A replica on the new ring (both keys) keeps serving while the rewrap runs and after it is killed.
    const replica = await startServerProcess(env);
    servers.push(replica);

    const total = USERS * PER_USER;
    const killAt = Math.floor(total / 4);
    const worker = spawn(process.execPath, [MAIN, "rotation", "start", "--batch-size", "1"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let doneAtKill = -1;
    const killed = new Promise<NodeJS.Signals | null>((resolve) => worker.once("exit", (_code, signal) => resolve(signal)));
    worker.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const done = [...out.matchAll(/done=(\d+)\//g)].map((m) => Number(m[1]));
      const last = done[done.length - 1] ?? 0;
      if (doneAtKill < 0 && last >= killAt) {
        doneAtKill = last;
        worker.kill("SIGKILL");
      }
    });
    expect(await killed).toBe("SIGKILL");

    const mid = await runCli(["rotation", "status", "--json"], env);
    const midStatus = JSON.parse(mid.stdout) as { pending: number; lastJob: { id: string; status: string; processed: number } | null };
    expect(mid.code).toBe(3); // records remain on the old key
    expect(midStatus.lastJob?.status).toBe("running");
    expect(midStatus.pending).toBeGreaterThan(0);
    expect(midStatus.pending).toBeLessThan(total);

    // Mixed state: every credential opens on the replica, whichever key wraps it.
    const mixed = await everyCredentialOpens(replica);
    expect(mixed.failed).toEqual([]);

    const resumedAt = performance.now();
    const resume = await runCli(["rotation", "resume", "--json"], env);
    const resumeMs = performance.now() - resumedAt;
    expect(resume.code, resume.stderr).toBe(0);
    const resumed = JSON.parse(resume.stdout) as { rewrapped: number; failed: number; remaining: number };
    expect(resumed).toMatchObject({ failed: 0, remaining: 0 });
    expect(resumed.rewrapped).toBe(midStatus.pending);
    // The resume carried on the killed job (one job row, now completed, counting every record).
    const statusAfter = JSON.parse((await runCli(["rotation", "status", "--json"], env)).stdout) as { lastJob: { id: string; status: string; processed: number } | null };
    expect(statusAfter.lastJob).toMatchObject({ id: midStatus.lastJob?.id, status: "completed", processed: total });

    const verify = await runCli(["audit", "verify", "--json"], env);
    expect(verify.code, verify.stdout).toBe(0);
    const verified = JSON.parse(verify.stdout) as { ok: boolean; chains: number; events: number };
    expect(verified.ok).toBe(true);
    expect(verified.chains).toBeGreaterThanOrEqual(USERS + 1); // every user's chain and the key-rotation chain

    // The old key can go: no record uses it. A server on the new key alone opens everything.
    expect((await runCli(["keys", "retire", oldKey, "--json"], env)).code).toBe(0);
    expect(await replica.stop()).toBe(0);
    const fresh = await startServerProcess(env);
    servers.push(fresh);
    const after = await everyCredentialOpens(fresh);
    console.log(
      `[rotation-crash] ${total} credentials (seeded in ${Math.round(seedMs)} ms); rewrap (batch 1) killed at done=${doneAtKill}, ${midStatus.pending} left on the old key; ` +
        `${mixed.ok}/${total} opened in the mixed state; resume rewrapped ${resumed.rewrapped} in ${Math.round(resumeMs)} ms (process included); ` +
        `audit verify: ${verified.chains} chains, ${verified.events} events ok; after retiring the old key ${after.ok}/${total} open`,
    );
    expect(after.failed).toEqual([]);
    expect(after.ok).toBe(total);
  }, 170_000);
});
