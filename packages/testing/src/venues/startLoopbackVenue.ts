import { startBinanceVenue } from "./binance/binanceVenue.js";
import { bitgetVenue } from "./bitget/bitgetVenue.js";
import { bybitVenue } from "./bybit/bybitVenue.js";
import { coinbaseVenue } from "./coinbase/coinbaseVenue.js";
import { gateVenue } from "./gate/gateVenue.js";
import { krakenVenue } from "./kraken/krakenVenue.js";
import { kucoinVenue } from "./kucoin/kucoinVenue.js";
import { okxVenue } from "./okx/okxVenue.js";
import { serveVenue, type VenueDefinition } from "./shared/venueServer.js";
import type { LoopbackVenue, LoopbackVenueId, StartLoopbackVenueOptions } from "./types.js";

const serve =
  (definition: VenueDefinition) =>
  (options: StartLoopbackVenueOptions): Promise<LoopbackVenue> =>
    serveVenue(definition, options);

const starters: Readonly<Record<LoopbackVenueId, (options: StartLoopbackVenueOptions) => Promise<LoopbackVenue>>> = {
  binance: startBinanceVenue,
  okx: serve(okxVenue),
  bybit: serve(bybitVenue),
  kraken: serve(krakenVenue),
  coinbase: serve(coinbaseVenue),
  kucoin: serve(kucoinVenue),
  bitget: serve(bitgetVenue),
  gate: serve(gateVenue),
};

/** Venue ids with a stand-in. */
export const loopbackVenueIds: readonly LoopbackVenueId[] = Object.keys(starters) as LoopbackVenueId[];

/**
 * Starts a loopback stand-in for one venue's REST API on 127.0.0.1 (random port). It speaks the
 * venue's real request signing and refuses what the venue refuses (bad signature, wrong
 * passphrase, stale timestamp or nonce, unknown key, IP not allowed, expired key) with the venue's
 * own status and JSON error body, and serves what ccxt's unified calls need: markets, balance,
 * trade history, create/cancel/open orders, and the venue's key-introspection endpoint reporting
 * the configured permissions in the venue's documented shape. Every accepted order is recorded.
 *
 * @param id - ccxt id of the venue.
 * @param options - One account inline (`credentials`, `permissions`, `balances`, `trades`) and/or `accounts`, a `clock`, `prices`.
 * @returns The running stand-in; `close()` it when done.
 * @throws `TypeError` for a venue without a stand-in.
 * @example
 * ```ts
 * import ccxt from "ccxt";
 * import { connectCcxtToVenue, startLoopbackVenue } from "@wallet-auth/testing/venues";
 * const credentials = { apiKey: "k", secret: "s", password: "p" };
 * const venue = await startLoopbackVenue("okx", { credentials, permissions: { withdraw: false, ips: [] }, balances: { BTC: { free: "1", locked: "0" } } });
 * const okx = connectCcxtToVenue(new ccxt.okx({ ...credentials, enableRateLimit: false }), venue);
 * await okx.fetchBalance();
 * await venue.close();
 * ```
 */
export async function startLoopbackVenue(id: LoopbackVenueId, options: StartLoopbackVenueOptions = {}): Promise<LoopbackVenue> {
  const start = Object.hasOwn(starters, id) ? starters[id] : undefined;
  if (start === undefined) throw new TypeError(`no loopback stand-in for venue "${String(id)}"`);
  return start(options);
}
