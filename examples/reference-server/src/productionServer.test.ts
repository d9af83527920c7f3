/**
 * The reference server as a process in production mode (embedded PGlite, no proxy in front unless
 * WALLET_AUTH_TRUST_PROXY says so): the operational findings of the outside review. Needs
 * `pnpm run build` first, as every process test here.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedDatabase } from "@wallet-auth/adapter-postgres";
import { createClerkTestKeys, mintSessionToken } from "@wallet-auth/testing/clerk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAIN, type ServerProcess, call, serverEnv, startServerProcess } from "./test-support/serverProcess.js";

const keys = createClerkTestKeys();
const ORIGIN = "https://app.example.test";
const folders: string[] = [];
const key32 = () => randomBytes(32).toString("base64");

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "wallet-auth-prod-"));
  folders.push(dir);
  return dir;
}

/** A complete production environment; the Clerk key as one line with literal `\n`, as secret stores hold it. */
function productionEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return serverEnv(dataDir, {
    NODE_ENV: "production",
    WALLET_AUTH_KEYS: `k1:${key32()}:2026-01-01`,
    WALLET_AUTH_PRIMARY_KEY_ID: "k1",
    WALLET_AUTH_FINGERPRINT_KEY: key32(),
    WALLET_AUTH_AUDIT_KEY: key32(),
    WALLET_AUTH_TOKEN_KEY: key32(),
    WALLET_AUTH_CSRF_SECRET: randomBytes(32).toString("hex"),
    WALLET_AUTH_ORIGIN: ORIGIN,
    CLERK_AUTHORIZED_PARTIES: ORIGIN,
    CLERK_JWT_KEY: keys.publicKeyPem.trim().replace(/\n/g, "\\n"),
    CLERK_ISSUER: keys.issuer,
    ...extra,
  });
}

/** `wallet-auth serve` expected to refuse: exit code and stderr. */
function refused(env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, "serve"], { env, timeout: 60_000 }, (error, _stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

/** Every entry of a folder (recursive) whose mode lets group or others in. */
function looseEntries(dir: string): string[] {
  return [dir, ...readdirSync(dir, { recursive: true }).map((e) => join(dir, String(e)))].filter((p) => lstatSync(p).mode & 0o077);
}

/** The `ip_hash` of every `auth.failure` event, oldest first (the server must be stopped: PGlite has one owner). */
async function authFailureIpHashes(dataDir: string): Promise<(string | null)[]> {
  const db = await createEmbeddedDatabase({ dataDir: join(dataDir, "pglite") });
  try {
    const rows = (await db.knex("audit_events").where({ action: "auth.failure" }).orderBy("occurred_at").select("ip_hash")) as { ip_hash: string | null }[];
    return rows.map((r) => r.ip_hash);
  } finally {
    await db.close();
  }
}

/** Sends headers one line every 300 ms and never finishes them; resolves with what came back and when the server closed. */
function slowHeaders(url: string, giveUpMs: number): Promise<{ closedAfterMs: number | null; answer: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host: hostname, port: Number(port) });
    let answer = "";
    socket.on("data", (c: Buffer) => (answer += c.toString()));
    socket.on("error", () => undefined);
    socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n");
    const drip = setInterval(() => socket.writable && socket.write("X-Slow: 1\r\n"), 300);
    const giveUp = setTimeout(() => {
      clearInterval(drip);
      socket.destroy();
      resolve({ closedAfterMs: null, answer });
    }, giveUpMs);
    socket.on("close", () => {
      clearInterval(drip);
      clearTimeout(giveUp);
      resolve({ closedAfterMs: performance.now() - started, answer });
    });
  });
}

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe("production start-up refusals (one line, exit code 2)", { timeout: 120_000 }, () => {
  it("refuses to start without CLERK_ISSUER (the token issuer would go unchecked)", async () => {
    const result = await refused(productionEnv(folder(), { CLERK_ISSUER: "" }));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("wallet-auth: configuration error: CLERK_ISSUER: required when NODE_ENV=production (development defaults are refused)\n");
  });

  it("names WALLET_AUTH_DATA_DIR and the folder when the data folder does not exist, instead of a generic STORE_UNAVAILABLE", async () => {
    const missing = join(folder(), "not-there");
    const result = await refused(productionEnv(missing));
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`configuration error: WALLET_AUTH_DATA_DIR: the data folder ${missing} does not exist`);
  });

  it("refuses a data folder that group or others can write, in production and in development", async () => {
    const open = folder();
    chmodSync(open, 0o777);
    for (const env of [productionEnv(open), serverEnv(open)]) {
      const result = await refused(env);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(`configuration error: WALLET_AUTH_DATA_DIR: the data folder ${open} is writable by group or others`);
    }
    expect(readdirSync(open)).toEqual([]);
  });

  it("refuses a CLERK_JWT_KEY that does not parse as a public key (every sign-in would fail later), without printing it", async () => {
    const broken = keys.publicKeyPem.trim().replace(/\n/g, "\\n").replace("AQAB", "@@@@").slice(0, 200);
    for (const value of [broken, keys.privateKeyPem, "-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----"]) {
      const result = await refused(productionEnv(folder(), { CLERK_JWT_KEY: value }));
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain("configuration error: CLERK_JWT_KEY: must be the instance's RSA PEM public key");
      expect(result.stderr).not.toContain("MII");
    }
  });

  it("validates the new settings: trust proxy, rate limits, timeouts, metrics port, MFA switch", async () => {
    const cases = [
      ["WALLET_AUTH_TRUST_PROXY", "10.0.0.0/33"],
      ["WALLET_AUTH_TRUST_PROXY", "yes please"],
      ["WALLET_AUTH_RATE_LIMIT_IP", "lots"],
      ["WALLET_AUTH_RATE_LIMIT_AUTH_FAILURES", "20/0s"],
      ["WALLET_AUTH_HEADERS_TIMEOUT_MS", "5"],
      ["WALLET_AUTH_METRICS_PORT", "70000"],
      ["WALLET_AUTH_REQUIRE_MFA", "yes"],
    ] as const;
    const results = await Promise.all(cases.map(([name, value]) => refused(productionEnv(folder(), { [name]: value }))));
    cases.forEach(([name, value], i) => {
      expect(results[i]!.code, `${name}=${value}`).toBe(2);
      expect(results[i]!.stderr).toMatch(new RegExp(`^wallet-auth: configuration error: ${name}: [^\\n]+\\n$`));
    });
  }, 120_000);
});

