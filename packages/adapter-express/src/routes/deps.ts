import type { WalletAuth } from "@wallet-auth/core";
import type { RouterLogger } from "../logger.js";
import type { Principal } from "../middleware/authenticate.js";

/** What the route groups need, resolved once by the router. */
export interface RouteDeps {
  walletAuth: WalletAuth;
  logger: RouterLogger;
  csrfTokenFor(principal: Principal): string;
  isAdmin(principal: Principal): boolean;
  recentlyVerified(principal: Principal): boolean;
  /** The reverification part of a 403 step-up answer (for a handler that decides step-up from stored state). */
  reverificationBody(): Record<string, unknown>;
}
