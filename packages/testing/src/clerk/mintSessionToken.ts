import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";

/** An RS256 key pair standing in for a Clerk instance, and a publishable key that works offline. */
export interface ClerkTestKeys {
  /** PEM SPKI: what the server is configured with as `jwtKey` (`CLERK_JWT_KEY`). */
  publicKeyPem: string;
  /** PEM PKCS#8 of the signing key (keep it in a 0600 file when persisted). */
  privateKeyPem: string;
  privateKey: KeyObject;
  /** `pk_live_` + base64 of `"<host>$"`: well-formed, so Clerk's SDK accepts it without a network. */
  publishableKey: string;
  /** The `iss` the minted tokens carry. */
  issuer: string;
}

/**
 * A fresh key pair (or one loaded from `privateKeyPem`), for tests and the development sign-in.
 *
 * @example
 * ```ts
 * import { createClerkTestKeys, mintSessionToken } from "@wallet-auth/testing/clerk";
 * const keys = createClerkTestKeys();
 * const token = await mintSessionToken(keys, { userId: "user_1", azp: "http://localhost:3000" });
 * ```
 */
export function createClerkTestKeys(options: { privateKeyPem?: string; host?: string } = {}): ClerkTestKeys {
  const privateKey = options.privateKeyPem ? createPrivateKey(options.privateKeyPem) : generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const publicKeyPem = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const host = options.host ?? "clerk.wallet-auth.localhost";
  return { publicKeyPem, privateKeyPem, privateKey, publishableKey: `pk_live_${Buffer.from(`${host}$`).toString("base64")}`, issuer: `https://${host}` };
}

/** Claims of a minted session token. Times are relative to now, in seconds. */
export interface MintSessionTokenOptions {
  userId?: string | undefined;
  sessionId?: string | undefined;
  /** Authorized party (the frontend origin). */
  azp?: string | undefined;
  iss?: string | undefined;
  /** Default 60 (Clerk session tokens live one minute). Negative gives an expired token. */
  expiresInS?: number | undefined;
  /** Seconds from now until the token becomes valid. Default 0. */
  notBeforeS?: number | undefined;
  /** Minutes since the factors were verified (`fva`); default `[0, -1]` (first factor just now, no second). */
  verifiedMinutesAgo?: [number, number] | null | undefined;
  /** Extra claims (roles, metadata). */
  claims?: Record<string, unknown> | undefined;
  /** Sign with another key (a forged token). */
  signWith?: KeyObject | undefined;
}

/**
 * Mints a Clerk-shaped v2 session token (RS256): `sub`, `sid`, `iss`, `azp`, `iat`, `nbf`,
 * `exp`, `v: 2`, and `fva` for reverification. Verified by `@clerk/backend`'s `verifyToken`
 * with `jwtKey: keys.publicKeyPem`, exactly as production tokens are.
 */
export async function mintSessionToken(keys: ClerkTestKeys, options: MintSessionTokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const fva = options.verifiedMinutesAgo === undefined ? [0, -1] : options.verifiedMinutesAgo;
  const payload: Record<string, unknown> = {
    sid: options.sessionId ?? `sess_${Math.random().toString(36).slice(2, 14)}`,
    v: 2,
    ...(options.azp !== undefined ? { azp: options.azp } : {}),
    ...(fva !== null ? { fva } : {}),
    ...options.claims,
  };
  let jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: "RS256", kid: "ins_wallet_auth_dev", typ: "JWT" })
    .setIssuer(options.iss ?? keys.issuer)
    .setIssuedAt(now - 1)
    .setNotBefore(now + (options.notBeforeS ?? 0) - 1)
    .setExpirationTime(now + (options.expiresInS ?? 60));
  if (options.userId !== undefined) jwt = jwt.setSubject(options.userId);
  return jwt.sign(options.signWith ?? keys.privateKey);
}

/** Tokens an attacker would try: unsigned (`alg: none`) and HS256 keyed with the public key. */
export async function mintForgedTokens(keys: ClerkTestKeys, userId: string, azp?: string): Promise<{ algNone: string; hs256WithPublicKey: string }> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: userId, sid: "sess_forged", iss: keys.issuer, iat: now - 1, nbf: now - 1, exp: now + 60, v: 2, ...(azp ? { azp } : {}) };
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const algNone = `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
  const hs256WithPublicKey = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(keys.publicKeyPem));
  return { algNone, hs256WithPublicKey };
}
