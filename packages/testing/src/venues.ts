/**
 * Loopback stand-ins for exchanges ("venues"), one per venue, each speaking that venue's real
 * REST signing and JSON shapes, for testing exchange code with the real ccxt client and no
 * network beyond 127.0.0.1.
 *
 * @module
 */
export { startLoopbackVenue, loopbackVenueIds } from "./venues/startLoopbackVenue.js";
export { connectCcxtToVenue } from "./venues/connectCcxtToVenue.js";
export type { CcxtLikeClient } from "./venues/connectCcxtToVenue.js";
export type {
  LoopbackVenue,
  LoopbackVenueId,
  StartLoopbackVenueOptions,
  VenueAccount,
  VenueBalance,
  VenueCredentials,
  VenueOrder,
  VenuePermissions,
  VenueRequestRecord,
  VenueTrade,
} from "./venues/types.js";
