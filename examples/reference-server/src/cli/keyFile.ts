import { chmodSync, readFileSync, renameSync, writeFileSync } from "node:fs";

/** One `WALLET_AUTH_KEYS` entry, kept as text (the key material is never decoded here). */
export interface KeyEntry {
  id: string;
  /** The whole `id:base64[:date]` text. Secret. */
  raw: string;
}

/** The key variables of an env file or of the environment. */
export interface KeyVariables {
  entries: KeyEntry[];
  primaryKeyId: string;
}

/** Splits `WALLET_AUTH_KEYS` into entries (same grammar as the key ring; validated by it later). */
export function parseKeyVariables(env: NodeJS.ProcessEnv): KeyVariables {
  const entries = (env.WALLET_AUTH_KEYS ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)
    .map((raw) => ({ id: raw.split(":")[0]!.trim(), raw }));
  const primary = env.WALLET_AUTH_PRIMARY_KEY_ID?.trim();
  return { entries, primaryKeyId: primary || (entries.length === 1 ? entries[0]!.id : "") };
}

/** The two lines an operator puts into the secret store. Secret. */
export function keyLines(vars: KeyVariables): string[] {
  return [`WALLET_AUTH_KEYS=${vars.entries.map((e) => e.raw).join(",")}`, `WALLET_AUTH_PRIMARY_KEY_ID=${vars.primaryKeyId}`];
}

/** Reads the key variables of an env file (`NAME=value` lines). */
export function readKeyFile(file: string): KeyVariables {
  const env: NodeJS.ProcessEnv = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2];
  }
  return parseKeyVariables(env);
}

/**
 * Replaces the key lines of an env file, keeping every other line; written to a temporary file
 * (0600) and renamed over the old one, so a crash never leaves half a key ring.
 */
export function writeKeyFile(file: string, vars: KeyVariables): void {
  const [keysLine, primaryLine] = keyLines(vars);
  const kept = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.length > 0 && !/^WALLET_AUTH_(KEYS|PRIMARY_KEY_ID)=/.test(line.trim()));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${[...kept, keysLine, primaryLine].join("\n")}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
