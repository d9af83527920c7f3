import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKey } from "@wallet-auth/core";

const VARIABLES = ["WALLET_AUTH_KEYS", "WALLET_AUTH_PRIMARY_KEY_ID", "WALLET_AUTH_FINGERPRINT_KEY", "WALLET_AUTH_AUDIT_KEY", "WALLET_AUTH_TOKEN_KEY"] as const;

/**
 * Returns the key configuration: the process environment when it sets every variable, otherwise
 * development keys kept in `<dataDir>/dev-secrets.env` (created once, mode 0600) so the embedded
 * database stays readable across runs. Development keys are for a laptop, never for production.
 */
export function loadOrCreateDevSecrets(dataDir: string): { env: NodeJS.ProcessEnv; generated: boolean; file: string | null } {
  // A wrapped ring (WALLET_AUTH_WRAPPED_KEYS, opened by a key provider) stands in for WALLET_AUTH_KEYS.
  const wrapped = Boolean(process.env.WALLET_AUTH_WRAPPED_KEYS);
  if (VARIABLES.every((name) => process.env[name] || (wrapped && name === "WALLET_AUTH_KEYS"))) return { env: process.env, generated: false, file: null };
  const file = join(dataDir, "dev-secrets.env");
  let generated = false;
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const ring = generateKey();
    const fingerprint = generateKey({ id: "fingerprint" });
    const audit = generateKey({ id: "audit" });
    const token = generateKey({ id: "token" });
    const lines = [
      "# Development keys for the embedded demo database. NEVER use them in production.",
      `WALLET_AUTH_KEYS=${ring.env}:${new Date().toISOString().slice(0, 10)}`,
      `WALLET_AUTH_PRIMARY_KEY_ID=${ring.id}`,
      `WALLET_AUTH_FINGERPRINT_KEY=${fingerprint.base64}`,
      `WALLET_AUTH_AUDIT_KEY=${audit.base64}`,
      `WALLET_AUTH_TOKEN_KEY=${token.base64}`,
    ];
    for (const k of [ring, fingerprint, audit, token]) k.key.fill(0);
    writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
    generated = true;
  }
  chmodSync(file, 0o600);
  // A file from before bot-token keys: add the one it lacks (the other keys stay as they are).
  if (!/^WALLET_AUTH_TOKEN_KEY=/m.test(readFileSync(file, "utf8"))) {
    const token = generateKey({ id: "token" });
    appendFileSync(file, `WALLET_AUTH_TOKEN_KEY=${token.base64}\n`);
    token.key.fill(0);
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    // With a wrapped ring, the file's plaintext ring key and primary id are never used.
    if (match && !process.env[match[1]!] && !(wrapped && /^WALLET_AUTH_(KEYS|PRIMARY_KEY_ID)$/.test(match[1]!))) env[match[1]!] = match[2];
  }
  return { env, generated, file };
}
