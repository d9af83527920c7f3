import { chmodSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, type ServerConfig } from "./config.js";

/** The data folder: `WALLET_AUTH_DATA_DIR`, else `.data` where the command was typed (`pnpm` sets INIT_CWD). */
export function dataDirOf(config: ServerConfig): string {
  return config.WALLET_AUTH_DATA_DIR ?? join(process.env.INIT_CWD ?? process.cwd(), ".data");
}

/**
 * Checks the data folder before anything is written to it, and returns its path.
 *
 * - Used at all only when it holds something: always in development (keys, Clerk key, embedded
 *   database), in production for the embedded database (no `DATABASE_URL`) or the default anchor
 *   file (no webhook and no `WALLET_AUTH_ANCHOR_FILE`).
 * - Missing: development creates it 0700; production refuses, naming the variable and the
 *   folder. A mistyped path must not start a fresh, empty database next to the real one.
 * - Writable by group or others (`/tmp`, a 0777 volume): refused in every mode. Someone else
 *   could have replaced the database or planted a key file; tightening it now would hide that.
 * - Readable by group or others: tightened to 0700.
 *
 * @throws ConfigError naming `WALLET_AUTH_DATA_DIR` and the folder (a path, never a secret).
 */
export function prepareDataDir(config: ServerConfig): string {
  const dir = dataDirOf(config);
  const used = config.development || !config.DATABASE_URL || (!config.WALLET_AUTH_ALERT_WEBHOOK_URL && !config.WALLET_AUTH_ANCHOR_FILE);
  if (!used) return dir;
  let mode: number;
  try {
    const stats = statSync(dir);
    if (!stats.isDirectory()) throw new ConfigError(`WALLET_AUTH_DATA_DIR: ${dir} is not a folder`);
    mode = stats.mode;
  } catch (error) {
    if (error instanceof ConfigError || (error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw error instanceof ConfigError ? error : new ConfigError(`WALLET_AUTH_DATA_DIR: the data folder ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    if (!config.development) {
      throw new ConfigError(`WALLET_AUTH_DATA_DIR: the data folder ${dir} does not exist (create it for the service user, mode 0700; production never creates it)`);
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }
  if (mode & 0o022) throw new ConfigError(`WALLET_AUTH_DATA_DIR: the data folder ${dir} is writable by group or others (mode ${(mode & 0o777).toString(8)}); make it 0700 for the service user`);
  if (mode & 0o055) {
    try {
      chmodSync(dir, 0o700);
    } catch {
      throw new ConfigError(`WALLET_AUTH_DATA_DIR: the data folder ${dir} is readable by group or others and is not ours to tighten; make it 0700 for the service user`);
    }
  }
  return dir;
}
