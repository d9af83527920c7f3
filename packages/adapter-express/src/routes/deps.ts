import type { WalletAuth } from "@wallet-auth/core";
import type { RouterLogger } from "../logger.js";
import type { SessionPrincipal } from "../middleware/authenticate.js";

/** What the route groups need, resolved once by the router. */
export interface RouteDeps {
  walletAuth: WalletAuth;
  logger: RouterLogger;
  csrfTokenFor(principal: SessionPrincipal): string;
  isAdmin(principal: SessionPrincipal): boolean;
  recentlyVerified(principal: SessionPrincipal): boolean;
}