describe("a production server with nothing in front (defaults)", () => {
  const dataDir = folder();
  let server: ServerProcess;
  let metricsUrl: string;

  beforeAll(async () => {
    server = await startServerProcess(
      productionEnv(dataDir, { WALLET_AUTH_METRICS_PORT: "0", WALLET_AUTH_RATE_LIMIT_IP: "5/1m", WALLET_AUTH_HEADERS_TIMEOUT_MS: "1000", WALLET_AUTH_REQUEST_TIMEOUT_MS: "5000" }),
    );
    metricsUrl = /metrics and readiness on (http:\/\/[0-9.]+:\d+)/.exec(server.output())![1]!;
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("says production mode in its start-up line", () => {
    expect(server.output()).toMatch(/wallet-auth listening on http:\/\/127\.0\.0\.1:\d+ \(production mode\)/);
  });

  it("accepts a one-line CLERK_JWT_KEY with literal \\n (sign-ins work) and refuses a token of another issuer", async () => {
    const good = await mintSessionToken(keys, { userId: "user_prod", azp: ORIGIN });
    const foreign = await mintSessionToken(keys, { userId: "user_prod", azp: ORIGIN, iss: "https://clerk.someone-else.example" });
    expect((await call(server.url, "GET", "/api/v1/me", { token: good, localAddress: "127.0.0.2" })).status).toBe(200);
    expect((await call(server.url, "GET", "/api/v1/me", { token: foreign, localAddress: "127.0.0.2" })).status).toBe(401);
  });

  it("does not let a spoofed X-Forwarded-For choose the rate-limit bucket", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await call(server.url, "GET", "/api/openapi.json", { localAddress: "127.0.0.5", headers: { "x-forwarded-for": `203.0.113.${i + 1}` } })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  it("does not let a spoofed X-Forwarded-For change the audited IP", async () => {
    await call(server.url, "GET", "/api/v1/me", { token: "not-a-token", localAddress: "127.0.0.6" });
    await call(server.url, "GET", "/api/v1/me", { token: "not-a-token", localAddress: "127.0.0.6", headers: { "x-forwarded-for": "198.51.100.77" } });
    // Read after the server stops (below, in the last test).
  });

  it("serves /metrics and /readyz only on the metrics port", async () => {
    expect((await call(metricsUrl, "GET", "/metrics")).text).toContain("wallet_auth_http_requests_total");
    expect((await call(metricsUrl, "GET", "/readyz")).status).toBe(200);
    expect((await call(server.url, "GET", "/metrics", { localAddress: "127.0.0.3" })).status).toBe(404);
    expect((await call(server.url, "GET", "/readyz", { localAddress: "127.0.0.3" })).status).toBe(404);
    expect((await call(server.url, "GET", "/healthz", { localAddress: "127.0.0.3" })).status).toBe(200);
  });

  it("serves the OpenAPI document at /openapi.json as well as /api/openapi.json", async () => {
    const root = await call(server.url, "GET", "/openapi.json", { localAddress: "127.0.0.4" });
    const api = await call(server.url, "GET", "/api/openapi.json", { localAddress: "127.0.0.4" });
    expect(root.status).toBe(200);
    expect(root.json.openapi).toBe("3.1.0");
    // Its paths are the API's, so it names the API prefix as its server.
    expect(root.json.servers).toEqual([expect.objectContaining({ url: "/api" })]);
    expect(Object.keys(root.json.paths)).toEqual(Object.keys(api.json.paths));
  });

  it("puts the security headers on every response, the metrics listener's too, and no HSTS on plain HTTP whatever X-Forwarded-Proto says", async () => {
    const answers = [
      await call(server.url, "GET", "/healthz", { localAddress: "127.0.0.7", headers: { "x-forwarded-proto": "https" } }),
      await call(server.url, "GET", "/nothing-here", { localAddress: "127.0.0.7" }),
      await call(server.url, "GET", "/openapi.json", { localAddress: "127.0.0.7" }),
      await call(metricsUrl, "GET", "/readyz"),
    ];
    for (const answer of answers) {
      expect(answer.headers["x-content-type-options"]).toBe("nosniff");
      expect(answer.headers["referrer-policy"]).toBe("no-referrer");
      expect(String(answer.headers["content-security-policy"])).toContain("frame-ancestors 'none'");
      expect(answer.headers["strict-transport-security"]).toBeUndefined();
    }
  });

  it("has no development routes in production", async () => {
    expect((await call(server.url, "POST", "/dev/sign-in", { body: { userId: "user_x" }, localAddress: "127.0.0.3" })).status).toBe(404);
  });

  it("cuts off a client that sends its headers slowly (408, connection closed)", async () => {
    const slow = await slowHeaders(server.url, 8_000);
    console.log(`[timeouts] slow-header client cut off after ${slow.closedAfterMs === null ? "never" : Math.round(slow.closedAfterMs)} ms (headersTimeout 1000 ms, checked every 1000 ms)`);
    expect(slow.closedAfterMs).not.toBeNull();
    expect(slow.closedAfterMs!).toBeLessThan(3_500);
    expect(slow.answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it("keeps the data folder 0700 and every database file 0600; the audited IP ignored the forged header", async () => {
    expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
    expect(await server.stop()).toBe(0);
    expect(looseEntries(dataDir)).toEqual([]);
    // The last two: the same client without and with a forged header (the foreign-issuer token failed earlier).
    const [plain, forged] = (await authFailureIpHashes(dataDir)).slice(-2);
    expect(plain).toMatch(/^[0-9a-f]{64}$/);
    expect(forged).toBe(plain);
  });
});

describe("a production server behind a proxy it trusts (WALLET_AUTH_TRUST_PROXY)", () => {
  const dataDir = folder();
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess(productionEnv(dataDir, { WALLET_AUTH_TRUST_PROXY: "127.0.0.0/8", WALLET_AUTH_RATE_LIMIT_IP: "5/1m" }));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("limits and audits the client address the proxy forwarded", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await call(server.url, "GET", "/api/openapi.json", { localAddress: "127.0.0.5", headers: { "x-forwarded-for": `203.0.113.${i + 1}` } })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200]);
    // The trusted proxy also says when the client came over HTTPS: then HSTS is sent, on every response.
    const https = await call(server.url, "GET", "/healthz", { localAddress: "127.0.0.8", headers: { "x-forwarded-proto": "https" } });
    expect(https.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect((await call(server.url, "GET", "/healthz", { localAddress: "127.0.0.8" })).headers["strict-transport-security"]).toBeUndefined();
    await call(server.url, "GET", "/api/v1/me", { token: "not-a-token", localAddress: "127.0.0.6" });
    await call(server.url, "GET", "/api/v1/me", { token: "not-a-token", localAddress: "127.0.0.6", headers: { "x-forwarded-for": "198.51.100.77" } });
    expect(await server.stop()).toBe(0);
    const [plain, forwarded] = await authFailureIpHashes(dataDir);
    expect(plain).toMatch(/^[0-9a-f]{64}$/);
    expect(forwarded).toMatch(/^[0-9a-f]{64}$/);
    expect(forwarded).not.toBe(plain);
  });
});
