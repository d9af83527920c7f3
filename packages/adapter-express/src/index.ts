/**
 * wallet-auth's hosted API as an Express 5 router: Clerk session tokens verified offline,
 * every route of the SDK's services, CSRF for cookie sessions, rate limits (in-process or
 * Redis), security headers, one error shape, and the OpenAPI 3.1 document.
 *
 * @module
 */
export { createWalletAuthRouter, type RouterObserver, type WalletAuthRouterOptions } from "./createWalletAuthRouter.js";
export { errorStatus } from "./errorStatus.js";
export { buildOpenApiDocument } from "./openapi.js";
export type { ApiErrorBody } from "./sendError.js";
export type { AuthFailureReason, ClerkAuthOptions, ClerkTokenType, Principal, SessionPrincipal } from "./middleware/authenticate.js";
export type { LimitRule, RateLimitOptions } from "./middleware/rateLimits.js";
export type { StepUpOptions } from "./middleware/stepUp.js";
export type { RouterLogger } from "./logger.js";
