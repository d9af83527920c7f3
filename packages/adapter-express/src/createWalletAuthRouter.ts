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
import { type OpenApiDocumentOptions, SERVER_DESCRIPTION, buildOpenApiDocument } from "./openapi.js";
import { type RouteCall, type RouteSpec, needsStepUp } from "./routeSpec.js";
import { accountRoutes } from "./routes/accountRoutes.js";
import { credentialRoutes } from "./routes/credentialRoutes.js";
import type { RouteDeps } from "./routes/deps.js";
import { walletRoutes } from "./routes/walletRoutes.js";
import { botRoutes } from "./routes/botRoutes.js";
import { venueRoutes } from "./routes/venueRoutes.js";
import { policyRoutes } from "./routes/policyRoutes.js";
import { type ClerkWebhookOptions, clerkWebhookRouter, clerkWebhookSpec } from "./routes/clerkWebhookRoutes.js";
import { incidentRoutes } from "./routes/incidentRoutes.js";
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

/** The router, plus its OpenAPI document for a host that serves it elsewhere. */
export type WalletAuthRouter = Router & {
  /**
   * The OpenAPI 3.1 document of this router's routes, e.g. for `GET /openapi.json` at the site
   * root: pass the mount path as `serverUrl` (`"/api"`) so generated clients call
   * `<origin>/api/v1/...`. The router's own `GET <mount>/openapi.json` fills it in itself.
   */
  openApiDocument(options?: OpenApiDocumentOptions): Record<string, unknown>;
};

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
  /**
   * Step-up for sensitive actions; default second factor (or first when none) within 10 minutes.
   * `stepUp.requireMfa` demands an enrolled second factor verified within the window.
   */
  stepUp?: StepUpOptions | undefined;
  /** Who is an admin; default: `metadata.role`, `public_metadata.role` or `role` claim equals `"admin"`. */
  isAdmin?: ((claims: Readonly<Record<string, unknown>>) => boolean) | undefined;
  /** Every rate limit of the router; checked at construction (see {@link RateLimitOptions}). */
  rateLimit?: RateLimitOptions | undefined;
  /** Largest JSON body accepted (after decompression), as bytes or `"64kb"`-style text, 1 byte to 10 MB. Default `"64kb"`. */
  bodyLimit?: string | undefined;
  logger?: RouterLogger | undefined;
  observe?: RouterObserver | undefined;
  /** Clerk webhooks (`POST /v1/webhooks/clerk`, Svix-signed): deprovisioning of deleted users and revoked sessions. Off without it. */
  clerkWebhook?: ClerkWebhookOptions | undefined;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Reasons that are a genuine token of a real user: refused, but never counted as a failed authentication. */
