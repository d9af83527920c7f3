/**
 * Fuzz of every route the router serves (taken from its own `GET /openapi.json`): fast-check
 * generates path parameters, query strings, headers and bodies (wrong types, huge strings, NUL and
 * control characters, unicode edge cases, duplicated and missing fields, wrong content types,
 * malformed JSON, oversized bodies). Every answer must be a 2xx or 4xx, never 5xx; every error is
 * the one JSON error shape; no answer carries a stack, SQL text, key id or library message.
 *
 * Runs on the memory store and on embedded PGlite (and the real PostgreSQL with DATABASE_URL).
 * `WALLET_AUTH_FUZZ_RUNS` sets the cases per route (default 25; .ci/run may raise it).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Operation, caseFor, operationsOf, requestFor } from "./fuzzCases.js";
import { findLeak } from "./leakPatterns.js";
import { type HarnessStore, ORIGIN, type SecurityHarness, startSecurityHarness } from "./securityHarness.js";

const RUNS = Number(process.env.WALLET_AUTH_FUZZ_RUNS ?? 25);
const KEY_ID = "canary-key-7f3a9c";

// --- the run -----------------------------------------------------------------------------
const stores: Array<{ name: string; store: () => HarnessStore }> = [
  { name: "memory", store: () => ({ kind: "memory" }) },
  { name: "pglite", store: () => ({ kind: "pglite", dataDir: mkdtempSync(join(tmpdir(), "wa-fuzz-")) }) },
];
if (process.env.DATABASE_URL) stores.push({ name: "postgres", store: () => ({ kind: "postgres", connectionString: process.env.DATABASE_URL as string }) });

describe.each(stores)("fuzz every route ($name)", ({ store: makeStore }) => {
  let h: SecurityHarness;
  let ops: Operation[];
  let real: Record<string, string>;
  let dataDir: string | undefined;
  const tokens = { valid: "", admin: "", bot: "" };
  const statusCounts = new Map<number, number>();
  let cases = 0;

  beforeAll(async () => {
    const store = makeStore();
    dataDir = store.kind === "pglite" ? store.dataDir : undefined;
    h = await startSecurityHarness({ store });
    h.exchange.addAccount({ apiKey: "FUZZKEY".padEnd(64, "0"), secret: "f".repeat(64), balances: { USDT: { free: "1", locked: "0" } } });
    const ctx = { userId: "user_fuzz" };
    const credential = await h.walletAuth.credentials.create(ctx, { exchange: "binance", label: "fuzz", apiKey: "FUZZKEY".padEnd(64, "0"), secret: "f".repeat(64) });
    real = { id: credential.id, method: "fetchBalance" };
    tokens.valid = await h.token("user_fuzz");
    tokens.admin = await h.token("user_fuzz_admin", { role: "admin" });
    const bot = await h.walletAuth.tokens.create(ctx, { label: "fuzz bot", scopes: ["credentials:read", "balances:read", "audit:read", "exchange:read", "exchange:trade"], credentialIds: [credential.id] });
    tokens.bot = bot.token;
    const doc = await (await fetch(`${h.base}/openapi.json`)).json();
    ops = operationsOf(doc as Parameters<typeof operationsOf>[0]);
  });
  afterAll(async () => {
    const summary = [...statusCounts].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(", ");
    console.log(`[fuzz] ${cases} requests over ${ops?.length ?? 0} routes; statuses ${summary}`);
    await h?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers a path parameter that is not valid percent-encoding with the generic 400", async () => {
    for (const bad of ["%", "%E0%A4%A", "%zz", "a%"]) {
      const response = await fetch(`${h.base}/v1/credentials/${bad}`, { headers: { authorization: `Bearer ${tokens.valid}` } });
      expect(response.status, bad).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("INVALID_INPUT");
    }
  });

  it("answers every generated request of every route with 2xx/4xx, the one error shape, and nothing internal", async () => {
    expect(ops.length).toBeGreaterThan(20);
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(caseFor(op, ORIGIN), async (c) => {
          const { path, headers, body } = requestFor(op, c, { prefix: "", real, tokens });
          let response: Response;
          try {
            response = await fetch(`${h.base}${path}`, {
              method: op.method,
              headers,
              ...(body !== undefined && op.method !== "GET" ? { body } : {}),
              signal: AbortSignal.timeout(15_000),
            });
          } catch (error) {
            // fetch itself refuses some header values (client-side); nothing reached the server.
            if (error instanceof TypeError && !String((error as { cause?: unknown }).cause ?? "").includes("ECONN")) return;
            throw error;
          }
          const textBody = await response.text();
          cases += 1;
          statusCounts.set(response.status, (statusCounts.get(response.status) ?? 0) + 1);
          const where = `${op.method} ${op.path} -> ${response.status}`;
          expect(response.status, where).toBeLessThan(500);
          if (op.operationId === undefined || op.path.endsWith("openapi.json")) return;
          const headerText = [...response.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
          // Admins are shown key ids by design (GET /v1/admin/keys); nobody else ever is.
          const literals = op.path.startsWith("/v1/admin/") && c.auth === "admin" && response.ok ? [] : [KEY_ID];
          expect(findLeak(`${textBody}\n${headerText}`, literals), where).toBeNull();
          // Node's HTTP parser answers oversized headers itself, before any middleware, with an empty body.
          if (response.status === 431) {
            expect(textBody, where).toBe("");
            return;
          }
          if (response.status >= 400) {
            const parsed = JSON.parse(textBody) as { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
            expect(Object.keys(parsed), where).toEqual(["error"]);
            expect(typeof parsed.error?.code, where).toBe("string");
            expect(typeof parsed.error?.message, where).toBe("string");
          }
        }),
        { numRuns: RUNS, seed: Number(process.env.WALLET_AUTH_FUZZ_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
      );
    }
  }, 600_000);
});
