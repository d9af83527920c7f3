/**
 * The reference server with its key ring wrapped by a key-management service, as processes:
 * `wallet-auth keys wrap|rewrap` against loopback stand-ins of Vault transit and AWS KMS (the
 * real @aws-sdk/client-kms, SigV4 verified), `wallet-auth serve` opening the wrapped ring,
 * storing and using a credential, and refusing to start on a disabled key, a wrong context or a
 * KMS that does not answer. Needs `pnpm run build` (dist/main.js).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKey } from "@wallet-auth/core";
import { type AwsKmsStandIn, type VaultTransitStandIn, startAwsKms, startVaultTransit } from "@wallet-auth/testing/kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, devExchangeAccount, runCli, serverEnv, signIn, startServerProcess } from "./test-support/serverProcess.js";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "wallet-auth-kms-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// The two other stable keys stay plaintext here (this feature wraps the ring); set so no dev key file is made.
const stableKeys = () => ({ WALLET_AUTH_FINGERPRINT_KEY: generateKey().base64, WALLET_AUTH_AUDIT_KEY: generateKey().base64, WALLET_AUTH_TOKEN_KEY: generateKey().base64 });

let vault: VaultTransitStandIn;
let kms: AwsKmsStandIn;
beforeAll(async () => {
  [vault, kms] = await Promise.all([startVaultTransit(), startAwsKms({ region: "eu-central-1" })]);
  vault.createKey("wallet-auth");
});
afterAll(async () => {
  await Promise.all([vault?.close(), kms?.close()]);
});

const vaultEnv = () => ({ WALLET_AUTH_KEY_PROVIDER: "vault-transit", VAULT_ADDR: vault.address, VAULT_TOKEN: vault.token, WALLET_AUTH_VAULT_TRANSIT_KEY: "wallet-auth", WALLET_AUTH_KMS_TIMEOUT_MS: "1500" });
const awsEnv = (keyId: string) => ({
  WALLET_AUTH_KEY_PROVIDER: "aws-kms",
  WALLET_AUTH_AWS_KMS_KEY_ID: keyId,
  AWS_REGION: kms.region,
  WALLET_AUTH_AWS_KMS_ENDPOINT: kms.endpoint,
  AWS_ACCESS_KEY_ID: kms.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: kms.credentials.secretAccessKey,
  AWS_SESSION_TOKEN: "",
  AWS_PROFILE: "",
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  AWS_EC2_METADATA_DISABLED: "true",
  WALLET_AUTH_KMS_TIMEOUT_MS: "1500",
});

async function wrapNew(env: NodeJS.ProcessEnv, id: string): Promise<string> {
  const result = await runCli(["keys", "wrap", "--new", "--id", id, "--json"], env);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { value: string }).value;
}

/** Signs in, stores a credential for the dev exchange account and validates it (a full open). */
async function storeAndUse(url: string): Promise<{ id: string; secret: string }> {
  const token = await signIn(url, "user_kms");
  const account = await devExchangeAccount(url);
  const created = await call(url, "POST", "/api/v1/credentials", { token, body: { exchange: "binance", label: "kms", apiKey: account.apiKey, secret: account.secret } });
  expect(created.status, created.text).toBe(201);
  const validated = await call(url, "POST", `/api/v1/credentials/${created.json.id}/validate`, { token });
  expect(validated.json.outcome).toBe("valid");
  return { id: created.json.id, secret: account.secret };
}

async function validatesAgain(url: string, id: string): Promise<void> {
  const token = await signIn(url, "user_kms");
  expect((await call(url, "POST", `/api/v1/credentials/${id}/validate`, { token })).json.outcome).toBe("valid");
}

/** `serve` that must fail at start-up: exit 1, the coded log line, never "listening". */
async function refusedStart(env: NodeJS.ProcessEnv, code: string, problem: string): Promise<string> {
  const started = performance.now();
  const result = await runCli(["serve"], env, 30_000);
  const output = `${result.stdout}${result.stderr}`;
  expect(result.code, output).toBe(1);
  expect(output).toContain(`"code":"${code}","problem":"${problem}"`);
  expect(output).not.toContain("listening on");
  console.log(`[kms] refused start (${code} ${problem}) after ${Math.round(performance.now() - started)} ms`);
  return output;
}

