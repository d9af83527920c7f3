import type { Exchange } from "ccxt";
import type { CredentialLease } from "../credentials/CredentialLease.js";
import { WalletAuthError } from "../errors/index.js";
import type { ExchangeSecret } from "../ports/ExchangeGateway.js";
import { buildCcxtClient, type CcxtClientSettings } from "./buildCcxtClient.js";
import { hasCcxtExchange, loadCcxt } from "./loadCcxt.js";
import { mapCcxtError } from "./mapCcxtError.js";

/** Options for {@link createCcxtClient}. */
export interface CreateCcxtClientOptions extends CcxtClientSettings {
  /** ccxt exchange id, e.g. `"binance"`. */
  exchange: string;
  /**
   * The credential lease the client lives in (the documented way): the secret is read through
   * it once, and when the lease ends (closed, expired, or revoked by a disable, delete, renewal
   * or erasure) the client's credentials are wiped and every signed call is refused.
   */
  lease?: CredentialLease | undefined;
  /**
   * A decrypted secret, for a caller that manages the client's lifetime itself; the client
   * then holds the secret until it is dropped. Give `lease` or `secret`, not both.
   */
  secret?: ExchangeSecret | undefined;
  /** Load markets before returning. Default `true`. */
  loadMarkets?: boolean | undefined;
}

const CREDENTIAL_FIELDS = ["apiKey", "secret", "password", "uid", "login", "privateKey", "walletAddress", "token", "twofa"] as const;

/** Removes the secret from a client and makes every call that needs it fail with a coded error. */
function wipeCcxtClient(client: Exchange): void {
  const fields = client as unknown as Record<string, unknown>;
  for (const field of CREDENTIAL_FIELDS) if (field in fields) fields[field] = undefined;
  // ccxt checks the credentials before signing any private request.
  (client as unknown as { checkRequiredCredentials: () => never }).checkRequiredCredentials = () => {
    throw new WalletAuthError("CREDENTIAL_UNAVAILABLE", { reason: "lease-ended" });
  };
}

/**
 * A ready ccxt client for a bot, built from a credential lease with the same safety settings as
 * the gateway (its hosts restricted to the exchange's API, amounts as strings). When the lease
 * ends the client is wiped: it keeps no secret and refuses signed calls with
 * `CREDENTIAL_UNAVAILABLE` (reason `lease-ended`); public calls still work. ccxt errors from the
 * client are raw ccxt errors; map them with `mapCcxtError` before logging (their messages may
 * contain signed URLs).
 *
 * @param options - Exchange id, the lease (or a secret) and client settings.
 * @returns The ccxt client.
 * @throws `EXCHANGE_UNSUPPORTED` (unknown exchange or ccxt missing); `INVALID_INPUT` without a
 *   lease or secret; what `lease.use` throws; errors of `loadMarkets` mapped as the gateway maps them.
 * @example
 * ```ts
 * import { createCcxtClient } from "@wallet-auth/core/ccxt";
 * const lease = await credentials.lease(ctx, credentialId, { ttlMs: 60_000 });
 * const client = await createCcxtClient({ exchange: "binance", lease });
 * await client.createOrder("BTC/USDT", "limit", "buy", 0.001, 50_000);
 * await lease.close(); // the client is wiped; further signed calls are refused
 * ```
 */
export async function createCcxtClient(options: CreateCcxtClientOptions): Promise<Exchange> {
  const ccxt = await loadCcxt();
  if (!hasCcxtExchange(ccxt, options.exchange)) {
    throw new WalletAuthError("EXCHANGE_UNSUPPORTED", { reason: "unknown-exchange" });
  }
  const { lease, secret } = options;
  if ((lease === undefined) === (secret === undefined)) {
    throw new WalletAuthError("INVALID_INPUT", { reason: "lease-or-secret", details: { fields: ["lease", "secret"] } });
  }
  const client = lease === undefined ? buildCcxtClient(ccxt, options.exchange, options, secret) : await lease.use((s) => buildCcxtClient(ccxt, options.exchange, options, s));
  lease?.onEnd(() => wipeCcxtClient(client));
  if (options.loadMarkets !== false) {
    try {
      await client.loadMarkets();
    } catch (error) {
      throw mapCcxtError({ ccxt, error });
    }
  }
  return client;
}
