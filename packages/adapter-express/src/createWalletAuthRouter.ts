import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { type ErrorCode, type RequestContext, type WalletAuth, errorMessages, isWalletAuthError, parseInput } from "@wallet-auth/core";
import cookieParser from "cookie-parser";
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from "express";
import { type RouterLogger, silentLogger } from "./logger.js";
import { type AuthFailureReason, type ClerkAuthOptions, type Principal, type SessionPrincipal, authenticate, principalOf } from "./middleware/authenticate.js";
import { type RateLimitOptions, createRateLimiters } from "./middleware/rateLimits.js";
import { requestId } from "./middleware/requestId.js";
import { securityHeaders } from "./middleware/securityHeaders.js";
import { type StepUpOptions, isRecentlyVerified, resolveStepUp, reverificationBody } from "./middleware/stepUp.js";
import { buildOpenApiDocument } from "./openapi.js";
import type { RouteSpec } from "./routeSpec.js";
import { accountRoutes } from "./routes/accountRoutes.js";
import { credentialRoutes } from "./routes/credentialRoutes.js";
import type { RouteDeps } from "./routes/deps.js";
import { walletRoutes } from "./routes/walletRoutes.js";
import { botRoutes } from "./routes/botRoutes.js";
import { emptyQuery } from "./schemas.js";
import { errorStatus } from "./errorStatus.js";
import { publicCode, sendError } from "./sendError.js";
import { z } from "zod";

/** Hooks for metrics (prom-client in the reference server); the router itself depends on no metrics library. */
export interface RouterObserver {
  request?(event: { route: string; method: string; status: number; durationMs: number }): void;
  authFailure?(reason: AuthFailureReason): void;
  /** The shared rate-limit store (Redis) failed; the request went through unlimited. */
  rateLimitStoreError?(): void;
}

