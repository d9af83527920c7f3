import { createClerkClient, verifyToken } from "@clerk/backend";
import { type BotTokenScope, type BotTokenService, botTokenScopes, isWalletAuthError, looksLikeBotToken, userIdSchema } from "@wallet-auth/core";
import { createHash, createPublicKey } from "node:crypto";
import type { RequestHandler, Request, Response } from "express";
import { LRUCache } from "lru-cache";

/** How the router verifies Clerk session tokens: offline, with the instance's PEM public key. */
export interface ClerkAuthOptions {
  /**
   * The instance's JWT verification key (PEM, as Clerk's dashboard shows it). No network call is
   * made per request. A one-line environment value with literal `\n` (or `\r\n`) for the line
   * breaks, surrounding quotes, or the bare base64 body are accepted and normalised; a value that
   * still is not Clerk's RSA 2048 public key makes the router throw at construction.
   */
  jwtKey: string;
  /** Origins allowed in the token's `azp` claim. Required: without it any `azp` passes. */
  authorizedParties: readonly string[];
  /** When set, the token's `iss` must equal it. */
  issuer?: string | undefined;
  /** Allowed clock skew in ms. Default 5000 (Clerk's own default). */
  clockSkewMs?: number | undefined;
  /**
   * Which Clerk tokens the API accepts, as Clerk's `acceptsToken`. Default `["session_token"]`.
   * Add `"api_key"` and/or `"oauth_token"` for deployments that hand bots Clerk API keys or
   * OAuth access tokens: each such request is verified by Clerk's Backend API (a network call,
   * needs `secretKey`), its subject must be a user, and its scopes are read as the bot-token
   * scopes of this API (`credentials:read`, `balances:read`, `audit:read`, `exchange:read`,
   * `exchange:trade`); the credential ids an exchange scope may use come from the key's
   * `claims.credentialIds`. Such a caller is a bot: never step-up, token, privacy or admin routes.
   * `"m2m_token"` is refused at start-up: a machine token acts for no user, and every route
   * here is a user's.
   */
  acceptsToken?: readonly ClerkTokenType[] | undefined;
  /** Clerk secret key, needed only to verify API keys and OAuth tokens (`acceptsToken`). */
  secretKey?: string | undefined;
  /** Clerk Backend API origin. Default Clerk's own; set for a proxy or a test stand-in. */
  apiUrl?: string | undefined;
  /**
   * A session with a pending task (`sts: "pending"`, e.g. the user must still set up MFA or choose
   * an organization) is treated as signed out, as Clerk's own SDK does: 401, reason
   * `session-pending`, not counted towards the failed-authentication limit. Set `false` to let
   * such sessions in. Default `true`.
   */
  treatPendingAsSignedOut?: boolean | undefined;
}

/** Clerk token types the router can accept. */
export type ClerkTokenType = "session_token" | "api_key" | "oauth_token";

/**
 * The PEM of a Clerk JWT key given in any of the usual environment shapes: real line breaks,
 * literal `\n` / `\r\n` (a one-line variable), surrounding quotes, or the bare base64 body.
 * Returned re-encoded (canonical 64-column PEM), which is what Clerk's verifier reads.
 *
 * @throws TypeError `clerk.jwtKey: ...` when it is not an RSA 2048 public key (Clerk's RS256 keys;
 * Clerk's offline verifier reads no other size).
 */
export function normalizeJwtKey(value: unknown): string {
  if (typeof value !== "string" || value.trim().length === 0) throw new TypeError("clerk.jwtKey: required (the PEM public key from Clerk's dashboard)");
  let text = value.trim();
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.at(-1) === text[0]) text = text.slice(1, -1).trim();
  text = text.replace(/\\r\\n|\\n|\\r/g, "\n").replace(/\r\n?/g, "\n");
  if (text.includes("PRIVATE KEY")) throw new TypeError("clerk.jwtKey: a private key was given; use the instance's public key");
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = text.includes("-----BEGIN")
      ? createPublicKey(text)
      : createPublicKey({ key: Buffer.from(text.replace(/\s+/g, ""), "base64"), format: "der", type: "spki" });
  } catch {
    throw new TypeError("clerk.jwtKey: not a PEM public key (check the line breaks: use real ones or \\n)");
  }
  const jwk = key.export({ format: "jwk" });
  if (key.asymmetricKeyType !== "rsa" || key.asymmetricKeyDetails?.modulusLength !== 2048 || jwk.e !== "AQAB") {
    throw new TypeError("clerk.jwtKey: not Clerk's RSA 2048 public key");
  }
  return key.export({ type: "spki", format: "pem" }).toString();
}

