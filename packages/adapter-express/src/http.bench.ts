/**
 * Authenticated HTTP throughput and p99 of the hosted API, against an Express 5 hello-world in
 * the same run (autocannon, 50 connections, loopback): `GET /v1/credentials` with a Clerk
 * session token, the same with a bot token, and a proxied `fetchBalance` against the loopback
 * exchange. On the real PostgreSQL when `DATABASE_URL` is set, else embedded PGlite.
 *
 * Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx vitest bench --run packages/adapter-express/src/http.bench.ts`
 */
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import express from "express";
import { bench, describe } from "vitest";
import { reportBench } from "../../../bench/report.js";
import { startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

const DURATION_S = 5;
const CONNECTIONS = 50;
const kind = storeKinds().at(-1)!;
const unlimited = { limit: 1_000_000, windowMs: 60_000 };

async function load(url: string, headers: Record<string, string> = {}, method: "GET" | "POST" = "GET", body?: string) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers, method, ...(body ? { body } : {}) });
  const statuses = Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}).map(([code, v]) => `${code}:${v.count}`).join(" ");
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, statuses };
}

const hello = express();
hello.get("/hello", (_req, res) => void res.json({ hello: "world" }));
const helloServer = hello.listen(0, "127.0.0.1");
await new Promise((r) => helloServer.once("listening", r));
const helloUrl = `http://127.0.0.1:${(helloServer.address() as AddressInfo).port}/hello`;

const h = await startHttpHarness(kind, { rateLimit: { perIp: unlimited, perUser: unlimited, proxy: unlimited, sensitive: unlimited } });
h.exchange.addAccount({ apiKey: "BENCHKEY000000000000000000000001", secret: "bench-secret", balances: { BTC: { free: "1", locked: "0" } } });
const session = await h.token("user_bench", { claims: {} });
const created = await fetch(`${h.base}/v1/credentials`, {
  method: "POST",
  headers: { authorization: `Bearer ${session}`, "content-type": "application/json" },
  body: JSON.stringify({ exchange: "binance", label: "bench", apiKey: "BENCHKEY000000000000000000000001", secret: "bench-secret" }),
}).then((r) => r.json() as Promise<{ id: string }>);
const bot = await fetch(`${h.base}/v1/tokens`, {
  method: "POST",
  headers: { authorization: `Bearer ${session}`, "content-type": "application/json" },
  body: JSON.stringify({ label: "bench", scopes: ["credentials:read", "exchange:read"], credentialIds: [created.id] }),
}).then((r) => r.json() as Promise<{ token: string }>);

// Session tokens live a minute: mint one that outlives the run.
const { mintSessionToken } = await import("@wallet-auth/testing/clerk");
const longSession = await mintSessionToken(h.keys, { userId: "user_bench", azp: "http://app.wallet-auth.test", expiresInS: 600 });

// The same service call from a bare Express route (no authentication, limits or schema checks):
// what one PostgreSQL round trip costs by itself, so the router's own share is visible.
hello.get("/service", async (_req, res) => void res.json(await h.walletAuth.credentials.list({ userId: "user_bench" })));

const base = await load(helloUrl);
const lines = [
  { name: "bare Express route calling credentials.list (no auth, no middleware)", r: await load(helloUrl.replace(/\/hello$/, "/service")) },
  { name: "GET /v1/credentials (Clerk session)", r: await load(`${h.base}/v1/credentials`, { authorization: `Bearer ${longSession}` }) },
  { name: "GET /v1/credentials (bot token)", r: await load(`${h.base}/v1/credentials`, { authorization: `Bearer ${bot.token}` }) },
  {
    name: "POST exchange/fetchBalance (bot token, proxied to the loopback exchange)",
    r: await load(`${h.base}/v1/credentials/${created.id}/exchange/fetchBalance`, { authorization: `Bearer ${bot.token}`, "content-type": "application/json" }, "POST", "{}"),
  },
];
process.stdout.write(`\nhttp (${kind.name}, ${CONNECTIONS} connections, ${DURATION_S} s each)\n`);
process.stdout.write(`  Express hello-world: ${base.rps.toFixed(0)} req/s, p99 ${base.p99} ms\n`);
for (const { name, r } of lines) {
  process.stdout.write(`  ${name}: ${r.rps.toFixed(0)} req/s (${(r.rps / base.rps).toFixed(2)}x hello), p99 ${r.p99} ms, non-2xx ${r.non2xx} (${r.statuses}), errors ${r.errors}\n`);
  reportBench(import.meta.url, { name: `${name} req/s`, value: r.rps, unit: "req/s", baseline: { name: "Express hello-world", value: base.rps }, target: kind.name });
  reportBench(import.meta.url, { name: `${name} p99`, value: r.p99, unit: "ms", baseline: { name: "Express hello-world p99", value: base.p99 }, higherIsBetter: false, target: kind.name });
}
await h.close();
helloServer.close();

describe("http", () => {
  // The figures above are the benchmark; vitest needs one bench to run the file.
  bench("printed above", () => {}, { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 });
});
