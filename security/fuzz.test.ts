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
import { findLeak } from "./leakPatterns.js";
import { type HarnessStore, ORIGIN, type SecurityHarness, startSecurityHarness } from "./securityHarness.js";

const RUNS = Number(process.env.WALLET_AUTH_FUZZ_RUNS ?? 25);
const KEY_ID = "canary-key-7f3a9c";

interface Operation {
  method: string;
  path: string;
  operationId: string;
  params: string[];
  query: string[];
  bodyFields: string[];
  hasBody: boolean;
}

type Schema = { properties?: Record<string, unknown>; $ref?: string };

function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>>; components?: { schemas?: Record<string, Schema> } }): Operation[] {
  const resolve = (s: Schema | undefined): Schema | undefined => (s?.$ref ? doc.components?.schemas?.[s.$ref.split("/").pop() as string] : s);
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const parameters = (op.parameters as Array<{ name: string; in: string }> | undefined) ?? [];
      const body = resolve(((op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content?.["application/json"]?.schema));
      ops.push({
        method: method.toUpperCase(),
        path,
        operationId: String(op.operationId),
        params: parameters.filter((p) => p.in === "path").map((p) => p.name),
        query: parameters.filter((p) => p.in === "query").map((p) => p.name),
        bodyFields: Object.keys(body?.properties ?? {}),
        hasBody: body !== undefined,
      });
    }
  }
  return ops;
}

// --- arbitraries -------------------------------------------------------------------------
const nasty = fc.constantFrom(
  "\u0000", "a\u0000b", "\u0007\u001b[31m", "\u202e\u2066evil", "\ud800", "\udfff", "\ufeff", "\uffff", "💥".repeat(50), "ﷺ", "Z̴̡̛͓͖a̷l̸g̵o",
  "../../../etc/passwd", "%00", "%E0%A4%A", "' OR '1'='1' --", "'; DROP TABLE api_credentials; --", "$(id)", "${7*7}", "{{7*7}}",
  "__proto__", "constructor", "prototype", "null", "undefined", "NaN", "-1", "0", "1e309", "9007199254740993", "true", "[]", "{}",
  "<script>alert(1)</script>", "javascript:alert(1)", "A".repeat(10_000), "é".repeat(70_000),
);
const text = fc.oneof(nasty, fc.string({ unit: "binary", maxLength: 64 }), fc.string({ unit: "grapheme", maxLength: 32 }), fc.string({ maxLength: 300 }));
const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(text, { maxLength: 5 }),
  fc.dictionary(text, text, { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant({ __proto__: { admin: true } }),
);

/** A body: JSON built from the route's fields with wrong values, random JSON, or raw bytes. */
const bodyFor = (op: Operation) =>
  fc.oneof(
    fc.record({ kind: fc.constant("fields" as const), value: fc.dictionary(fc.constantFrom(...(op.bodyFields.length > 0 ? op.bodyFields : ["x"]), "extra", "__proto__"), jsonish, { maxKeys: 6 }) }),
    fc.record({ kind: fc.constant("json" as const), value: jsonish }),
    fc.record({ kind: fc.constant("duplicate" as const), value: fc.tuple(fc.constantFrom(...(op.bodyFields.length > 0 ? op.bodyFields : ["label"])), jsonish, jsonish) }),
    fc.record({ kind: fc.constant("malformed" as const), value: fc.constantFrom('{"a":', "{'a':1}", "[1,2,", '{"a":1}}', "\u0000", '{"a":"\\ud800"}', "NaN", '{"a":1e999999}', "{".repeat(5000), '"' + "x".repeat(100)) }),
    fc.record({ kind: fc.constant("oversized" as const), value: fc.integer({ min: 65 * 1024, max: 300 * 1024 }) }),
    fc.record({ kind: fc.constant("none" as const), value: fc.constant(null) }),
  );

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  { weight: 1, arbitrary: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/xml", "", "application/json, text/plain") },
);

/** Header values fetch can send (no CR, LF or NUL): latin-1 printable. */
const headerText = fc.oneof(fc.constantFrom("Bearer ", "Bearer x.y.z", "Basic YTpi", "bearer  ", "Bearer " + "A".repeat(8000), "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyXzEifQ."), fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")));

const auth = fc.oneof({ weight: 4, arbitrary: fc.constant("valid" as const) }, { weight: 2, arbitrary: fc.constant("bot" as const) }, { weight: 1, arbitrary: fc.constant("admin" as const) }, { weight: 2, arbitrary: fc.oneof(fc.constant("none" as const), headerText.map((h) => ({ header: h }))) });

const caseFor = (op: Operation) =>
  fc.record({
    params: fc.tuple(...op.params.map(() => fc.oneof({ weight: 1, arbitrary: fc.constant("@real") }, { weight: 4, arbitrary: text.filter((s) => s.length > 0) })), fc.constant(null)),
    query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...op.query, "limit", "cursor", "format", "a[b]", "x[]", "__proto__[admin]"), text), text), { maxLength: 4 }),
    body: bodyFor(op),
    contentType,
    auth,
    requestId: fc.option(headerText, { nil: undefined }),
    origin: fc.option(fc.constantFrom(ORIGIN, "http://evil.test", "null", ""), { nil: undefined }),
    cookie: fc.option(headerText.map((h) => `__session=${h}`), { nil: undefined }),
  });

/** Percent-encodes the UTF-8 bytes (lone surrogates become U+FFFD, as any client would send them). */
const enc = (value: string) => [...Buffer.from(value, "utf8")].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`)).join("");
/** Sent as is when it is printable ASCII without delimiters: reaches the server's own decoding (e.g. `%E0%A4%A`). */
const raw = (value: string) => (/^[\x21-\x7e]+$/.test(value) && !/[/?#]/.test(value) ? value : enc(value));

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
  const tokens: Record<string, string> = {};
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
        fc.asyncProperty(caseFor(op), async (c) => {
          let path = op.path;
          op.params.forEach((name, i) => {
            const value = c.params[i] === "@real" ? (real[name] ?? "x") : (c.params[i] as string);
            path = path.replace(`{${name}}`, i % 2 === 0 ? raw(value) : enc(value));
          });
          const qs = c.query.map(([k, v]) => `${raw(k)}=${raw(v)}`).join("&");
          const headers: Record<string, string> = {};
          if (c.auth === "valid" || c.auth === "admin" || c.auth === "bot") headers.authorization = `Bearer ${tokens[c.auth]}`;
          else if (c.auth !== "none") headers.authorization = c.auth.header;
          if (c.requestId !== undefined) headers["x-request-id"] = c.requestId;
          if (c.origin !== undefined) headers.origin = c.origin;
          if (c.cookie !== undefined) headers.cookie = c.cookie;
          let body: string | undefined;
          const b = c.body;
          if (b.kind === "fields" || b.kind === "json") body = JSON.stringify(b.value);
          else if (b.kind === "duplicate") body = `{${JSON.stringify(b.value[0])}:${JSON.stringify(b.value[1]) ?? "null"},${JSON.stringify(b.value[0])}:${JSON.stringify(b.value[2]) ?? "null"}}`;
          else if (b.kind === "malformed") body = b.value;
          else if (b.kind === "oversized") body = JSON.stringify({ label: "x".repeat(b.value) });
          if (body !== undefined && op.method !== "GET") headers["content-type"] = c.contentType;
          let response: Response;
          try {
            response = await fetch(`${h.base}${path}${qs ? `?${qs}` : ""}`, {
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