/** Checks the Clerk options at start-up. @throws TypeError naming the bad field. */
export function checkClerkOptions(options: ClerkAuthOptions): void {
  const accepted = options.acceptsToken ?? ["session_token"];
  for (const type of accepted as readonly string[]) {
    if (!["session_token", "api_key", "oauth_token"].includes(type)) throw new TypeError(`clerk.acceptsToken: ${type === "m2m_token" ? "m2m_token acts for no user and cannot be accepted" : "unknown token type"}`);
  }
  if (accepted.some((t) => t !== "session_token") && !(typeof options.secretKey === "string" && options.secretKey.startsWith("sk_"))) {
    throw new TypeError("clerk.secretKey: required (sk_...) to verify API keys and OAuth tokens");
  }
}

/** The verified caller of a request. */
export interface SessionPrincipal {
  kind: "session";
  userId: string;
  sessionId: string | null;
  /** `true` when the token came from the `__session` cookie (CSRF applies). */
  viaCookie: boolean;
  /** Clerk's factor-verification-age claim: minutes since the first and second factor, `-1` when none. */
  factorVerificationAge: [number, number] | null;
  /** The verified claims (for role checks). */
  claims: Readonly<Record<string, unknown>>;
}

/** A bot calling with a bot access token (`wab_...`). */
export interface BotPrincipal {
  kind: "bot";
  userId: string;
  tokenId: string;
  scopes: BotTokenScope[];
  credentialIds: string[];
  viaCookie: false;
}

/** Attached to `res.locals.principal` by the router's authentication step; `null` when no valid token came. */
export type Principal = SessionPrincipal | BotPrincipal;

/** Why a token was refused; goes to the audit log and the failed-authentication detector, never to a response. */
export type AuthFailureReason =
  | "token-missing"
  | "token-expired"
  | "token-not-active-yet"
  | "token-invalid-signature"
  | "token-invalid-authorized-parties"
  | "token-invalid-issuer"
  | "token-invalid-algorithm"
  | "token-invalid-subject"
  | "token-invalid"
  | "session-pending"
  | "session-revoked"
  | "webhook-signature-invalid"
  | "bot-token-invalid"
  | "machine-token-not-accepted"
  | "machine-token-invalid"
  | "machine-token-no-user";

const KNOWN_REASONS: ReadonlySet<string> = new Set([
  "token-expired",
  "token-not-active-yet",
  "token-invalid-signature",
  "token-invalid-authorized-parties",
  "token-invalid-algorithm",
  "token-invalid",
]);

/**
 * The session token of a request: `Authorization: Bearer`, else Clerk's `__session` cookie. The
 * scheme name is case-insensitive (RFC 9110 section 11.1): `bearer` and `BEARER` are the same.
 */
export function sessionTokenOf(req: Request): { token: string; viaCookie: boolean } | null {
  const header = req.get("authorization");
  if (header !== undefined) {
    const match = /^bearer +([A-Za-z0-9._~+/=-]{1,8192}) *$/i.exec(header);
    return match?.[1] ? { token: match[1], viaCookie: false } : { token: "", viaCookie: false };
  }
  const cookie = (req.cookies as Record<string, unknown> | undefined)?.__session;
  return typeof cookie === "string" && cookie.length > 0 && cookie.length <= 8192 ? { token: cookie, viaCookie: true } : null;
}

/**
 * Verifies a Clerk session token offline. Every failure becomes one {@link AuthFailureReason};
 * Clerk's own error text is never kept.
 */
