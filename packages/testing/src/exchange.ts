/**
 * A loopback stand-in for Binance's spot REST API, for testing exchange code with the real ccxt
 * client and no network beyond 127.0.0.1.
 *
 * @module
 */
export { startLoopbackExchange } from "./exchange/startLoopbackExchange.js";
export { loopbackEndpoints } from "./exchange/binanceRoutes.js";
export type {
  LoopbackAccount,
  LoopbackBalance,
  LoopbackDeposit,
  LoopbackExchange,
  LoopbackMode,
  LoopbackPermissions,
  LoopbackOrder,
  LoopbackTrade,
  LoopbackWithdrawal,
  StartLoopbackExchangeOptions,
} from "./exchange/types.js";