/** Options of {@link createWalletAuthRouter}. */
export interface WalletAuthRouterOptions {
  clerk: ClerkAuthOptions;
  /**
   * Origins allowed to make cookie-authenticated writes (the site's own origin, e.g.
   * `https://app.example.com`). Bearer requests are not subject to it.
   */
  allowedOrigins: readonly string[];
  /**
   * Secret (at least 32 bytes) for the CSRF tokens of cookie sessions. Every replica needs the
   * same one. Default: random per router (fine for one process).
   */
  csrfSecret?: Uint8Array | undefined;
  /** Step-up for sensitive actions; default second factor (or first when none) within 10 minutes. */
  stepUp?: StepUpOptions | undefined;
  /** Who is an admin; default: `metadata.role`, `public_metadata.role` or `role` claim equals `"admin"`. */
  isAdmin?: ((claims: Readonly<Record<string, unknown>>) => boolean) | undefined;
  rateLimit?: RateLimitOptions | undefined;
  /** Largest JSON body accepted. Default `"64kb"`. */
  bodyLimit?: string | undefined;
  logger?: RouterLogger | undefined;
  observe?: RouterObserver | undefined;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
// Built once: a zod schema compiles its parser on first use, so one made per request paid that every time.
const noBody = z.union([z.undefined(), z.strictObject({})]);

function defaultIsAdmin(claims: Readonly<Record<string, unknown>>): boolean {
  const roleOf = (v: unknown) => (v && typeof v === "object" ? (v as { role?: unknown }).role : undefined);
  return claims.role === "admin" || roleOf(claims.metadata) === "admin" || roleOf(claims.public_metadata) === "admin";
}

/** A user agent as stored: printable, bounded. */
function cleanUserAgent(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const clean = value.replace(/[^\x20-\x7e]/g, "").slice(0, 512);
  return clean.length > 0 ? clean : undefined;
}

/**
 * The hosted API as an Express 5 router: mount it under any prefix (`app.use("/api", router)`).
 *
 * Middleware order, fixed: request id, security headers (helmet, `Cache-Control: no-store`),
 * per-IP rate limit, failed-authentication limit, cookie parsing, body limit + JSON parsing,
 * Clerk authentication (attaches the caller, never redirects), per-user rate limit, then per
 * route: guard (401/403), CSRF for cookie sessions, input validation (zod, unknown fields
 * refused), step-up, handler; one error handler last that answers the generic body.
 *
 * Client IPs (rate limits, audit) are `req.ip`: set the app's `trust proxy` to your load
 * balancer only, never to "any", or a client can choose its own IP.
 *
 * @param walletAuth - the composed services from `createWalletAuth`.
 * @param options - see {@link WalletAuthRouterOptions}.
 * @returns the router.
 * @example
 * ```ts
 * import express from "express";
 * import { createWalletAuthRouter } from "@wallet-auth/adapter-express";
 * const app = express();
 * app.use("/api", createWalletAuthRouter(walletAuth, {
 *   clerk: { jwtKey: process.env.CLERK_JWT_KEY!, authorizedParties: ["https://app.example.com"] },
 *   allowedOrigins: ["https://app.example.com"],
 * }));
 * ```
 */
export function createWalletAuthRouter(walletAuth: WalletAuth, options: WalletAuthRouterOptions): Router {
  if (!options.clerk?.jwtKey || !Array.isArray(options.clerk.authorizedParties) || options.clerk.authorizedParties.length === 0) {
    throw new Error("createWalletAuthRouter: clerk.jwtKey and a non-empty clerk.authorizedParties are required");
  }
  const logger = options.logger ?? silentLogger;
  const observe = options.observe ?? {};
  const stepUp = resolveStepUp(options.stepUp);
  const isAdminClaims = options.isAdmin ?? defaultIsAdmin;
  const csrfSecret = options.csrfSecret ?? randomBytes(32);
  if (csrfSecret.length < 32) throw new Error("createWalletAuthRouter: csrfSecret must be at least 32 bytes");
  const allowedOrigins = new Set(options.allowedOrigins);
  // Redis unreachable: requests pass without limits (fail open, see docs/deployment.md), logged
  // once per 10 s at most, by error name only.
  let storeErrorLoggedAt = 0;
  const limiters = createRateLimiters(options.rateLimit, (error) => {
    observe.rateLimitStoreError?.();
    if (Date.now() - storeErrorLoggedAt < 10_000) return;
    storeErrorLoggedAt = Date.now();
    logger.warn({ event: "rate_limit_store_error", errorName: error instanceof Error ? error.name : typeof error }, "rate-limit store unreachable: allowing requests without limits");
  });

  const csrfTokenFor = (p: Principal) =>
    createHmac("sha256", csrfSecret).update(`csrf:${p.userId}:${p.kind === "session" ? (p.sessionId ?? "") : p.tokenId}`).digest("base64url");
  const deps: RouteDeps = {
    walletAuth,
    logger,
    csrfTokenFor,
    isAdmin: (p) => p.kind === "session" && isAdminClaims(p.claims),
    recentlyVerified: (p) => p.kind === "session" && isRecentlyVerified(p, stepUp),
  };
  const routes: RouteSpec[] = [...credentialRoutes(deps), ...walletRoutes(deps), ...accountRoutes(deps), ...botRoutes(deps)];
  let openApi: Record<string, unknown> | undefined;

  const onAuthFailure = (req: Request, res: Response, reason: AuthFailureReason) => {
    observe.authFailure?.(reason);
    void limiters.recordAuthFailure(req);
    walletAuth.audit
      .recordSystem(
        walletAuth.store,
        { action: "auth.failure", outcome: "failure", details: { reason } },
        { chain: "auth", actor: { type: "anonymous", id: null }, requestId: String(res.locals.requestId), ip: req.ip },
      )
      .catch((error: unknown) => logger.warn({ requestId: res.locals.requestId, code: publicCode(error) }, "auth failure not audited"));
  };

  const router = express.Router({ strict: false });
  router.use(requestId());
  router.use(securityHeaders());
  const onRequest = observe.request;
  if (onRequest) {
    router.use((req, res, next) => {
      const started = performance.now();
      res.on("finish", () => {
        const matched = (req.route as { path?: string } | undefined)?.path;
        onRequest({ route: matched ?? "unmatched", method: req.method, status: res.statusCode, durationMs: performance.now() - started });
      });
      next();
    });
  }
  router.use(limiters.perIp);
  router.use(limiters.authFailures);
  router.use(cookieParser());
  router.use((req, res, next) => {
    // JSON only: a body of any other type is refused instead of silently ignored.
    const length = Number(req.get("content-length") ?? 0);
    if ((length > 0 || req.get("transfer-encoding")) && !req.is("application/json")) return sendError(res, "INVALID_INPUT");
    next();
  });
  router.use(express.json({ limit: options.bodyLimit ?? "64kb", strict: true, type: "application/json" }));
  router.use(authenticate(options.clerk, onAuthFailure, walletAuth.tokens));
  router.use(limiters.perUser);

  router.get("/openapi.json", (_req, res) => {
    openApi ??= buildOpenApiDocument(routes);
    res.json(openApi);
  });

  for (const spec of routes) {
    const chain = spec.limit === "sensitive" ? [limiters.sensitive] : spec.limit === "proxy" ? [limiters.proxy] : [];
    router[spec.method](spec.path, ...chain, async (req, res, next) => {
      try {
        const principal = principalOf(res);
        if (principal === null) {
          res.setHeader("WWW-Authenticate", 'Bearer realm="wallet-auth"');
          return sendError(res, "UNAUTHENTICATED");
        }
        if (principal.kind === "session" && principal.viaCookie && UNSAFE.has(req.method) && !csrfOk(req, principal)) return sendError(res, "CSRF_INVALID");
        const params = parseInput(spec.params ?? emptyQuery, { ...req.params }, "params");
        if (principal.kind === "bot") {
          // A bot token reaches only routes that name a scope it holds; never tokens, privacy, admin or step-up routes.
          const scope = typeof spec.scope === "function" ? spec.scope(params) : spec.scope;
          if (scope === undefined || spec.auth === "admin" || spec.stepUp) return sendError(res, "FORBIDDEN");
          if (scope !== "any" && !principal.scopes.includes(scope)) return sendError(res, "FORBIDDEN");
          if (spec.credentialParam !== undefined && !principal.credentialIds.includes(String((params as Record<string, unknown>)[spec.credentialParam]))) {
            return sendError(res, "FORBIDDEN");
          }
        } else if (spec.auth === "admin" && !deps.isAdmin(principal)) return sendError(res, "FORBIDDEN");
        const query = parseInput(spec.query ?? emptyQuery, { ...(req.query as object) }, "query");
        const body = spec.body ? parseInput(spec.body, req.body ?? {}, "body") : parseInput(noBody, req.body, "body");
        const needsStepUp = typeof spec.stepUp === "function" ? spec.stepUp(body) : spec.stepUp === true;
        if (needsStepUp && (principal.kind !== "session" || !isRecentlyVerified(principal, stepUp))) {
          const status = errorStatus.FORBIDDEN;
          res.status(status).json({ error: { code: "FORBIDDEN", message: errorMessages.FORBIDDEN, requestId: res.locals.requestId }, ...reverificationBody(stepUp) });
          return;
        }
        const ctx: RequestContext = {
          userId: principal.userId,
          actor: { type: "user", id: principal.kind === "bot" ? `token:${principal.tokenId}` : principal.userId },
          requestId: String(res.locals.requestId),
          ...(req.ip ? { ip: req.ip } : {}),
          ...(cleanUserAgent(req.get("user-agent")) ? { userAgent: cleanUserAgent(req.get("user-agent")) } : {}),
        };
        const result = await spec.handler({ ctx, principal, params, query, body, req, res });
        if (spec.response === "stream" || res.headersSent) return;
        if (spec.response === null) res.status(spec.status ?? 204).end();
        else res.status(spec.status ?? 200).json(result);
      } catch (error) {
        next(error);
      }
    });
  }

  // Unknown routes under the router: the same JSON shape, never Express's HTML page.
  router.use((req, res) => {
    if (principalOfSafe(res) === null && res.locals.authFailure) return sendError(res, "UNAUTHENTICATED");
    sendError(res, "NOT_FOUND");
  });
  router.use(lastResort(logger));

  function csrfOk(req: Request, principal: SessionPrincipal): boolean {
    const origin = req.get("origin");
    const site = req.get("sec-fetch-site");
    if (site !== undefined && site !== "same-origin") return false;
    if (!origin || origin === "null" || !allowedOrigins.has(origin)) return false;
    const given = req.get("x-csrf-token") ?? "";
    const expected = csrfTokenFor(principal);
    return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  }

  return router;
}

function principalOfSafe(res: Response): Principal | null {
  return (res.locals.principal as Principal | null | undefined) ?? null;
}

/** The one last-resort handler: logs what happened (code, reason; never a message or stack), answers the generic body. */
function lastResort(logger: RouterLogger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const type = (error as { type?: unknown } | null)?.type;
    let code: ErrorCode;
    if (type === "entity.parse.failed" || type === "entity.too.large" || type === "encoding.unsupported" || type === "charset.unsupported" || type === "request.aborted") code = "INVALID_INPUT";
    // A path parameter that is not valid percent-encoding (`/v1/credentials/%`): Express fails to decode it.
    else if (error instanceof URIError) code = "INVALID_INPUT";
    else code = publicCode(error);
    const fields = isWalletAuthError(error) ? error.details?.fields : undefined;
    const entry = { requestId: res.locals.requestId, code, reason: isWalletAuthError(error) ? error.reason : undefined, kind: error instanceof Error ? error.name : typeof error };
    if (errorStatus[code] >= 500) logger.error(entry, "request failed");
    else logger.info(entry, "request refused");
    if (res.headersSent) return void res.destroy();
    if (fields && code === "INVALID_INPUT") {
      res.status(400).json({ error: { code, message: "The request is invalid.", requestId: res.locals.requestId, fields } });
      return;
    }
    // An exchange that asked us to back off: the caller is told when to come back.
    const wait = code === "EXCHANGE_RATE_LIMITED" && isWalletAuthError(error) ? error.details?.retryAfterSeconds : undefined;
    sendError(res, code, typeof wait === "number" && wait > 0 ? { "Retry-After": String(Math.ceil(wait)) } : {});
  };
}
