import { type WrappedKeyEntry, formatWrappedKeys, generateKey, keyRingWrapContext, parseWrappedKeys } from "@wallet-auth/core";
import type { Command } from "commander";
import { ConfigError } from "../config.js";
import { createKeyProvider, parseKeyProviderConfig } from "../keyProviderConfig.js";
import { CliExit, EXIT } from "./commands.js";
import { readKeyFile } from "./keyFile.js";

const today = () => new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);

/** The configured provider; the wrapped ring may not exist yet (this is how it is made). */
async function provider() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = parseKeyProviderConfig(env, env.NODE_ENV !== "production", { settingsOnly: true });
  if ("error" in parsed) throw new ConfigError(parsed.error);
  const created = await createKeyProvider(parsed.config);
  if (created === null) throw new CliExit(EXIT.usage, "WALLET_AUTH_KEY_PROVIDER is env: no key service wraps the ring (set vault-transit or aws-kms and its settings)");
  return created;
}

function printEntries(json: boolean | undefined, entries: WrappedKeyEntry[], primaryKeyId: string | undefined, note: string): void {
  process.stderr.write(`wallet-auth: ${note}\n`);
  const line = `WALLET_AUTH_WRAPPED_KEYS=${formatWrappedKeys(entries)}`;
  process.stdout.write(json ? `${JSON.stringify({ entries: entries.map((e) => e.id), value: formatWrappedKeys(entries), ...(primaryKeyId ? { primaryKeyId } : {}) })}\n` : `${line}${primaryKeyId ? `\nWALLET_AUTH_PRIMARY_KEY_ID=${primaryKeyId}` : ""}\n`);
}

/**
 * `keys wrap` (a new ring key made and wrapped by the key service, or an existing plaintext ring
 * moved under it) and `keys rewrap` (every wrapped entry re-wrapped under the service's current
 * key, after a Vault key rotation or to move to another AWS KMS key). Both print the new
 * `WALLET_AUTH_WRAPPED_KEYS` value for the secret store; nothing is written to disk, and no
 * plaintext key is ever printed.
 */
export function registerKeyProviderCommands(program: Command): void {
  const keys = program.commands.find((c) => c.name() === "keys")!;

  keys
    .command("wrap")
    .description("with a key provider: make a new ring key wrapped by it (--new), or wrap the plaintext keys of an env file (--from-file) to move a ring into the KMS")
    .option("--new", "generate a new key (add it as decrypt-only, then make it primary)")
    .option("--id <id>", "id of the new key (default: random)")
    .option("--from-file <path>", "env file whose WALLET_AUTH_KEYS to wrap (e.g. the old secret-store export)")
    .option("--json", "print JSON")
    .action(async (opts: { new?: boolean; id?: string; fromFile?: string; json?: boolean }) => {
      if (Boolean(opts.new) === Boolean(opts.fromFile)) throw new CliExit(EXIT.usage, "give exactly one of --new or --from-file");
      const kms = await provider();
      try {
        if (opts.new) {
          const { id, key } = generateKey(opts.id ? { id: opts.id } : {});
          key.fill(0); // only the id is used: the key itself is made by the key service (or wrapped at once)
          const existing = process.env.WALLET_AUTH_WRAPPED_KEYS ? parseWrappedKeys(process.env.WALLET_AUTH_WRAPPED_KEYS) : [];
          if (existing.some((e) => e.id === id)) throw new CliExit(EXIT.usage, `key id already in the ring: ${id}`);
          const entry = { id, wrapped: await kms.generate(keyRingWrapContext(id)), createdAt: today() };
          printEntries(opts.json, [...existing, entry], undefined, `added key ${id} wrapped by ${kms.kind} (decrypt-only until WALLET_AUTH_PRIMARY_KEY_ID names it); put this line into the secret store and restart every replica:`);
          return;
        }
        const vars = readKeyFile(opts.fromFile!);
        if (vars.entries.length === 0) throw new CliExit(EXIT.usage, `no WALLET_AUTH_KEYS in ${opts.fromFile}`);
        const entries: WrappedKeyEntry[] = [];
        for (const [index, { id, raw }] of vars.entries.entries()) {
          const [, encoded = "", created] = raw.split(":").map((f) => f.trim());
          const key = Buffer.from(encoded, /[-_]/.test(encoded) ? "base64url" : "base64");
          try {
            if (key.byteLength !== 32) throw new CliExit(EXIT.usage, `WALLET_AUTH_KEYS entry ${index + 1} is not a 32-byte key`);
            const wrapped = await kms.wrap(key, keyRingWrapContext(id));
            entries.push(created ? { id, wrapped, createdAt: new Date(`${created}T00:00:00Z`) } : { id, wrapped });
          } finally {
            key.fill(0);
          }
        }
        printEntries(opts.json, entries, vars.primaryKeyId, `wrapped ${entries.length} key(s) with ${kms.kind}; replace WALLET_AUTH_KEYS with these lines, set WALLET_AUTH_KEY_PROVIDER, restart, then delete the plaintext copy:`);
      } finally {
        await kms.close();
      }
    });

  keys
    .command("rewrap")
    .description("with a key provider: re-wrap every WALLET_AUTH_WRAPPED_KEYS entry under the key service's current key (after rotating it)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const text = process.env.WALLET_AUTH_WRAPPED_KEYS;
      if (!text) throw new CliExit(EXIT.usage, "WALLET_AUTH_WRAPPED_KEYS is not set");
      const kms = await provider();
      try {
        const entries: WrappedKeyEntry[] = [];
        for (const entry of parseWrappedKeys(text)) entries.push({ ...entry, wrapped: await kms.rewrap(entry.wrapped, keyRingWrapContext(entry.id)) });
        printEntries(opts.json, entries, undefined, `rewrapped ${entries.length} key(s) with ${kms.kind}; put this line into the secret store and restart every replica (the old ciphertexts open until their key version is retired):`);
      } finally {
        await kms.close();
      }
    });
}
