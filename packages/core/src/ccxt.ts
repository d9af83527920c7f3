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
