import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "wallet-auth-cli-"));
const env = { ...process.env, WALLET_AUTH_DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", WALLET_AUTH_KEYS: "", WALLET_AUTH_PRIMARY_KEY_ID: "", NODE_ENV: "development", LOG_LEVEL: "silent" };

/** Runs `wallet-auth <args>` as a process; never throws, returns the exit code and output. */
function cli(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { env: { ...env, ...extra }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the wallet-auth CLI as a process", () => {
  it("runs the key-rotation runbook end to end with exit codes a script can rely on", async () => {
    const status = await cli(["keys", "status", "--json"]);
    expect(status.code).toBe(0);
    const oldKey = (JSON.parse(status.stdout) as { primaryKeyId: string }).primaryKeyId;
    expect(statSync(join(dataDir, "dev-secrets.env")).mode & 0o777).toBe(0o600);

    expect((await cli(["keys", "add", "--id", "k2099", "--json"])).code).toBe(0);
    expect(readFileSync(join(dataDir, "dev-secrets.env"), "utf8")).toMatch(/WALLET_AUTH_PRIMARY_KEY_ID=.+/);
    expect((await cli(["keys", "add", "--id", "k2099"])).code).toBe(2);
    expect((await cli(["keys", "promote", "nope"])).code).toBe(2);
    expect((await cli(["keys", "promote", "k2099"])).code).toBe(0);
    expect(JSON.parse((await cli(["keys", "status", "--json"])).stdout)).toMatchObject({ primaryKeyId: "k2099", pending: 0 });

    const rewrap = await cli(["rotation", "start", "--json"]);
    expect(rewrap.code).toBe(0);
    expect(JSON.parse(rewrap.stdout)).toMatchObject({ remaining: 0 });
    const resume = await cli(["rotation", "resume"]);
    expect(resume.code).toBe(3);
    expect(resume.stderr).toBe("wallet-auth: no interrupted rotation to resume\n");
    expect((await cli(["rotation", "status", "--json"])).code).toBe(0);

    expect((await cli(["keys", "retire", "k2099"])).code).toBe(2); // the primary
    const retired = await cli(["keys", "retire", oldKey, "--json"]);
    expect(retired.code).toBe(0);
    expect(JSON.parse((await cli(["keys", "status", "--json"])).stdout).keys.map((k: { keyId: string }) => k.keyId)).toEqual(["k2099"]);

    const rotated = await cli(["keys", "rotate", "--id", "k2100", "--json"]);
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.stdout)).toMatchObject({ primaryKeyId: "k2100" });
  }, 180_000);

  it("verifies, anchors and exports the audit log, and refuses unknown tokens with exit 3", async () => {
    expect((await cli(["audit", "anchor", "--json"])).code).toBe(0);
    const verify = await cli(["audit", "verify", "--anchors", join(dataDir, "audit-anchors.ndjson"), "--json"]);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
    expect((await cli(["audit", "verify", "--user", "user_nobody"])).code).toBe(0);
    expect((await cli(["audit", "export", "--user", "user_nobody", "--format", "xml"])).code).toBe(2);
    expect((await cli(["audit", "export", "--user", "user_nobody", "--format", "csv"])).code).toBe(0);
    expect((await cli(["tokens", "revoke", "00000000-0000-4000-8000-000000000000", "--user", "user_nobody"])).code).toBe(3);
    // The one-time step after upgrading to keyed bot-token hashes: idempotent, nothing to key here.
    const rehash = await cli(["tokens", "rehash", "--json"]);
    expect([rehash.code, JSON.parse(rehash.stdout)]).toEqual([0, { rehashed: 0 }]);
    expect((await cli(["migrate", "status", "--json"])).code).toBe(0);
    expect((await cli(["keys", "generate", "--json"])).code).toBe(0);
    expect((await cli(["no-such-command"])).code).toBe(2);
    for (const help of [["--help"], ["keys", "--help"], ["rotation", "start", "--help"], ["audit", "verify", "--help"], ["tokens", "revoke", "--help"]]) {
      expect((await cli(help)).code).toBe(0);
    }
  }, 180_000);

  const bad: Record<string, string> = {
    NODE_ENV: "staging",
    PORT: "70000",
    HOST: "",
    LOG_LEVEL: "loud",
    DATABASE_URL: "mysql://x",
    CLERK_JWT_KEY: "not a pem",
    CLERK_PUBLISHABLE_KEY: "pk_nope",
    CLERK_SECRET_KEY: "hunter2-zz",
    CLERK_AUTHORIZED_PARTIES: "not-a-url",
    CLERK_ACCEPTS_TOKEN: "m2m_token-zz",
    WALLET_AUTH_ORIGIN: "nope",
    WALLET_AUTH_SIWE_CHAIN_IDS: "chain-9zz",
    REDIS_URL: "http://x",
    WALLET_AUTH_EXCHANGE_BASE_URLS: "{\"binance\":\"ftp://x\"}",
    WALLET_AUTH_CHAIN_RPC_URLS: "{\"1\":\"http://x\"}",
    WALLET_AUTH_ALERT_WEBHOOK_URL: "nope",
    WALLET_AUTH_ALERT_WEBHOOK_SECRET: "short",
    WALLET_AUTH_SNAPSHOT_RETENTION_DAYS: "0",
    WALLET_AUTH_ANCHOR_INTERVAL_S: "hourly-zz",
  };
  it.each(Object.entries(bad).filter(([, v]) => v !== ""))("a bad %s stops start-up with one line naming it", async (name, value) => {
    const result = await cli(["serve"], { [name]: value });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^wallet-auth: configuration error: ${name}: `));
    expect(result.stderr).not.toContain(value);
  });

  it("production refuses the development defaults", async () => {
    const result = await cli(["serve"], { NODE_ENV: "production" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^wallet-auth: configuration error: WALLET_AUTH_KEYS: required when NODE_ENV=production/);
  });
});
