/**
 * Authenticated HTTP throughput and p99 of the hosted API, against an Express 5 hello-world in
 * the same run (autocannon, 50 connections, loopback): `GET /v1/credentials` with a Clerk
 * session token, the same with a bot token, and a proxied `fetchBalance` against the loopback
 * exchange. On the real PostgreSQL when `DATABASE_URL` is set, else embedded PGlite.
 *
 * Paired rounds: each round loads the hello-world, then the line under test, right after each
 * other; a line's figures are the medians over its rounds and its ratio the median of the
 * per-round ratios. On this 2-vCPU machine the hello-world alone drifts by up to 40% between
 * runs a minute apart, so one unpaired run per line said more about the machine than the code.
 * CPU per request (the whole process: server, load generator, driver) is printed beside it.
 *
 * Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx vitest bench --run packages/adapter-express/src/http.bench.ts`
 */
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import express from "express";
import { bench, describe } from "vitest";
import { reportBench } from "../../../bench/report.js";
import { startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

const DURATION_S = 3;
const ROUNDS = 3;
const CONNECTIONS = 50;
const kind = storeKinds().at(-1)!;
const unlimited = { limit: 1_000_000, windowMs: 60_000 };

interface Load {
  rps: number;
  p99: number;
  /** Process CPU (user + system) per completed request, in microseconds. */
  cpuUs: number;
  non2xx: number;
  errors: number;
  statuses: string;
}

async function load(url: string, headers: Record<string, string> = {}, method: "GET" | "POST" = "GET", body?: string): Promise<Load> {
  const cpu = process.cpuUsage();
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers, method, ...(body ? { body } : {}) });
  const used = process.cpuUsage(cpu);
  const statuses = Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}).map(([code, v]) => `${code}:${v.count}`).join(" ");
  return { rps: result.requests.average, p99: result.latency.p99, cpuUs: (used.user + used.system) / Math.max(1, result.requests.total), non2xx: result.non2xx, errors: result.errors, statuses };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** {@link ROUNDS} paired rounds of hello-world then `run`; medians of both and of the per-round ratios. */
async function paired(run: () => Promise<Load>) {
  const rounds: { hello: Load; line: Load }[] = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push({ hello: await load(helloUrl), line: await run() });
  const of = (pick: (r: { hello: Load; line: Load }) => number) => median(rounds.map(pick));
  const last = rounds.at(-1)!.line;
  return {
    hello: { rps: of((r) => r.hello.rps), p99: of((r) => r.hello.p99), cpuUs: of((r) => r.hello.cpuUs) },
    line: { rps: of((r) => r.line.rps), p99: of((r) => r.line.p99), cpuUs: of((r) => r.line.cpuUs) },
    ratio: of((r) => r.line.rps / r.hello.rps),
    non2xx: rounds.reduce((n, r) => n + r.line.non2xx, 0),
    errors: rounds.reduce((n, r) => n + r.line.errors, 0),
    statuses: last.statuses,
  };
}

const hello = express();
hello.get("/hello", (_req, res) => void res.json({ hello: "world" }));
const helloServer = hello.listen(0, "127.0.0.1");
await new Promise((r) => helloServer.once("listening", r));
const helloUrl = `http://127.0.0.1:${(helloServer.address() as AddressInfo).port}/hello`;

const h = await startHttpHarness(kind, { rateLimit: { perIp: unlimited, perUser: unlimited, perToken: unlimited, proxy: unlimited, sensitive: unlimited } });
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

// Warm-up (JIT, pools, the session cache), not reported.
await load(helloUrl);
await load(`${h.base}/v1/credentials`, { authorization: `Bearer ${longSession}` });
const lines = [
  { name: "bare Express route calling credentials.list (no auth, no middleware)", r: await paired(() => load(helloUrl.replace(/\/hello$/, "/service"))) },
  { name: "GET /v1/credentials (Clerk session)", r: await paired(() => load(`${h.base}/v1/credentials`, { authorization: `Bearer ${longSession}` })) },
  { name: "GET /v1/credentials (bot token)", r: await paired(() => load(`${h.base}/v1/credentials`, { authorization: `Bearer ${bot.token}` })) },
  {
    name: "POST exchange/fetchBalance (bot token, proxied to the loopback exchange)",
    r: await paired(() => load(`${h.base}/v1/credentials/${created.id}/exchange/fetchBalance`, { authorization: `Bearer ${bot.token}`, "content-type": "application/json" }, "POST", "{}")),
  },
];
process.stdout.write(`\nhttp (${kind.name}, ${CONNECTIONS} connections, ${ROUNDS} paired rounds of ${DURATION_S} s; medians)\n`);
for (const { name, r } of lines) {
  process.stdout.write(
    `  ${name}: ${r.line.rps.toFixed(0)} req/s (${r.ratio.toFixed(2)}x hello), p99 ${r.line.p99} ms, CPU ${r.line.cpuUs.toFixed(0)} us/req; ` +
      `its hello-world ${r.hello.rps.toFixed(0)} req/s, p99 ${r.hello.p99} ms, CPU ${r.hello.cpuUs.toFixed(0)} us/req; non-2xx ${r.non2xx} (last round ${r.statuses}), errors ${r.errors}\n`,
  );
  reportBench(import.meta.url, { name: `${name} req/s`, value: r.line.rps, unit: "req/s", baseline: { name: "Express hello-world", value: r.hello.rps }, ratio: r.ratio, target: kind.name });
  reportBench(import.meta.url, { name: `${name} p99`, value: r.line.p99, unit: "ms", baseline: { name: "Express hello-world p99", value: r.hello.p99 }, higherIsBetter: false, target: kind.name });
}
await h.close();
helloServer.close();

describe("http", () => {
  // The figures above are the benchmark; vitest needs one bench to run the file.
  bench("printed above", () => {}, { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 });
});
