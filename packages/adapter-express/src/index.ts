/**
 * wallet-auth's hosted API as an Express 5 router: Clerk session tokens verified offline,
 * every route of the SDK's services, CSRF for cookie sessions, rate limits (in-process or
 * Redis), security headers, one error shape, and the OpenAPI 3.1 document.
 *
 * @module
 */
export { createWalletAuthRouter, type RouterObserver, type WalletAuthRouter, type WalletAuthRouterOptions } from "./createWalletAuthRouter.js";
export { errorStatus } from "./errorStatus.js";
export { buildOpenApiDocument, type OpenApiDocumentOptions } from "./openapi.js";
export type { ApiErrorBody } from "./sendError.js";
export { type ClerkWebhookOptions, CLERK_WEBHOOK_PATH, checkClerkWebhookSecret } from "./routes/clerkWebhookRoutes.js";
export { normalizeJwtKey, type SessionRevocations, type AuthFailureReason, type ClerkAuthOptions, type ClerkTokenType, type Principal, type SessionPrincipal } from "./middleware/authenticate.js";
export { resolveRateLimitOptions, type LimitRule, type RateLimitOptions, type ResolvedRateLimits } from "./middleware/rateLimits.js";
export { walletAuthSecurityHeaders, type SecurityHeadersOptions } from "./middleware/securityHeaders.js";
export type { StepUpOptions } from "./middleware/stepUp.js";
export type { RouterLogger } from "./logger.js";
