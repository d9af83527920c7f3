/**
 * Exchange gateway over ccxt (loaded lazily on first use).
 *
 * @module
 */
export { createCcxtExchangeGateway, type CcxtExchangeGatewayOptions } from "./ccxt/CcxtExchangeGateway.js";
export { createCcxtClient, type CreateCcxtClientOptions } from "./ccxt/createCcxtClient.js";
export type { CcxtClientSettings } from "./ccxt/buildCcxtClient.js";
export { loadCcxt, type CcxtModule } from "./ccxt/loadCcxt.js";
export { mapCcxtError, type MapCcxtErrorOptions } from "./ccxt/mapCcxtError.js";
export { restrictCcxtEndpoints, type RestrictCcxtEndpointsOptions } from "./ccxt/restrictCcxtEndpoints.js";
export { defaultAllowedEndpoints } from "./ccxt/allowedEndpoints.js";
export { createCcxtPriceSource, type CcxtPriceSourceOptions } from "./ccxt/CcxtPriceSource.js";
export { createCcxtMarketCatalog, type CcxtMarketCatalogOptions } from "./ccxt/CcxtMarketCatalog.js";
export { venueModule, venueModules } from "./ccxt/venues/registry.js";
export type { CallImplicit, VenueModule } from "./ccxt/venues/VenueModule.js";
export { parseBinancePermissions } from "./ccxt/venues/binance.js";
export { parseOkxPermissions } from "./ccxt/venues/okx.js";
export { parseBybitPermissions } from "./ccxt/venues/bybit.js";
export { parseCoinbasePermissions } from "./ccxt/venues/coinbase.js";
export { parseKrakenPermissions } from "./ccxt/venues/kraken.js";
export { parseKucoinPermissions } from "./ccxt/venues/kucoin.js";
export { parseBitgetPermissions } from "./ccxt/venues/bitget.js";
export { parseGateDetail, parseGatePermissions } from "./ccxt/venues/gate.js";