describe("the reference server with the key ring wrapped by Vault transit (stand-in)", () => {
  it("wraps a ring key, starts, stores and uses a credential; rewrap after a transit key rotation; refuses a retired key version, a wrong context and a hung Vault", async () => {
    const dataDir = tempDir();
    const base = serverEnv(dataDir, { ...stableKeys(), ...vaultEnv() });
    const wrapped = await wrapNew(base, "k1");
    expect(wrapped).toMatch(/^k1:vault:v1:[A-Za-z0-9+/=]+:\d{4}-\d{2}-\d{2}$/);
    const env = { ...base, WALLET_AUTH_WRAPPED_KEYS: wrapped, WALLET_AUTH_PRIMARY_KEY_ID: "k1" };

    const first = await startServerProcess(env, 60_000);
    const { id, secret } = await storeAndUse(first.url);
    expect(await first.stop()).toBe(0);
    for (const planted of [vault.token, secret]) expect(first.output()).not.toContain(planted);

    // Runbook: rotate the transit key, rewrap the ring's entries, retire the old version.
    vault.rotateKey("wallet-auth");
    const rewrap = await runCli(["keys", "rewrap", "--json"], env);
    expect(rewrap.code, rewrap.stderr).toBe(0);
    const rewrapped = (JSON.parse(rewrap.stdout) as { value: string }).value;
    expect(rewrapped).toMatch(/^k1:vault:v2:/);
    vault.setMinDecryptionVersion("wallet-auth", 2);
    await refusedStart(env, "KEY_PROVIDER_REFUSED", "key-version-retired");
    const second = await startServerProcess({ ...env, WALLET_AUTH_WRAPPED_KEYS: rewrapped }, 60_000);
    await validatesAgain(second.url, id);
    expect(await second.stop()).toBe(0);

    // Key k1's ciphertext presented as key k2: the derivation context differs, transit refuses.
    const swapped = rewrapped.replace(/^k1:/, "k2:");
    await refusedStart({ ...env, WALLET_AUTH_WRAPPED_KEYS: swapped, WALLET_AUTH_PRIMARY_KEY_ID: "k2" }, "KEY_PROVIDER_REFUSED", "invalid-ciphertext");

    vault.stall(true);
    try {
      await refusedStart({ ...env, WALLET_AUTH_WRAPPED_KEYS: rewrapped }, "KEY_PROVIDER_UNAVAILABLE", "timeout");
    } finally {
      vault.stall(false);
    }
  }, 240_000);
});

describe("moving an existing plaintext ring under a key service", () => {
  it("keys wrap --from-file wraps the development ring under Vault transit; the credential stored before opens after, with WALLET_AUTH_KEYS gone", async () => {
    const dataDir = tempDir();
    const plain = serverEnv(dataDir); // development keys generated into <dataDir>/dev-secrets.env
    const before = await startServerProcess(plain, 60_000);
    const { id } = await storeAndUse(before.url);
    expect(await before.stop()).toBe(0);

    const env = serverEnv(dataDir, vaultEnv());
    const wrapped = await runCli(["keys", "wrap", "--from-file", join(dataDir, "dev-secrets.env"), "--json"], env);
    expect(wrapped.code, wrapped.stderr).toBe(0);
    const { value, primaryKeyId } = JSON.parse(wrapped.stdout) as { value: string; primaryKeyId: string };
    expect(value).toMatch(/^[A-Za-z0-9_-]+:vault:v\d+:[A-Za-z0-9+/=]+:\d{4}-\d{2}-\d{2}$/);
    expect(wrapped.stdout).not.toMatch(/[A-Za-z0-9_-]+:[A-Za-z0-9+/]{43}=/); // no plaintext key entry printed

    const after = await startServerProcess({ ...env, WALLET_AUTH_WRAPPED_KEYS: value, WALLET_AUTH_PRIMARY_KEY_ID: primaryKeyId }, 60_000);
    await validatesAgain(after.url, id);
    expect(await after.stop()).toBe(0);
  }, 180_000);
});

