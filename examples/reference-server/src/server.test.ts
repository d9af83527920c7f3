import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, describe, expect, it } from "vitest";
import { MAIN, type ServerProcess, startServerProcess } from "./test-support/serverProcess.js";

const run = promisify(execFile);
const main = MAIN;
const dataDir = mkdtempSync(join(tmpdir(), "wallet-auth-server-"));
const baseEnv = { ...process.env, WALLET_AUTH_DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "info", DATABASE_URL: "", REDIS_URL: "", WALLET_AUTH_KEYS: "", WALLET_AUTH_PRIMARY_KEY_ID: "", NODE_ENV: "development" };

/** Starts the same entry `pnpm start` runs (dist/main.js serve) and waits for its "listening" line. */
const start = (env: NodeJS.ProcessEnv = baseEnv): Promise<ServerProcess> => startServerProcess(env, 60_000);
const stop = (proc: ServerProcess): Promise<number | null> => proc.stop();

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the reference server process (pnpm start)", () => {
  const responses: string[] = [];
  let exchangeSecret = "";

  async function api(base: string, method: string, path: string, token: string | null, body?: unknown) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    responses.push(text, JSON.stringify([...res.headers]));
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* a download, not JSON */
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  }

  it("signs in, stores a credential, reads balances, links a wallet, exports the audit log, erases an account, and keeps data across a restart", async () => {
    const first = await start();
    const signIn = async (userId: string) => (await api(first.url, "POST", "/dev/sign-in", null, { userId })).body.token as string;
    const token = await signIn("user_alice");
    expect((await api(first.url, "GET", "/api/v1/me", token)).body).toMatchObject({ userId: "user_alice" });

    const account = (await api(first.url, "POST", "/dev/exchange-account", null, {})).body as { apiKey: string; secret: string };
    exchangeSecret = account.secret;
    const created = await api(first.url, "POST", "/api/v1/credentials", token, { exchange: "binance", label: "main", apiKey: account.apiKey, secret: account.secret });
    expect(created.status).toBe(201);
    const balances = await api(first.url, "GET", `/api/v1/credentials/${created.body.id}/balances`, token);
    expect(balances.body.balances).toContainEqual(expect.objectContaining({ asset: "BTC", total: "0.3" }));

    const wallet = privateKeyToAccount(generatePrivateKey());
    const challenge = await api(first.url, "POST", "/api/v1/wallets/challenge", token, { address: wallet.address, chainId: "eip155:1" });
    const signature = await wallet.signMessage({ message: challenge.body.message });
    expect((await api(first.url, "POST", "/api/v1/wallets", token, { message: challenge.body.message, signature })).status).toBe(201);

    const exported = await api(first.url, "GET", "/api/v1/audit/export?format=ndjson", token);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-disposition")).toContain("attachment");
    expect(exported.text).toContain("credential.create");
    expect((await api(first.url, "GET", "/api/v1/audit/verify", token)).body).toMatchObject({ ok: true });

    const bob = await signIn("user_bob");
    const bobAccount = (await api(first.url, "POST", "/dev/exchange-account", null, {})).body as { apiKey: string; secret: string };
    await api(first.url, "POST", "/api/v1/credentials", bob, { exchange: "binance", label: "bob", apiKey: bobAccount.apiKey, secret: bobAccount.secret });
    expect((await api(first.url, "DELETE", "/api/v1/privacy/account", bob, { confirm: "ERASE MY ACCOUNT" })).status).toBe(200);

    const metrics = await fetch(`${first.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/wallet_auth_http_requests_total\{route="\/v1\/credentials",method="POST",status="201"\} 2/);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    expect(await stop(first)).toBe(0);
    const log1 = first.output();

    // Same data folder: keys, Clerk key and database persist; the credential still opens.
    const restartedAt = performance.now();
    const second = await start();
    const again = (await api(second.url, "POST", "/dev/sign-in", null, { userId: "user_alice" })).body.token as string;
    const firstRequestMs = performance.now() - restartedAt;
    console.log(`[server] second start on the same data folder served its first request after ${Math.round(firstRequestMs)} ms`);
    expect(firstRequestMs, "a second start serves within 10 s").toBeLessThan(10_000);
    const list = await api(second.url, "GET", "/api/v1/credentials", again);
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
    expect((await api(second.url, "POST", `/api/v1/credentials/${created.body.id}/validate`, again)).body.outcome).toBe("valid");
    expect((await api(second.url, "GET", "/api/v1/wallets", again)).body).toHaveLength(1);
    const bobAgain = (await api(second.url, "POST", "/dev/sign-in", null, { userId: "user_bob" })).body.token as string;
    expect((await api(second.url, "GET", "/api/v1/credentials", bobAgain)).body).toEqual([]);
    expect(await stop(second)).toBe(0);

    // The secrets files are private, and no secret reached a response header/body or a log line.
    for (const name of ["dev-secrets.env", "dev-clerk-key.pem"]) expect(statSync(join(dataDir, name)).mode & 0o077).toBe(0);
    const haystack = [...responses.filter((r) => !r.includes(exchangeSecret) || r.includes('"note"')), log1, second.output()].join("\n");
    const planted = [exchangeSecret, ...readFileSync(join(dataDir, "dev-secrets.env"), "utf8").matchAll(/=(?:[^:\n]+:)?([A-Za-z0-9+/]{40,}=*)/g)].map((m) => (typeof m === "string" ? m : m[1]!));
    for (const secret of planted) expect(`${log1}${second.output()}`).not.toContain(secret);
    expect(haystack).not.toContain(readFileSync(join(dataDir, "dev-clerk-key.pem"), "utf8").split("\n")[1]!);
    expect(readdirSync(dataDir)).toContain("pglite");
  }, 180_000);

  it.each([
    ["PORT", "70000"],
    ["LOG_LEVEL", "loud"],
    ["DATABASE_URL", "mysql://x"],
    ["REDIS_URL", "http://x"],
    ["CLERK_JWT_KEY", "not-a-pem"],
    ["CLERK_PUBLISHABLE_KEY", "pk_nope"],
    ["CLERK_SECRET_KEY", "nope"],
    ["CLERK_AUTHORIZED_PARTIES", "not a url"],
    ["WALLET_AUTH_ORIGIN", "nope"],
    ["WALLET_AUTH_SIWE_CHAIN_IDS", "1,2"],
    ["WALLET_AUTH_EXCHANGE_BASE_URLS", "{\"binance\": 5}"],
    ["WALLET_AUTH_CHAIN_RPC_URLS", "[]"],
    ["WALLET_AUTH_ALERT_WEBHOOK_URL", "ftp//x"],
    ["NODE_ENV", "staging"],
  ])("refuses to start with a bad %s, naming it in one line", async (name, value) => {
    const result = await run(process.execPath, [main, "serve"], { env: { ...baseEnv, [name]: value } }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`configuration error: ${name}:`);
    expect(result.stderr).not.toContain(value.length > 4 ? value : "\u0000");
  });

  it("refuses development defaults in production", async () => {
    const result = await run(process.execPath, [main, "serve"], { env: { ...baseEnv, NODE_ENV: "production" } }).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code: number }).code).toBe(2);
    expect((result as { stderr: string }).stderr).toMatch(/configuration error: WALLET_AUTH_KEYS: required when NODE_ENV=production/);
  });

  it("runs the CLI: help, key generation, migration status as JSON, and a usage error", async () => {
    expect((await run(process.execPath, [main, "--help"])).stdout).toMatch(/serve.*\n.*migrate.*\n.*keys/s);
    const key = await run(process.execPath, [main, "keys", "generate", "--id", "k2026", "--json"]);
    const parsed = JSON.parse(key.stdout) as { id: string; entry: string };
    expect(parsed.id).toBe("k2026");
    expect(Buffer.from(parsed.entry.split(":")[1]!, "base64")).toHaveLength(32);
    const status = await run(process.execPath, [main, "migrate", "status", "--json"], { env: baseEnv });
    expect(JSON.parse(status.stdout)).toBeTruthy();
    const bad = await run(process.execPath, [main, "nonsense"]).catch((e: { code: number }) => e);
    expect((bad as { code: number }).code).toBe(2);
  }, 60_000);
});