const UNCOUNTED_FAILURES: ReadonlySet<unknown> = new Set<AuthFailureReason>(["session-pending"]);
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
 * Middleware order, fixed: request id, security headers (nosniff, no referrer, frame-ancestors
 * 'none', HSTS over HTTPS, `Cache-Control: no-store`), per-IP rate limit, cookie parsing, body
 * limit + JSON parsing (a body that does not decode is a 400), Clerk authentication (attaches the
 * caller, never redirects), failed-authentication limit (counts a failed token; past the limit a
 * failing request gets 429, a valid one passes), per-user / per-token rate limit, then per route:
 * guard (401/403), CSRF for cookie sessions, input validation (zod, unknown fields refused),
 * step-up, ownership of the credential (proxy), the route's own limit (sensitive, proxy),
 * handler; a known path with another method gets 405 and `Allow`; one error handler last that
 * answers the generic body.
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
export function createWalletAuthRouter(walletAuth: WalletAuth, options: WalletAuthRouterOptions): WalletAuthRouter {
  if (!options.clerk?.jwtKey || !Array.isArray(options.clerk.authorizedParties) || options.clerk.authorizedParties.length === 0) {
    throw new Error("createWalletAuthRouter: clerk.jwtKey and a non-empty clerk.authorizedParties are required");
  }
  const bodyLimit = options.bodyLimit ?? "64kb";
  if (!/^\d{1,8}(b|kb|mb)?$/i.test(String(bodyLimit)) || bytesOf(String(bodyLimit)) < 1 || bytesOf(String(bodyLimit)) > 10 * 1024 * 1024) {
    throw new TypeError('createWalletAuthRouter: bodyLimit: bytes, or "64kb"-style text, from 1 byte to 10mb');
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
  const limiters = createRateLimiters(
    options.rateLimit,
    (error) => {
      observe.rateLimitStoreError?.();
      if (Date.now() - storeErrorLoggedAt < 10_000) return;
      storeErrorLoggedAt = Date.now();
      logger.warn({ event: "rate_limit_store_error", errorName: error instanceof Error ? error.name : typeof error }, "rate-limit store unreachable: allowing requests without limits");
    },
    (reason) => UNCOUNTED_FAILURES.has(reason),
  );

  const csrfTokenFor = (p: Principal) =>
    createHmac("sha256", csrfSecret).update(`csrf:${p.userId}:${p.kind === "session" ? (p.sessionId ?? "") : p.tokenId}`).digest("base64url");
  const deps: RouteDeps = {
    walletAuth,
    logger,
    csrfTokenFor,
    isAdmin: (p) => p.kind === "session" && isAdminClaims(p.claims),
    recentlyVerified: (p) => p.kind === "session" && isRecentlyVerified(p, stepUp),
    reverificationBody: () => reverificationBody(stepUp),
  };
  const routes: RouteSpec[] = [...credentialRoutes(deps), ...walletRoutes(deps), ...accountRoutes(deps), ...botRoutes(deps), ...venueRoutes(deps), ...policyRoutes(deps), ...incidentRoutes(deps), ...(options.clerkWebhook ? [clerkWebhookSpec] : [])];
  for (const spec of routes) {
    if (spec.limit === "proxy" && spec.credentialParam === undefined) throw new Error(`createWalletAuthRouter: ${spec.operationId}: the proxy limit needs credentialParam`);
  }
  // Built once, on first request; only `servers` differs per mount path (and per the case the path
  // was typed in: Express matches mount paths case-insensitively), so no request rebuilds it.
  let openApi: Record<string, unknown> | undefined;

  // Counted against the IP by `limiters.authFailures`, after authentication.
  const onAuthFailure = (req: Request, res: Response, reason: AuthFailureReason) => {
    observe.authFailure?.(reason);
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
  // Before the JSON parser: the signature covers the raw bytes.
  if (options.clerkWebhook) router.use(clerkWebhookRouter(walletAuth, options.clerkWebhook, onAuthFailure, logger));
  router.use(cookieParser());
  router.use((req, res, next) => {
    // JSON only: a body of any other type is refused instead of silently ignored.
    const length = Number(req.get("content-length") ?? 0);
    if ((length > 0 || req.get("transfer-encoding")) && !req.is("application/json")) return sendError(res, "INVALID_INPUT");
    next();
  });
  router.use(express.json({ limit: bodyLimit, strict: true, type: "application/json" }));
  router.use(authenticate(options.clerk, onAuthFailure, walletAuth.tokens, walletAuth.deprovisioning));
  router.use(limiters.authFailures);
  router.use(...limiters.perCaller);

  router.get("/openapi.json", (req, res) => {
    // Relative to the document's own URL, so a generated client calls `<origin><mount>/v1/...`;
    // the Host header is never echoed into it.
    openApi ??= buildOpenApiDocument(routes);
    res.json({ ...openApi, servers: [{ url: req.baseUrl || "/", description: SERVER_DESCRIPTION }] });
  });

  const allowed = new Map<string, Set<string>>([["/openapi.json", new Set(["GET"])]]);
  for (const spec of routes) {
    allowed.set(spec.path, (allowed.get(spec.path) ?? new Set()).add(spec.method.toUpperCase()));
    // Guard, input and step-up first; the route's own limit counts only callers that got that far.
    const limit = spec.limit === "sensitive" ? [limiters.sensitive] : spec.limit === "proxy" ? [limiters.proxy] : [];
    router[spec.method](
      spec.path,
      async (req, res, next) => {
        try {
          const call = await prepare(spec, req, res);
          if (call === null) return;
          res.locals.call = call;
          next();
        } catch (error) {
          next(error);
        }
      },
      ...limit,
      async (_req, res, next) => {
        try {
          const result = await spec.handler(res.locals.call as RouteCall<unknown, unknown, unknown>);
          if (spec.response === "stream" || res.headersSent) return;
          if (spec.response === null) res.status(spec.status ?? 204).end();
          else res.status(spec.status ?? 200).json(result);
        } catch (error) {
          next(error);
        }
      },
    );
  }

  /** The route's guard (401/403), CSRF, input, step-up and ownership checks; `null` when it answered. */
  async function prepare(spec: RouteSpec, req: Request, res: Response): Promise<RouteCall<unknown, unknown, unknown> | null> {
    const principal = principalOf(res);
    if (principal === null) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="wallet-auth"');
      sendError(res, "UNAUTHENTICATED");
      return null;
    }
    if (principal.kind === "session" && principal.viaCookie && UNSAFE.has(req.method) && !csrfOk(req, principal)) return refuse(res, "CSRF_INVALID");
    const params = parseInput(spec.params ?? emptyQuery, { ...req.params }, "params");
    if (principal.kind === "bot") {
      // A bot token reaches only routes that name a scope it holds; never tokens, privacy, admin or step-up routes.
      const scope = typeof spec.scope === "object" ? spec.scope.of(params) : spec.scope;
      if (scope === undefined || spec.auth === "admin" || spec.stepUp) return refuse(res, "FORBIDDEN");
      if (scope !== "any" && !principal.scopes.includes(scope)) return refuse(res, "FORBIDDEN");
      if (spec.credentialParam !== undefined && !principal.credentialIds.includes(String((params as Record<string, unknown>)[spec.credentialParam]))) {
        return refuse(res, "FORBIDDEN");
      }
    } else if (spec.auth === "admin" && !deps.isAdmin(principal)) return refuse(res, "FORBIDDEN");
    const query = parseInput(spec.query ?? emptyQuery, { ...(req.query as object) }, "query");
    const headers = spec.headers ? parseInput(spec.headers, declaredHeaders(spec.headers, req), "headers") : {};
    const body = spec.body ? parseInput(spec.body, req.body ?? {}, "body") : parseInput(noBody, req.body, "body");
    if (needsStepUp(spec, body) && (principal.kind !== "session" || !isRecentlyVerified(principal, stepUp))) {
      const status = errorStatus.FORBIDDEN;
      res.status(status).json({ error: { code: "FORBIDDEN", message: errorMessages.FORBIDDEN, requestId: res.locals.requestId }, ...reverificationBody(stepUp) });
      return null;
    }
    const userAgent = cleanUserAgent(req.get("user-agent"));
    const ctx: RequestContext = {
      userId: principal.userId,
      actor: { type: "user", id: principal.kind === "bot" ? `token:${principal.tokenId}` : principal.userId },
      requestId: String(res.locals.requestId),
      ...(req.ip ? { ip: req.ip } : {}),
      ...(userAgent ? { userAgent } : {}),
    };
    // Another user's (or a missing) credential is NOT_FOUND here, before the per-credential limit
    // counts anything: only the owner's own calls use the owner's budget.
    if (spec.limit === "proxy" && spec.credentialParam !== undefined) await walletAuth.credentials.get(ctx, String((params as Record<string, unknown>)[spec.credentialParam]));
    return { ctx, principal, params, query, body, headers, req, res };
  }

  function refuse(res: Response, code: ErrorCode): null {
    sendError(res, code);
    return null;
  }

  // A known path with a method it does not serve: 405 and the methods it does (RFC 9110 section 15.5.6).
  for (const [path, methods] of allowed) {
    const allow = [...methods, ...(methods.has("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
    router.all(path, (req, res) => {
      res.setHeader("Allow", allow);
      if (req.method === "OPTIONS") return void res.status(204).end();
      sendError(res, "METHOD_NOT_ALLOWED");
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

  return Object.assign(router, { openApiDocument: (documentOptions?: OpenApiDocumentOptions) => buildOpenApiDocument(routes, documentOptions) });
}

/** The request's values of the headers a route declares (and no other), by lower-case name. */
function declaredHeaders(schema: z.ZodObject, req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = req.get(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** `"64kb"`, `"1mb"`, `"512"` -> bytes. */
function bytesOf(text: string): number {
  const match = /^(\d+)(b|kb|mb)?$/i.exec(text);
  if (!match) return Number.NaN;
  const unit = (match[2] ?? "b").toLowerCase();
  return Number(match[1]) * (unit === "mb" ? 1024 * 1024 : unit === "kb" ? 1024 : 1);
}

function principalOfSafe(res: Response): Principal | null {
  return (res.locals.principal as Principal | null | undefined) ?? null;
}

/** Whole seconds (at least 1) an error's details ask the caller to wait, if any. */
function retryAfterSeconds(error: unknown): number | undefined {
  if (!isWalletAuthError(error)) return undefined;
  const seconds = error.details?.retryAfterSeconds;
  const ms = error.details?.retryAfterMs;
  const wait = typeof seconds === "number" ? seconds : typeof ms === "number" ? ms / 1000 : undefined;
  return wait !== undefined && Number.isFinite(wait) && wait > 0 ? Math.max(1, Math.ceil(wait)) : undefined;
}

/** The one last-resort handler: logs what happened (code, reason; never a message or stack), answers the generic body. */
function lastResort(logger: RouterLogger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const type = (error as { type?: unknown } | null)?.type;
    const status = (error as { status?: unknown } | null)?.status;
    let code: ErrorCode;
    if (type === "entity.parse.failed" || type === "entity.too.large" || type === "encoding.unsupported" || type === "charset.unsupported" || type === "request.aborted") code = "INVALID_INPUT";
    // Any other refusal of the body parser (a gzip, deflate or br body that does not inflate is a
    // 400 http-error wrapping zlib's error): the client's fault, never a 500.
    else if (!isWalletAuthError(error) && (error as { expose?: unknown } | null)?.expose === true && typeof status === "number" && status >= 400 && status < 500) code = "INVALID_INPUT";
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
    // A trade policy refused: the rule id (a fixed list, never a value from the request) tells the bot what to change.
    const rule = code === "POLICY_DENIED" && isWalletAuthError(error) ? error.details?.rule : undefined;
    if (typeof rule === "string") {
      res.status(errorStatus.POLICY_DENIED).json({ error: { code, message: errorMessages.POLICY_DENIED, requestId: res.locals.requestId, rule } });
      return;
    }
    // An exchange that asked us to back off, or a refresh asked for too soon: the caller is told
    // when to come back (sendError adds a default to any 429 that names no delay).
    const wait = retryAfterSeconds(error);
    if (code === "RATE_LIMITED") {
      // A service's own limit (the refresh cooldown) refused: the budget headers of a limiter the
      // request passed would say "remaining" on a 429; Retry-After alone is the answer.
      res.removeHeader("RateLimit");
      res.removeHeader("RateLimit-Policy");
    }
    sendError(res, code, wait !== undefined && (code === "EXCHANGE_RATE_LIMITED" || code === "RATE_LIMITED") ? { "Retry-After": String(wait) } : {});
  };
}
