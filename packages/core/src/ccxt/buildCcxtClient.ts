import type { Exchange } from "ccxt";
import type { ExchangeSecret } from "../ports/ExchangeGateway.js";
import type { CcxtModule } from "./loadCcxt.js";
import { allowedEndpointsFor } from "./allowedEndpoints.js";
import { restrictCcxtEndpoints } from "./restrictCcxtEndpoints.js";

/** Client settings shared by the gateway and {@link createCcxtClient}. */
export interface CcxtClientSettings {
  /** Extra ccxt constructor options per exchange id (merged over the defaults). */
  exchangeOptions?: Readonly<Record<string, object>> | undefined;
  /** REST origin per exchange id, replacing the exchange's own (loopback fakes, proxies). */
  urls?: Readonly<Record<string, string>> | undefined;
  /** Hosts clients may contact; default the exchange's own API hosts (after `urls`). */
  allowedHosts?: readonly string[] | undefined;
  /** Per-request timeout in ms. Default 10000. */
  timeoutMs?: number | undefined;
  /** ccxt's client-side rate limiter. Default `true`; turn off in tests. */
  enableRateLimit?: boolean | undefined;
  /**
   * REST endpoints (`"GET /api/v3/account"`) clients may call, per exchange id, replacing
   * {@link defaultAllowedEndpoints} (Binance: what the gateway uses; no withdrawal or transfer
   * endpoint). `"any"` lifts the check for that exchange (its hosts are still enforced): needed to
   * call other endpoints (futures, margin) through a client from `createCcxtClient`.
   */
  allowedEndpoints?: Readonly<Record<string, readonly string[] | "any">> | undefined;
}

// Cuts binance fetchBalance from 7 requests to exchangeInfo + account (see STACK.md).
const defaults: Record<string, Record<string, unknown>> = {
  binance: { options: { fetchMarkets: { types: ["spot"] }, fetchMargins: false, fetchCurrencies: false } },
};

/** Builds a ccxt client with the settings applied; with `secret`, an authenticated one. */
export function buildCcxtClient(ccxt: CcxtModule, exchange: string, settings: CcxtClientSettings, secret?: ExchangeSecret): Exchange {
  const Ctor = (ccxt as unknown as Record<string, new (config: object) => Exchange>)[exchange];
  if (Ctor === undefined) throw new TypeError("unknown ccxt exchange");
  const base = defaults[exchange] ?? {};
  const extra = (settings.exchangeOptions?.[exchange] ?? {}) as Record<string, unknown>;
  const config: Record<string, unknown> = {
    ...base,
    ...extra,
    options: { ...(base.options as object | undefined), ...(extra.options as object | undefined) },
    enableRateLimit: settings.enableRateLimit ?? true,
    timeout: settings.timeoutMs ?? 10_000,
  };
  if (secret !== undefined) {
    config.apiKey = secret.apiKey;
    config.secret = secret.secret;
    if (secret.password !== undefined) config.password = secret.password;
    if (secret.uid !== undefined) config.uid = secret.uid;
  }
  const client = new Ctor(config);
  // Amounts as strings: no float rounding on the way to decimal strings.
  (client as unknown as { number: unknown }).number = String;
  return restrictCcxtEndpoints(client, {
    origin: settings.urls?.[exchange],
    allowedHosts: settings.allowedHosts,
    allowedEndpoints: allowedEndpointsFor(exchange, settings.allowedEndpoints),
  });
}
