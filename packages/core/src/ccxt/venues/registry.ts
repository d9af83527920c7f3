import type { ExchangeSecretField } from "../../ports/ExchangeGateway.js";
import { binanceVenue } from "./binance.js";
import { bitgetVenue } from "./bitget.js";
import { bybitVenue } from "./bybit.js";
import { coinbaseVenue } from "./coinbase.js";
import { coinbaseExchangeVenue } from "./coinbaseexchange.js";
import { gateVenue } from "./gate.js";
import { krakenVenue } from "./kraken.js";
import { kucoinVenue } from "./kucoin.js";
import { okxVenue } from "./okx.js";
import type { VenueField, VenueModule } from "./VenueModule.js";

/** Every venue with a module, by ccxt id. */
export const venueModules: Readonly<Record<string, VenueModule>> = Object.freeze(
  Object.fromEntries([binanceVenue, okxVenue, bybitVenue, coinbaseVenue, coinbaseExchangeVenue, krakenVenue, kucoinVenue, bitgetVenue, gateVenue].map((v) => [v.id, v])),
);

/** The module of `exchange` (a ccxt id), or `undefined` when wallet-auth has none. */
export function venueModule(exchange: string): VenueModule | undefined {
  return Object.hasOwn(venueModules, exchange) ? venueModules[exchange] : undefined;
}

/** What a key form needs to know about one venue (read only, no secret). */
export interface VenueDescription {
  id: string;
  displayName: string;
  fields: VenueField[];
  /** The fields a key must have. */
  requiredFields: ExchangeSecretField[];
  keyPageUrl: string;
  enablePermissions: string[];
  leaveOffPermissions: string[];
  /** The venue reports a key's withdrawal permission; when `false`, storing a key needs the owner to accept that risk. */
  reportsPermissions: boolean;
  supportsGeneratedKeys: boolean;
  supportsIpAllowlist: boolean;
  /** The addresses this product calls the venue from, for the key's IP allowlist. */
  egressIps: string[];
}

/** Options for {@link listVenues}. */
export interface ListVenuesOptions {
  /** The product's outbound IPs (shown for the venues' IP allowlists). Default none. */
  egressIps?: readonly string[] | undefined;
  /** Only these ids (e.g. the gateway's offered exchanges). Default every venue with a module. */
  only?: readonly string[] | undefined;
}

/**
 * The venues wallet-auth has modules for, with what a key form needs. Pure.
 *
 * @param options - Egress IPs to show, and an optional filter.
 * @returns One description per venue, in display-name order.
 * @example
 * ```ts
 * import { listVenues } from "@wallet-auth/core";
 * const venues = listVenues({ egressIps: ["203.0.113.7"] });
 * ```
 */
export function listVenues(options: ListVenuesOptions = {}): VenueDescription[] {
  const egressIps = [...(options.egressIps ?? [])];
  return Object.values(venueModules)
    .filter((v) => options.only === undefined || options.only.includes(v.id))
    .map((v) => ({
      id: v.id,
      displayName: v.displayName,
      fields: v.fields.map((f) => ({ ...f })),
      requiredFields: v.fields.filter((f) => f.required).map((f) => f.name),
      keyPageUrl: v.keyPageUrl,
      enablePermissions: [...v.enablePermissions],
      leaveOffPermissions: [...v.leaveOffPermissions],
      reportsPermissions: v.reportsPermissions,
      supportsGeneratedKeys: v.supportsGeneratedKeys,
      supportsIpAllowlist: v.supportsIpAllowlist,
      egressIps: [...egressIps],
    }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
}
