// docs/embedding.md shows this file verbatim; docs/examples/tradingBot.test.ts runs it against
// the loopback Binance exchange, so the example cannot drift from the SDK.
import { createEmbeddedDatabase, createPostgresStore, migrateLatest } from "@wallet-auth/adapter-postgres";
import { KeyRing, createWalletAuth, loadWalletAuthSecrets, verifyAuditChain } from "@wallet-auth/core";
import { type CcxtClientSettings, createCcxtClient, createCcxtExchangeGateway } from "@wallet-auth/core/ccxt";

/** What the bot needs: where to keep data, the keys (from the environment), the exchange settings. */
export interface TradingBotOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv; // WALLET_AUTH_KEYS, WALLET_AUTH_PRIMARY_KEY_ID, WALLET_AUTH_FINGERPRINT_KEY, WALLET_AUTH_AUDIT_KEY, WALLET_AUTH_TOKEN_KEY
  exchange?: CcxtClientSettings; // e.g. { urls: { binance: "https://testnet.binance.vision" } }
}

/** Stores a user's Binance key once, then trades with it through a lease. */
export async function runTradingBot(options: TradingBotOptions, user: { id: string; apiKey: string; secret: string }) {
  const env = options.env ?? process.env;
  const db = await createEmbeddedDatabase({ dataDir: options.dataDir }); // or createPostgresKnex({ connectionString })
  await migrateLatest(db.knex);
  const auth = createWalletAuth({
    store: createPostgresStore({ knex: db.knex, kind: "pglite" }),
    keyRing: KeyRing.fromEnv(env),
    secrets: loadWalletAuthSecrets(env),
    exchanges: createCcxtExchangeGateway(options.exchange ?? {}),
    // Required: wallet linking is always wired; a missing or malformed field fails here, named.
    siwe: { domain: "bot.example.com", uri: "https://bot.example.com", chainIds: ["eip155:1"] },
  });
  try {
    const ctx = { userId: user.id }; // the Clerk user id of the acting user
    // Validated live with the exchange, sealed, audited; the view never holds the secret.
    const credential = await auth.credentials.create(ctx, { exchange: "binance", label: "main", apiKey: user.apiKey, secret: user.secret });

    // One audit event for the whole burst of calls, however many orders the bot places.
    const lease = await auth.credentials.lease(ctx, credential.id, { ttlMs: 60_000 });
    // The client lives in the lease: when the lease ends (closed, expired, or the credential is
    // disabled, deleted or renewed anywhere) its secret is wiped and signed calls are refused.
    const client = await createCcxtClient({ exchange: "binance", lease, ...options.exchange });
    let usdt = "0";
    try {
      const balance = await client.fetchBalance();
      usdt = String(balance["USDT"]?.free ?? "0");
    } finally {
      await lease.close();
    }

    const balances = await auth.balances.get(ctx, { source: { type: "exchange", credentialId: credential.id } });
    const chain = await verifyAuditChain({ store: auth.store, userId: user.id, hashKey: loadWalletAuthSecrets(env).auditKey });
    return { credential, usdt, totalUsd: balances.totalUsd, auditChainOk: chain.ok };
  } finally {
    await auth.shutdown();
    await db.close();
  }
}