export async function verifySessionToken(
  token: string,
  options: ClerkAuthOptions,
): Promise<{ ok: true; principal: Omit<SessionPrincipal, "viaCookie"> } | { ok: false; reason: AuthFailureReason }> {
  if (token.length === 0) return { ok: false, reason: "token-invalid" };
  let payload: Record<string, unknown>;
  try {
    payload = (await verifyToken(token, {
      jwtKey: options.jwtKey,
      authorizedParties: [...options.authorizedParties],
      clockSkewInMs: options.clockSkewMs ?? 5_000,
    })) as unknown as Record<string, unknown>;
  } catch (error) {
    const reason = (error as { reason?: unknown } | null)?.reason;
    return { ok: false, reason: typeof reason === "string" && KNOWN_REASONS.has(reason) ? (reason as AuthFailureReason) : "token-invalid" };
  }
  if (options.issuer !== undefined && payload.iss !== options.issuer) return { ok: false, reason: "token-invalid-issuer" };
  if (!userIdSchema.safeParse(payload.sub).success) return { ok: false, reason: "token-invalid-subject" };
  // Clerk's session status claim: a session with a task left (MFA setup, choosing an organization).
  if (payload.sts === "pending" && options.treatPendingAsSignedOut !== false) return { ok: false, reason: "session-pending" };
  const fva = payload.fva;
  const factorVerificationAge =
    Array.isArray(fva) && fva.length === 2 && fva.every((n) => typeof n === "number" && Number.isFinite(n)) ? ([fva[0], fva[1]] as [number, number]) : null;
  return {
    ok: true,
    principal: {
      kind: "session",
      userId: payload.sub as string,
      sessionId: typeof payload.sid === "string" ? payload.sid : null,
      factorVerificationAge,
      claims: payload,
    },
  };
}

const MACHINE_PREFIXES: ReadonlyArray<[string, "api_key" | "oauth_token" | "m2m_token"]> = [
  ["ak_", "api_key"],
  ["oat_", "oauth_token"],
  ["mt_", "m2m_token"],
];

/** The Clerk machine-token type of an opaque token, by its prefix (as Clerk's SDK tells them apart). */
export function clerkMachineTokenType(token: string): "api_key" | "oauth_token" | "m2m_token" | null {
  return MACHINE_PREFIXES.find(([prefix]) => token.startsWith(prefix))?.[1] ?? null;
}

type MachineVerifier = (token: string, type: "api_key" | "oauth_token") => Promise<{ id: string; subject: string; scopes: string[]; claims: Record<string, unknown> | null }>;

/** Verifies Clerk API keys and OAuth access tokens through Clerk's Backend API. */
function clerkMachineVerifier(options: ClerkAuthOptions): MachineVerifier {
  const clerk = createClerkClient({ secretKey: options.secretKey as string, ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}), telemetry: { disabled: true } });
  return async (token, type) => {
    const verified = type === "api_key" ? await clerk.apiKeys.verify(token) : await clerk.idPOAuthAccessToken.verify(token);
    if (verified.revoked || verified.expired) throw new Error("revoked or expired");
    const claims = "claims" in verified && verified.claims && typeof verified.claims === "object" ? (verified.claims as Record<string, unknown>) : null;
    return { id: verified.id, subject: verified.subject, scopes: verified.scopes ?? [], claims };
  };
}

/** A verified Clerk API key / OAuth token as a bot principal, or why it cannot be one. */
async function machinePrincipal(verify: MachineVerifier, token: string, type: "api_key" | "oauth_token"): Promise<BotPrincipal | AuthFailureReason> {
  let verified: Awaited<ReturnType<MachineVerifier>>;
  try {
    verified = await verify(token, type);
  } catch {
    // Clerk's error text (and the token) never travel further.
    return "machine-token-invalid";
  }
  if (!userIdSchema.safeParse(verified.subject).success || !verified.subject.startsWith("user_")) return "machine-token-no-user";
  const scopes = botTokenScopes.filter((scope) => verified.scopes.includes(scope));
  const ids = verified.claims?.credentialIds;
  const credentialIds = Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string" && id.length <= 128) : [];
  return { kind: "bot", userId: verified.subject, tokenId: `clerk:${verified.id}`, scopes, credentialIds, viaCookie: false };
}

/**
 * Session tokens verified in this process, by SHA-256 of the token (the token itself is not
 * kept), each until its own `exp`. A Clerk frontend sends one token for up to a minute of
 * requests; this spares the RS256 verification of each repeat. The claims cached are the ones
 * verification checked; `exp` is enforced by the entry's lifetime and `nbf` was in the past.
 */
