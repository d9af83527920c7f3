import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKey, loadWalletAuthSecrets } from "@wallet-auth/core";
import { afterAll, describe, expect, it } from "vitest";
import { loadOrCreateDevSecrets } from "./devSecrets.js";

const dir = mkdtempSync(join(tmpdir(), "wallet-auth-devsecrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(Boolean(process.env.WALLET_AUTH_KEYS))("development key file", () => {
  it("an existing file from before bot-token keys gains WALLET_AUTH_TOKEN_KEY once and keeps its other keys, so start-up works", () => {
    const [ring, fingerprint, audit] = [generateKey(), generateKey({ id: "fingerprint" }), generateKey({ id: "audit" })];
    const old = [`WALLET_AUTH_KEYS=${ring.env}`, `WALLET_AUTH_PRIMARY_KEY_ID=${ring.id}`, `WALLET_AUTH_FINGERPRINT_KEY=${fingerprint.base64}`, `WALLET_AUTH_AUDIT_KEY=${audit.base64}`].join("\n") + "\n";
    writeFileSync(join(dir, "dev-secrets.env"), old, { mode: 0o600 });
    const { env } = loadOrCreateDevSecrets(dir);
    const text = readFileSync(join(dir, "dev-secrets.env"), "utf8");
    expect(text.startsWith(old)).toBe(true);
    expect(text.match(/^WALLET_AUTH_TOKEN_KEY=/gm)).toHaveLength(1);
    expect(statSync(join(dir, "dev-secrets.env")).mode & 0o777).toBe(0o600);
    expect(loadWalletAuthSecrets(env).tokenKeys?.primary.id).toMatch(/^t[0-9a-f]{16}$/);
    // Stable across runs: the same key is read back, none is added again.
    const again = loadOrCreateDevSecrets(dir);
    expect(again.env.WALLET_AUTH_TOKEN_KEY).toBe(env.WALLET_AUTH_TOKEN_KEY);
    expect(readFileSync(join(dir, "dev-secrets.env"), "utf8")).toBe(text);
  });
});
