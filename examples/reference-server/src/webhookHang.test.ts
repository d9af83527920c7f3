/**
 * The alert webhook hangs (a local HTTP server that accepts every delivery and never answers):
 * requests that raise an alert are as fast as those that do not. The alert raised is
 * `access.new_ip` (a user's audited request from an address not seen before), so each sample from
 * a fresh 127.0.0.x address raises one alert and one webhook delivery.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FreshDatabase,
  type ServerProcess,
  call,
  createFreshDatabase,
  missingServices,
  percentile,
  serverEnv,
  signIn,
  sleep,
  startServerProcess,
} from "./test-support/serverProcess.js";

const SAMPLES = 60;
const skip = missingServices();
if (skip) console.log(`[webhook-hang] ${skip}`);

describe.skipIf(skip !== null)("a hanging alert webhook", () => {
  let db: FreshDatabase;
  let dataDir: string;
  let hook: Server;
  const received: IncomingMessage[] = [];
  let server: ServerProcess;

  beforeAll(async () => {
    hook = createServer((req) => {
      // Read the body, never answer.
      received.push(req);
      req.resume();
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    db = await createFreshDatabase(process.env.DATABASE_URL as string);
    dataDir = mkdtempSync(join(tmpdir(), "wallet-auth-webhook-"));
    server = await startServerProcess(
      serverEnv(dataDir, {
        DATABASE_URL: db.url,
        LOG_LEVEL: "warn",
        WALLET_AUTH_ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
        WALLET_AUTH_ALERT_WEBHOOK_SECRET: randomBytes(24).toString("hex"),
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    hook?.closeAllConnections();
    await new Promise((resolve) => hook?.close(resolve));
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("does not slow the API: p50/p99 of alert-raising requests stay within bounds of the others", async () => {
    const token = await signIn(server.url, "user_webhook_hang");
    // An audited request (the export is audited) that returns nothing: `action` matches no event.
    const path = "/api/v1/audit/export?format=ndjson&action=credential.create";
    const baseline = await call(server.url, "GET", path, { token, localAddress: "127.0.0.1" });
    expect(baseline.status).toBe(200);
    await sleep(300); // the detector learns 127.0.0.1 as the user's address

    const alerting: number[] = [];
    const quiet: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const a = await call(server.url, "GET", path, { token, localAddress: `127.0.${1 + Math.floor(i / 200)}.${10 + (i % 200)}` });
      expect(a.status).toBe(200);
      alerting.push(a.ms);
      const q = await call(server.url, "GET", path, { token, localAddress: "127.0.0.1" });
      expect(q.status).toBe(200);
      quiet.push(q.ms);
    }
    // Every alert was raised and handed to the webhook, which is holding the deliveries open.
    let alerts = 0;
    for (let i = 0; i < 40 && (alerts < SAMPLES || received.length < SAMPLES); i++) {
      await sleep(250);
      alerts = (await call(server.url, "GET", "/api/v1/alerts?limit=200", { token })).json.items.filter((x: { kind: string }) => x.kind === "access.new_ip").length;
    }
    const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
    console.log(
      `[webhook-hang] ${SAMPLES} alert-raising requests: ${fmt(alerting)}; ${SAMPLES} quiet requests: ${fmt(quiet)}; ` +
        `${alerts} access.new_ip alerts stored, ${received.length} deliveries held open by the webhook`,
    );
    expect(alerts).toBe(SAMPLES);
    expect(received.length).toBeGreaterThanOrEqual(SAMPLES);
    // Bounded: far below one webhook attempt (5 s), and close to the quiet requests.
    expect(percentile(alerting, 50)).toBeLessThan(percentile(quiet, 50) * 2 + 25);
    expect(percentile(alerting, 99)).toBeLessThan(Math.max(percentile(quiet, 99) * 3, 250) + 250);
    // Still answering once the deliveries time out and retry in the background.
    expect((await call(server.url, "GET", "/readyz")).status).toBe(200);
  }, 120_000);

  it("does not hold up a graceful stop: SIGTERM exits 0 within seconds while deliveries still hang", async () => {
    expect(received.length).toBeGreaterThan(0);
    const started = performance.now();
    const code = await server.stop();
    const ms = performance.now() - started;
    console.log(`[webhook-hang] SIGTERM with ${received.length} deliveries hanging: exit ${code} after ${Math.round(ms)} ms`);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(8_000);
    expect(server.output()).toContain("pending alert deliveries abandoned");
  }, 30_000);
});