class VerifiedSessions {
  readonly #cache = new LRUCache<string, Omit<SessionPrincipal, "viaCookie">>({ max: 10_000, ttlAutopurge: false });

  get(token: string): Omit<SessionPrincipal, "viaCookie"> | undefined {
    return this.#cache.get(this.#key(token));
  }

  keep(token: string, principal: Omit<SessionPrincipal, "viaCookie">): void {
    const exp = principal.claims.exp;
    const ttl = typeof exp === "number" ? exp * 1000 - Date.now() : 0;
    if (ttl > 0) this.#cache.set(this.#key(token), principal, { ttl: Math.min(ttl, 5 * 60_000) });
  }

  #key(token: string): string {
    return createHash("sha256").update(token).digest("base64url");
  }
}

/** Tells whether a Clerk session or its user was revoked here (core's `DeprovisioningService`). */
export interface SessionRevocations {
  isRevoked(sessionId: string | null, userId: string): Promise<boolean>;
}

/**
 * Attaches the verified caller to `res.locals.principal` (or `null`), never redirects and never
 * answers: the per-route guard decides. A failed verification is reported through `onFailure`.
 */
export function authenticate(
  options: ClerkAuthOptions,
  onFailure: (req: Request, res: Response, reason: AuthFailureReason) => void,
  bots?: BotTokenService,
  revocations?: SessionRevocations,
): RequestHandler {
  checkClerkOptions(options);
  options = { ...options, jwtKey: normalizeJwtKey(options.jwtKey) };
  const accepted = new Set<string>(options.acceptsToken ?? ["session_token"]);
  const verifyMachine = accepted.has("api_key") || accepted.has("oauth_token") ? clerkMachineVerifier(options) : null;
  const verified = new VerifiedSessions();
  return async (req, res, next) => {
    res.locals.principal = null;
    const found = sessionTokenOf(req);
    if (found === null) return next();
    const machineType = found.viaCookie ? null : clerkMachineTokenType(found.token);
    if (machineType !== null) {
      const result =
        machineType === "m2m_token" || !accepted.has(machineType) || verifyMachine === null ? "machine-token-not-accepted" : await machinePrincipal(verifyMachine, found.token, machineType);
      if (typeof result === "string") {
        res.locals.authFailure = result;
        onFailure(req, res, result);
      } else res.locals.principal = result;
      return next();
    }
    if (!found.viaCookie && bots && looksLikeBotToken(found.token)) {
      try {
        const bot = await bots.authenticate(found.token, { ip: req.ip, requestId: String(res.locals.requestId ?? "") });
        res.locals.principal = { kind: "bot", ...bot, viaCookie: false } satisfies BotPrincipal;
      } catch (error) {
        if (!isWalletAuthError(error, "UNAUTHENTICATED")) return next(error);
        res.locals.authFailure = "bot-token-invalid";
        onFailure(req, res, "bot-token-invalid");
      }
      return next();
    }
    const known = verified.get(found.token);
    const result = known !== undefined ? ({ ok: true, principal: known } as const) : await verifySessionToken(found.token, options);
    if (result.ok) {
      // A session (or user) ended by a Clerk webhook is refused on every replica although its JWT
      // has not expired: the store is read for every session request, cached or not.
      let revoked: boolean;
      try {
        revoked = revocations !== undefined && (await revocations.isRevoked(result.principal.sessionId, result.principal.userId));
      } catch (error) {
        return next(error);
      }
      if (revoked) {
        res.locals.authFailure = "session-revoked";
        onFailure(req, res, "session-revoked");
        return next();
      }
      if (known === undefined) verified.keep(found.token, result.principal);
      res.locals.principal = { ...result.principal, viaCookie: found.viaCookie } satisfies SessionPrincipal;
    } else {
      res.locals.authFailure = result.reason;
      onFailure(req, res, result.reason);
    }
    next();
  };
}

/** The caller attached by {@link authenticate}. Reading it before that middleware ran is a developer error. */
export function principalOf(res: Response): Principal | null {
  if (!("principal" in res.locals)) throw new Error("principalOf() read before the authenticate middleware ran");
  return res.locals.principal as Principal | null;
}
