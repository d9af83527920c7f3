import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from "node:crypto";
import { decodeProtectedHeader, jwtVerify } from "jose";
import type { VenueDefinition, VenueHttpRequest, VenueReply } from "../shared/venueServer.js";
import { coinbaseRoutes } from "./coinbaseRoutes.js";

// Coinbase Advanced Trade API v3 (https://docs.cdp.coinbase.com/advanced-trade/docs/rest-api-auth):
// a short-lived JWT per request in `Authorization: Bearer`, signed with the CDP key's private key.

/** What Coinbase answers to any authentication failure: a bare 401. */
const UNAUTHORIZED: VenueReply = { status: 401, body: "Unauthorized\n" };

/** The longest lifetime Coinbase accepts for a request JWT (ccxt and the SDKs use 120 s). */
const MAX_LIFETIME_S = 120;

/** 88-character base64 v2 (Ed25519) secrets carry the 32-byte seed first. */
function ed25519PublicKey(secret: string): KeyObject | undefined {
  if (secret.includes("PRIVATE KEY")) return undefined;
  const raw = Buffer.from(secret, "base64");
  if (raw.length !== 64) return undefined;
  const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), raw.subarray(0, 32)]);
  return createPublicKey(createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }));
}

/** The JWT's `uri` claim must name this request: `METHOD host/path` (no query). */
function uriMatches(uri: unknown, request: VenueHttpRequest): boolean {
  if (typeof uri !== "string") return false;
  const expected = `${request.method} ${request.header("host") ?? ""}${request.path}`;
  // ccxt strips only "https://" from the URL it signs; a loopback URL is plain http.
  return uri === expected || uri === `${request.method} http://${request.header("host") ?? ""}${request.path}`;
}

/**
 * Coinbase Advanced Trade v3 stand-in. Authentication as Coinbase documents it: a JWT per request
 * in `Authorization: Bearer`, ES256 with the CDP key's EC private key (`secret` is its PEM;
 * `apiKey` is the key name `organizations/{org}/apiKeys/{id}`), or EdDSA for a v2 (88-character
 * base64) secret; header `kid` and claim `sub` name the key, `uri` (or `uris`) names this request
 * as `METHOD host/path`, and the token is inside `nbf`..`exp` and lives at most 120 s. The
 * stand-in verifies with the public key only. Any failure is a bare `401 Unauthorized`, as
 * Coinbase answers (ccxt: AuthenticationError); a missing scope is `403 PERMISSION_DENIED`.
 * `GET /api/v3/brokerage/key_permissions` reports `can_view`, `can_trade` and `can_transfer`
 * (withdraw or transfer). Coinbase reports no IP list or expiry for a key.
 */
export const coinbaseVenue: VenueDefinition = {
  id: "coinbase",
  routes: coinbaseRoutes,
  orderId: () => randomUUID(),
  async authenticate(request, findAccount, now) {
    const header = request.header("authorization");
    if (header === undefined || !header.startsWith("Bearer ")) return UNAUTHORIZED;
    const token = header.slice("Bearer ".length);
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return UNAUTHORIZED;
    }
    if (kid === undefined) return UNAUTHORIZED;
    const found = findAccount(kid);
    if (found === undefined) return UNAUTHORIZED;
    const edKey = found.publicKey === undefined ? ed25519PublicKey(found.credentials.secret) : undefined;
    const key = found.publicKey ?? edKey;
    if (key === undefined) return UNAUTHORIZED;
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: edKey === undefined ? ["ES256"] : ["EdDSA"],
        currentDate: new Date(now),
        subject: kid,
        issuer: edKey === undefined ? ["cdp", "coinbase-cloud"] : ["cdp"],
        requiredClaims: ["exp", "nbf"],
      });
      const exp = payload.exp as number;
      const start = payload.iat ?? (payload.nbf as number);
      if (exp - start > MAX_LIFETIME_S) return UNAUTHORIZED;
      const uris = Array.isArray(payload.uris) ? payload.uris : [payload.uri];
      if (!uris.some((uri) => uriMatches(uri, request))) return UNAUTHORIZED;
    } catch {
      return UNAUTHORIZED;
    }
    return found;
  },
  refuse(reason) {
    if (reason === "ip" || reason === "expired") return UNAUTHORIZED;
    return { status: 403, body: { error: "PERMISSION_DENIED", error_details: "Missing required scopes", message: "Missing required scopes" } };
  },
  notFound: () => ({ status: 404, body: "404 page not found\n" }),
};
