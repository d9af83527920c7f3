/**
 * The fuzz suite's core sent to the real reference server process (`wallet-auth serve`, the entry
 * `pnpm start` runs) on the real PostgreSQL (and Redis when set), not the router in-process: every
 * route of the server's own `GET /api/openapi.json`, `WALLET_AUTH_FUZZ_PROCESS_RUNS` cases each
 * (default 25, as in-process). Every answer is a 2xx or 4xx with the one error shape and nothing internal; no key
 * material and no key id reaches a response, and no key material reaches a log line.
 * Each case comes from its own 127.0.x.y address, so the per-IP limit does not turn the run into 429s.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FreshDatabase,
  type ServerProcess,
  call,
  createFreshDatabase,
  dropRedisPrefix,
  devExchangeAccount,
  missingServices,
  serverEnv,
  signIn,
  startServerProcess,
} from "../examples/reference-server/src/test-support/serverProcess.js";
import { type Operation, caseFor, operationsOf, requestFor } from "./fuzzCases.js";
import { findLeak } from "./leakPatterns.js";

const RUNS = Number(process.env.WALLET_AUTH_FUZZ_PROCESS_RUNS ?? 25);
const skip = missingServices();
if (skip) console.log(`[fuzz-process] ${skip}`);

/** Sends the request as built (the path is not normalised), from `localAddress`. */
function send(base: string, method: string, path: string, headers: Record<string, string>, body: string | undefined, localAddress: string) {
  const url = new URL(base);
  return new Promise<{ status: number; text: string; headers: string }>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers, agent: false, localAddress, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: Object.entries(res.headers).map(([k, v]) => `${k}: ${String(v)}`).join("\n") }),
      );
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer in 15 s`)));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe.skipIf(skip !== null)("fuzz the real server process (sample of every route)", () => {
  let db: FreshDatabase;
  // Keys of this file only: other runs on the same Redis never share its counters.
  const redisPrefix = `wa-test-${randomBytes(4).toString("hex")}:`;
  let dataDir: string;
  let server: ServerProcess;
  let ops: Operation[];
  let origin: string;
  const real: Record<string, string> = {};
  const tokens = { valid: "", admin: "", bot: "" };
  const statusCounts = new Map<number, number>();
  let cases = 0;
  let n = 0;

  beforeAll(async () => {
    db = await createFreshDatabase(process.env.DATABASE_URL as string);
    dataDir = mkdtempSync(join(tmpdir(), "wallet-auth-fuzz-process-"));
    server = await startServerProcess(
      serverEnv(dataDir, {
        DATABASE_URL: db.url,
        REDIS_URL: process.env.REDIS_URL ?? "",
        WALLET_AUTH_REDIS_PREFIX: redisPrefix,
      }),
    );
    origin = server.url;
    tokens.valid = await signIn(server.url, "user_fuzz");
    const admin = await call(server.url, "POST", "/dev/sign-in", { body: { userId: "user_fuzz_admin", admin: true } });
    tokens.admin = admin.json.token;
    const created = await call(server.url, "POST", "/api/v1/credentials", { token: tokens.valid, body: { exchange: "binance", label: "fuzz", ...(await devExchangeAccount(server.url)) } });
    expect(created.status, created.text).toBe(201);
    real.id = created.json.id;
    real.method = "fetchBalance";
    const bot = await call(server.url, "POST", "/api/v1/tokens", {
      token: tokens.valid,
      body: { label: "fuzz bot", scopes: ["credentials:read", "balances:read", "audit:read", "exchange:read", "exchange:trade"], credentialIds: [real.id] },
    });
    expect(bot.status, bot.text).toBe(201);
    tokens.bot = bot.json.token;
    ops = operationsOf((await call(server.url, "GET", "/api/openapi.json")).json);
  }, 120_000);

  afterAll(async () => {
    const summary = [...statusCounts].sort(([a], [b]) => a - b).map(([s, c]) => `${s}: ${c}`).join(", ");
    console.log(`[fuzz-process] ${cases} requests over ${ops?.length ?? 0} routes to the server process; statuses ${summary} (0: cut by the server after answering an oversized request)`);
    await server?.stop();
    await db?.drop();
    if (process.env.REDIS_URL) await dropRedisPrefix(process.env.REDIS_URL, redisPrefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers every generated request with 2xx/4xx, the one error shape, and nothing internal; no key material in responses or logs", async () => {
    expect(ops.length).toBeGreaterThan(20);
    // The development key file: every key id and key must stay out of responses (key ids: admins only).
    const keyFile = readFileSync(join(dataDir, "dev-secrets.env"), "utf8");
    const keyIds = [...keyFile.matchAll(/^WALLET_AUTH_PRIMARY_KEY_ID=(.+)$/gm)].map((m) => m[1]!.trim());
    const keyMaterial = [...keyFile.matchAll(/=(?:[^:\n]+:)?([A-Za-z0-9+/]{40,}=*)/g)].map((m) => m[1]!);
    expect(keyIds.length).toBeGreaterThan(0);
    expect(keyMaterial.length).toBeGreaterThanOrEqual(3);
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(caseFor(op, origin), async (c) => {
          const { path: target, headers, body: generated } = requestFor(op, c, { prefix: "/api", real, tokens });
          const [path = target, qs = ""] = target.split(/\?(.*)/s);
          const b = c.body;
          let body = generated;
          if (body !== undefined && op.method !== "GET") headers["content-length"] = String(Buffer.byteLength(body));
          else body = undefined;
          n += 1;
          const from = `127.0.${2 + Math.floor(n / 250)}.${1 + (n % 250)}`;
          let response: Awaited<ReturnType<typeof send>>;
          try {
            response = await send(server.url, op.method, `${path}${qs ? `?${qs}` : ""}`, headers, body, from);
          } catch (error) {
            // node:http refuses some header values and paths itself (client-side); nothing was sent.
            if (error instanceof TypeError || (error as { code?: string }).code?.startsWith("ERR_INVALID")) return;
            // The server may cut a request short once it has answered: an oversized upload (413), or a request
            // line and headers past Node's 16 KiB limit (431), while the client is still writing them.
            const headBytes = path.length + qs.length + Object.entries(headers).reduce((sum, [k, v]) => sum + k.length + v.length + 4, 0);
            if ((b.kind === "oversized" || headBytes > 16 * 1024) && ["ECONNRESET", "EPIPE"].includes((error as { code?: string }).code ?? "")) {
              statusCounts.set(0, (statusCounts.get(0) ?? 0) + 1);
              return;
            }
            throw error;
          }
          cases += 1;
          statusCounts.set(response.status, (statusCounts.get(response.status) ?? 0) + 1);
          const where = `${op.method} ${op.path} -> ${response.status}`;
          expect(response.status, `${where}: ${response.text.slice(0, 200)}`).toBeLessThan(500);
          if (op.path.endsWith("openapi.json")) return;
          const adminView = op.path.startsWith("/v1/admin/") && c.auth === "admin" && response.status < 300;
          expect(findLeak(`${response.text}\n${response.headers}`, [...keyMaterial, ...(adminView ? [] : keyIds)]), where).toBeNull();
          if (response.status === 431) {
            expect(response.text, where).toBe("");
            return;
          }
          if (response.status >= 400) {
            const parsed = JSON.parse(response.text) as { error?: { code?: unknown; message?: unknown } };
            expect(Object.keys(parsed), where).toEqual(["error"]);
            expect(typeof parsed.error?.code, where).toBe("string");
            expect(typeof parsed.error?.message, where).toBe("string");
          }
        }),
        { numRuns: RUNS, seed: Number(process.env.WALLET_AUTH_FUZZ_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
      );
    }
    // The server is still healthy, and its log lines carry no key material.
    expect((await call(server.url, "GET", "/readyz")).status).toBe(200);
    for (const secret of keyMaterial) expect(server.output().includes(secret), "key material in a log line").toBe(false);
  }, 170_000);
});
