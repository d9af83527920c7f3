import type { Exchange } from "ccxt";
import { WalletAuthError } from "../errors/index.js";
import type { ExchangeSecret } from "../ports/ExchangeGateway.js";
import { buildCcxtClient, type CcxtClientSettings } from "./buildCcxtClient.js";
import { hasCcxtExchange, loadCcxt } from "./loadCcxt.js";
import { mapCcxtError } from "./mapCcxtError.js";

/** Options for {@link createCcxtClient}. */
export interface CreateCcxtClientOptions extends CcxtClientSettings {
  /** ccxt exchange id, e.g. `"binance"`. */
  exchange: string;
  /** The decrypted secret, as handed to a `CredentialService.use` / lease callback. */
  secret: ExchangeSecret;
  /** Load markets before returning. Default `true`. */
  loadMarkets?: boolean | undefined;
}

/**
 * A ready ccxt client for a bot, built from a decrypted credential with the same safety
 * settings as the gateway (its hosts restricted to the exchange's API, amounts as strings).
 * The client holds the secret for as long as the bot keeps it: create it inside a credential
 * lease and drop it when the lease ends. ccxt errors from the client are raw ccxt errors; map
 * them with `mapCcxtError` before logging (their messages may contain signed URLs).
 *
 * @param options - Exchange id, secret and client settings.
 * @returns The ccxt client.
 * @throws `EXCHANGE_UNSUPPORTED` (unknown exchange or ccxt missing); errors of `loadMarkets`
 *   mapped as the gateway maps them.
 * @example
 * ```ts
 * import { createCcxtClient } from "@wallet-auth/core/ccxt";
 * const lease = await credentials.lease(ctx, credentialId, { ttlMs: 60_000 });
 * const client = await lease.use((secret) => createCcxtClient({ exchange: "binance", secret }));
 * await client.createOrder("BTC/USDT", "limit", "buy", 0.001, 50_000);
 * await lease.close();
 * ```
 */
export async function createCcxtClient(options: CreateCcxtClientOptions): Promise<Exchange> {
  const ccxt = await loadCcxt();
  if (!hasCcxtExchange(ccxt, options.exchange)) {
    throw new WalletAuthError("EXCHANGE_UNSUPPORTED", { reason: "unknown-exchange" });
  }
  const client = buildCcxtClient(ccxt, options.exchange, options, options.secret);
  if (options.loadMarkets !== false) {
    try {
      await client.loadMarkets();
    } catch (error) {
      throw mapCcxtError({ ccxt, error });
    }
  }
  return client;
}
