import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKey } from "@wallet-auth/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadOrCreateDevSecrets } from "./devSecrets.js";
import { parseKeyProviderConfig } from "./keyProviderConfig.js";

const wrapped = "k1:vault:v1:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=";
const vault = { WALLET_AUTH_KEY_PROVIDER: "vault-transit", VAULT_TOKEN: "hvs.secret-token", WALLET_AUTH_VAULT_TRANSIT_KEY: "wallet-auth", WALLET_AUTH_WRAPPED_KEYS: wrapped };

describe("key provider settings (parseKeyProviderConfig)", () => {
  it("keeps today's default: no provider variable means plaintext WALLET_AUTH_KEYS, required only in production", () => {
    expect(parseKeyProviderConfig({}, true)).toEqual({ config: { kind: "env" } });
    expect(parseKeyProviderConfig({}, false)).toEqual({ error: "WALLET_AUTH_KEYS: required when NODE_ENV=production (development defaults are refused)" });
  });

  it("refuses wrapped keys without a provider, and plaintext keys beside one", () => {
    expect(parseKeyProviderConfig({ WALLET_AUTH_WRAPPED_KEYS: wrapped }, true)).toMatchObject({ error: expect.stringMatching(/^WALLET_AUTH_WRAPPED_KEYS: needs WALLET_AUTH_KEY_PROVIDER/) });
    expect(parseKeyProviderConfig({ ...vault, VAULT_ADDR: "http://127.0.0.1:8200", WALLET_AUTH_KEYS: generateKey().env }, true)).toMatchObject({ error: expect.stringMatching(/^WALLET_AUTH_KEYS: must be unset/) });
  });

  it("refuses plain http to a remote Vault in production, allows it to a local agent, and never echoes the token", () => {
    const remote = parseKeyProviderConfig({ ...vault, VAULT_ADDR: "http://vault.internal:8200" }, false);
    expect(remote).toEqual({ error: "VAULT_ADDR: must be https:// when NODE_ENV=production (http only to a local Vault Agent)" });
    expect(parseKeyProviderConfig({ ...vault, VAULT_ADDR: "http://127.0.0.1:8100" }, false)).toMatchObject({ config: { kind: "vault-transit", mount: "transit", timeoutMs: 5000 } });
    expect(parseKeyProviderConfig({ ...vault, VAULT_ADDR: "https://vault.internal:8200" }, false)).toMatchObject({ config: { kind: "vault-transit" } });
    expect(JSON.stringify(parseKeyProviderConfig({ ...vault, VAULT_ADDR: "nope" }, true))).not.toContain("secret-token");
  });

  it("lets `keys wrap` read the provider settings before any wrapped key exists", () => {
    const settings = { WALLET_AUTH_KEY_PROVIDER: "aws-kms", WALLET_AUTH_AWS_KMS_KEY_ID: "alias/wallet-auth", AWS_REGION: "eu-west-1" };
    expect(parseKeyProviderConfig(settings, true)).toEqual({ error: "WALLET_AUTH_WRAPPED_KEYS: required when WALLET_AUTH_KEY_PROVIDER=aws-kms" });
    expect(parseKeyProviderConfig(settings, true, { settingsOnly: true })).toEqual({ config: { kind: "aws-kms", keyId: "alias/wallet-auth", region: "eu-west-1", endpoint: undefined, timeoutMs: 5000 } });
  });
});

describe("development key file beside a wrapped ring", () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.unstubAllEnvs();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("never injects the file's plaintext ring key or primary id when WALLET_AUTH_WRAPPED_KEYS is set", () => {
    const dir = mkdtempSync(join(tmpdir(), "wallet-auth-devkeys-"));
    dirs.push(dir);
    for (const name of ["WALLET_AUTH_KEYS", "WALLET_AUTH_PRIMARY_KEY_ID", "WALLET_AUTH_FINGERPRINT_KEY", "WALLET_AUTH_AUDIT_KEY", "WALLET_AUTH_TOKEN_KEY"]) vi.stubEnv(name, "");
    vi.stubEnv("WALLET_AUTH_WRAPPED_KEYS", wrapped);
    const { env, file } = loadOrCreateDevSecrets(dir);
    expect(file).not.toBeNull();
    expect(readFileSync(file!, "utf8")).toMatch(/^WALLET_AUTH_KEYS=/m);
    expect(env.WALLET_AUTH_KEYS).toBeFalsy();
    expect(env.WALLET_AUTH_PRIMARY_KEY_ID).toBeFalsy();
    expect(env.WALLET_AUTH_AUDIT_KEY).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it("uses the environment alone when the wrapped ring and every stable key are set (no file is made)", () => {
    const dir = mkdtempSync(join(tmpdir(), "wallet-auth-devkeys-"));
    dirs.push(dir);
    vi.stubEnv("WALLET_AUTH_KEYS", "");
    vi.stubEnv("WALLET_AUTH_WRAPPED_KEYS", wrapped);
    vi.stubEnv("WALLET_AUTH_PRIMARY_KEY_ID", "k1");
    for (const name of ["WALLET_AUTH_FINGERPRINT_KEY", "WALLET_AUTH_AUDIT_KEY", "WALLET_AUTH_TOKEN_KEY"]) vi.stubEnv(name, generateKey().base64);
    expect(loadOrCreateDevSecrets(dir).file).toBeNull();
  });
});
