import { join } from "node:path";
import { createEmbeddedDatabase, createPostgresKnex, createPostgresStore, migrateLatest } from "@wallet-auth/adapter-postgres";
import { KeyRing, type WalletAuth, type WalletAuthSecrets, createWalletAuth, loadWalletAuthSecrets } from "@wallet-auth/core";
import type { Knex } from "knex";
import type { ServerConfig } from "../config.js";
import { dataDirOf } from "../dataDir.js";
import { loadOrCreateDevSecrets } from "../devSecrets.js";
import { openKeyRing } from "../keyProviderConfig.js";

export { dataDirOf };

/** What a CLI command operates on: the same database, keys and services the server uses. */
export interface CliRuntime {
  knex: Knex;
  walletAuth: WalletAuth;
  keyRing: KeyRing;
  secrets: WalletAuthSecrets;
  /** The development key file when the keys come from it, else `null` (keys from the environment). */
  keyFile: string | null;
  close(): Promise<void>;
}

/** Opens the database (migrated) and the services without the HTTP server. */
export async function openRuntime(config: ServerConfig, options: { migrate?: boolean } = {}): Promise<CliRuntime> {
  const dataDir = dataDirOf(config);
  const { env, file } = config.development ? loadOrCreateDevSecrets(dataDir) : { env: process.env, file: null };
  const keyRing = await openKeyRing(config.keyProvider, env);
  const secrets = loadWalletAuthSecrets(env);
  let knex: Knex;
  let closeDb: () => Promise<void>;
  if (config.DATABASE_URL) {
    knex = createPostgresKnex({ connectionString: config.DATABASE_URL, pool: { min: 0, max: 4 } });
    closeDb = () => knex.destroy();
  } else {
    const db = await createEmbeddedDatabase({ dataDir: join(dataDir, "pglite") });
    knex = db.knex;
    closeDb = () => db.close();
  }
  try {
    if (options.migrate !== false) await migrateLatest(knex);
    const store = createPostgresStore({ knex, kind: config.DATABASE_URL ? "postgres" : "pglite" });
    const origin = config.WALLET_AUTH_ORIGIN ?? `http://${config.HOST}:${config.PORT}`;
    const walletAuth = createWalletAuth({
      store,
      keyRing,
      secrets,
      siwe: { domain: new URL(origin).host, uri: origin, statement: "Link this wallet to your wallet-auth account.", chainIds: config.WALLET_AUTH_SIWE_CHAIN_IDS ?? ["eip155:1"] },
    });
    return {
      knex,
      walletAuth,
      keyRing,
      secrets,
      keyFile: file,
      async close() {
        await walletAuth.shutdown();
        await store.close();
        await closeDb();
      },
    };
  } catch (error) {
    await closeDb();
    throw error;
  }
}