describe("the reference server with the key ring wrapped by AWS KMS (stand-in, real SDK, SigV4 verified)", () => {
  it("generates a ring key, starts, stores and uses a credential; moves the ring to a new KMS key; refuses a disabled key, a wrong context, a wrong secret and a KMS that times out", async () => {
    const dataDir = tempDir();
    const first = kms.createKey();
    const base = serverEnv(dataDir, { ...stableKeys(), ...awsEnv(first.arn) });
    const wrapped = await wrapNew(base, "k1");
    expect(kms.requests.at(-1)).toEqual({ operation: "GenerateDataKey", signed: true });
    const env = { ...base, WALLET_AUTH_WRAPPED_KEYS: wrapped, WALLET_AUTH_PRIMARY_KEY_ID: "k1" };

    const server = await startServerProcess(env, 60_000);
    const { id, secret } = await storeAndUse(server.url);
    expect(await server.stop()).toBe(0);
    for (const planted of [kms.credentials.secretAccessKey, secret]) expect(server.output()).not.toContain(planted);

    // Disabled key: start-up fails with the coded error, no fallback.
    kms.disableKey(first.keyId);
    await refusedStart(env, "KEY_PROVIDER_REFUSED", "key-disabled");
    kms.enableKey(first.keyId);

    // Wrong encryption context: k1's blob presented as k2.
    await refusedStart({ ...env, WALLET_AUTH_WRAPPED_KEYS: wrapped.replace(/^k1:/, "k2:"), WALLET_AUTH_PRIMARY_KEY_ID: "k2" }, "KEY_PROVIDER_REFUSED", "invalid-ciphertext");
    // A wrong secret: the stand-in's SigV4 check refuses (InvalidSignatureException).
    await refusedStart({ ...env, AWS_SECRET_ACCESS_KEY: `${kms.credentials.secretAccessKey}x` }, "KEY_PROVIDER_REFUSED", "access-denied");
    expect(kms.requests.at(-1)).toEqual({ operation: "Decrypt", signed: false });

    // Runbook: move the ring to a new KMS key, then disable the old one.
    const next = kms.createKey();
    const moved = await runCli(["keys", "rewrap", "--json"], { ...env, WALLET_AUTH_AWS_KMS_KEY_ID: next.keyId });
    expect(moved.code, moved.stderr).toBe(0);
    kms.disableKey(first.keyId);
    const movedEnv = { ...env, WALLET_AUTH_AWS_KMS_KEY_ID: next.keyId, WALLET_AUTH_WRAPPED_KEYS: (JSON.parse(moved.stdout) as { value: string }).value };
    const again = await startServerProcess(movedEnv, 60_000);
    await validatesAgain(again.url, id);
    expect(await again.stop()).toBe(0);

    kms.stall(true);
    try {
      await refusedStart(movedEnv, "KEY_PROVIDER_UNAVAILABLE", "timeout");
    } finally {
      kms.stall(false);
    }
  }, 240_000);
});

describe("key provider settings", () => {
  const dataDir = tempDir();
  const wrapped = "k1:vault:v1:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=";
  it.each([
    ["WALLET_AUTH_KEY_PROVIDER", { WALLET_AUTH_KEY_PROVIDER: "hsm-of-doom" }],
    ["VAULT_ADDR", { WALLET_AUTH_KEY_PROVIDER: "vault-transit", VAULT_ADDR: "vault.internal:8200", VAULT_TOKEN: "hvs.x", WALLET_AUTH_VAULT_TRANSIT_KEY: "k", WALLET_AUTH_WRAPPED_KEYS: wrapped }],
    ["WALLET_AUTH_VAULT_TRANSIT_KEY", { WALLET_AUTH_KEY_PROVIDER: "vault-transit", VAULT_ADDR: "http://127.0.0.1:8200", VAULT_TOKEN: "hvs.x", WALLET_AUTH_WRAPPED_KEYS: wrapped }],
    ["WALLET_AUTH_WRAPPED_KEYS", { WALLET_AUTH_KEY_PROVIDER: "vault-transit", VAULT_ADDR: "http://127.0.0.1:8200", VAULT_TOKEN: "hvs.x", WALLET_AUTH_VAULT_TRANSIT_KEY: "k", WALLET_AUTH_WRAPPED_KEYS: "k1-no-colon-wrapped-value" }],
    ["WALLET_AUTH_KEYS", { WALLET_AUTH_KEY_PROVIDER: "aws-kms", WALLET_AUTH_AWS_KMS_KEY_ID: "alias/x", AWS_REGION: "eu-west-1", WALLET_AUTH_WRAPPED_KEYS: wrapped, WALLET_AUTH_KEYS: generateKey().env }],
    ["AWS_REGION", { WALLET_AUTH_KEY_PROVIDER: "aws-kms", WALLET_AUTH_AWS_KMS_KEY_ID: "alias/x", AWS_REGION: "the moon", WALLET_AUTH_WRAPPED_KEYS: wrapped }],
    ["WALLET_AUTH_AWS_KMS_KEY_ID", { WALLET_AUTH_KEY_PROVIDER: "aws-kms", AWS_REGION: "eu-west-1", WALLET_AUTH_WRAPPED_KEYS: wrapped }],
    ["WALLET_AUTH_AWS_KMS_ENDPOINT", { WALLET_AUTH_KEY_PROVIDER: "aws-kms", WALLET_AUTH_AWS_KMS_KEY_ID: "alias/x", AWS_REGION: "eu-west-1", WALLET_AUTH_AWS_KMS_ENDPOINT: "ftp://kms", WALLET_AUTH_WRAPPED_KEYS: wrapped }],
    ["WALLET_AUTH_KMS_TIMEOUT_MS", { WALLET_AUTH_KEY_PROVIDER: "aws-kms", WALLET_AUTH_KMS_TIMEOUT_MS: "5" }],
  ])("refuses to start with a bad %s, naming it in one line (exit 2)", async (name, extra) => {
    const result = await runCli(["serve"], serverEnv(dataDir, extra as NodeJS.ProcessEnv));
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`configuration error: ${name}:`);
    expect(result.stderr).not.toContain("hvs.x");
  });
});
