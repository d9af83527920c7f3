/**
 * End-to-end demo of wallet-auth on the embedded database: stores an exchange key encrypted,
 * reads balances through ccxt from a loopback exchange (no network), links a wallet with
 * Sign-In with Ethereum, and verifies the audit chain. Run with `pnpm start` from the repo root.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createEmbeddedDatabase, createPostgresStore, migrateLatest } from "@wallet-auth/adapter-postgres";
import { KeyRing, createWalletAuth, isWalletAuthError, loadWalletAuthSecrets, verifyAuditChain } from "@wallet-auth/core";
import { createCcxtExchangeGateway, createCcxtPriceSource } from "@wallet-auth/core/ccxt";
import { startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadOrCreateDevSecrets } from "./devSecrets.js";

const dataDir = process.env.WALLET_AUTH_DATA_DIR ?? fileURLToPath(new URL("../../../.data/", import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const { env, generated, file } = loadOrCreateDevSecrets(dataDir);
  if (file) say(`keys: ${generated ? "generated development keys in" : "development keys from"} ${file} (never use them in production)`);
  const keyRing = KeyRing.fromEnv(env);
  const secrets = loadWalletAuthSecrets(env);

  const started = Date.now();
  const db = await createEmbeddedDatabase({ dataDir: `${dataDir}pglite` });
  const migrated = await migrateLatest(db.knex);
  say(`database: embedded PostgreSQL (PGlite) in ${dataDir}pglite, ready in ${Date.now() - started} ms, migrations applied: ${JSON.stringify(migrated)}`);

  // A loopback stand-in speaking Binance's REST protocol: real ccxt, real signed requests, no network.
  const exchange = await startLoopbackExchange();
  const apiKey = `demo${randomBytes(12).toString("hex")}`;
  exchange.addAccount({ apiKey, secret: "demo-secret-value", permissions: { enableSpotAndMarginTrading: true }, balances: { BTC: { free: "0.25", locked: "0.05" }, USDT: { free: "1500", locked: "0" } } });
  exchange.setPrices({ BTCUSDT: "97000.5" });

  const loopback = { urls: { binance: exchange.origin }, enableRateLimit: false, timeoutMs: 5_000 };
  const auth = createWalletAuth({
    store: createPostgresStore({ knex: db.knex }),
    keyRing,
    secrets,
    exchanges: createCcxtExchangeGateway(loopback),
    prices: createCcxtPriceSource(loopback),
    siwe: { domain: "localhost", uri: "http://localhost", statement: "Link this wallet to wallet-auth.", chainIds: ["eip155:1"] },
  });
  const ctx = { userId: "user_demo", requestId: "demo", ip: "127.0.0.1", userAgent: "wallet-auth-demo" };

  try {
    const credential = await auth.credentials.create(ctx, { exchange: "binance", label: "demo account", apiKey, secret: "demo-secret-value" });
    say(`credential: stored ${credential.exchange} key ...${credential.keyHint} (${credential.status}), permissions ${JSON.stringify(credential.permissions)}`);

    const balances = await auth.balances.get(ctx, { source: { type: "exchange", credentialId: credential.id } });
    for (const b of balances.balances) say(`balance: ${b.asset} free ${b.free} locked ${b.locked} total ${b.total} (USD ${b.usdValue ?? "n/a"})`);
    say(`balance: total USD ${balances.totalUsd ?? "n/a"}`);
    const again = await auth.balances.get(ctx, { source: { type: "exchange", credentialId: credential.id } });
    say(`balance: second read from cache: ${again.fromCache}`);

    const account = privateKeyToAccount(generatePrivateKey());
    const challenge = await auth.wallets!.challenge(ctx, { address: account.address, chainId: "eip155:1" });
    const signature = await account.signMessage({ message: challenge.message });
    const wallet = await auth.wallets!.verifyAndLink(ctx, { message: challenge.message, signature, label: "demo wallet" });
    say(`wallet: linked ${wallet.address} on ${wallet.chainId}`);
    const replay = await auth.wallets!.verifyAndLink(ctx, { message: challenge.message, signature }).catch((e: unknown) => e);
    say(`wallet: replaying the same signature is refused: ${isWalletAuthError(replay) ? replay.code : "NOT REFUSED"}`);

    const chain = await verifyAuditChain({ store: auth.store, userId: ctx.userId, hashKey: secrets.auditKey });
    say(`audit: chain of ${ctx.userId} ${chain.ok ? `verifies (${chain.count} events)` : "is BROKEN"}`);
    const status = await auth.rotation.status();
    say(`keys: primary ${status.primaryKeyId}; records per key ${JSON.stringify(Object.fromEntries(status.keys.map((k) => [k.keyId, k.records])))}`);
    const all = await auth.credentials.list(ctx);
    say(`credentials of ${ctx.userId}: ${all.length} (the database keeps them across runs; secrets never leave the process)`);
  } finally {
    await auth.shutdown();
    await auth.store.close();
    await db.close();
    await exchange.close();
  }
}

main().catch((error: unknown) => {
  // Only the code and public message: never a cause, which could carry internals.
  const shown = isWalletAuthError(error) ? `${error.code}: ${error.message}` : "unexpected failure";
  process.stderr.write(`demo failed: ${shown}\n`);
  process.exitCode = 1;
});
