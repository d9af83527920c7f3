import type { RequestHandler } from "express";
import helmet from "helmet";

/** Options of {@link walletAuthSecurityHeaders}. */
export interface SecurityHeadersOptions {
  /**
   * `"api"` (default): a strict CSP (nothing may load: responses are JSON) and
   * `Cache-Control: no-store`. `"page"`: for HTML the host serves (the demo UI): only
   * `frame-ancestors 'none'` from CSP, so the page's own scripts and styles are untouched; add
   * your own page CSP next to it.
   */
  profile?: "api" | "page" | undefined;
  /** HSTS max-age in seconds, sent on HTTPS responses only (`req.secure`). Default one year; 0 turns HSTS off. */
  hstsMaxAgeSeconds?: number | undefined;
}

/**
 * The headers every response needs, for the API router and for pages next to it: on every
 * response `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, CSP
 * `frame-ancestors 'none'` with `X-Frame-Options: DENY`, Cross-Origin-Opener/Resource-Policy;
 * `Strict-Transport-Security` (a year, subdomains) only when the request came over HTTPS
 * (`req.secure`: set the app's `trust proxy` to your TLS-terminating load balancer so it can tell).
 * Put it first, before anything that can answer, so errors and 404s carry the headers too.
 *
 * @param options - see {@link SecurityHeadersOptions}.
 * @returns one middleware.
 * @throws TypeError `securityHeaders.<field>: ...` for a bad option.
 * @example
 * ```ts
 * import express from "express";
 * import { walletAuthSecurityHeaders } from "@wallet-auth/adapter-express";
 * const app = express();
 * app.use(walletAuthSecurityHeaders({ profile: "page" })); // the demo UI and everything else
 * ```
 */
export function walletAuthSecurityHeaders(options: SecurityHeadersOptions = {}): RequestHandler {
  const profile = options.profile ?? "api";
  if (profile !== "api" && profile !== "page") throw new TypeError('securityHeaders.profile: "api" or "page"');
  const maxAge = options.hstsMaxAgeSeconds ?? 31_536_000;
  if (!Number.isInteger(maxAge) || maxAge < 0 || maxAge > 63_072_000) throw new TypeError("securityHeaders.hstsMaxAgeSeconds: whole seconds from 0 to 63072000 (2 years)");
  const api = profile === "api";
  const base = helmet({
    // A page keeps its own CSP (set below: frame-ancestors only; helmet insists on a default-src).
    contentSecurityPolicy: api ? { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } } : false,
    // Sent below, on HTTPS only: over plain HTTP the header means nothing (RFC 6797 section 8.1).
    strictTransportSecurity: false,
    referrerPolicy: { policy: "no-referrer" },
    xFrameOptions: { action: "deny" },
    crossOriginResourcePolicy: { policy: "same-origin" },
  });
  const hsts = `max-age=${maxAge}; includeSubDomains`;
  return (req, res, next) => {
    if (maxAge > 0 && req.secure) res.setHeader("Strict-Transport-Security", hsts);
    // Whoever answers later may set a CSP of its own (Express's final 404/500 handler sets
    // `default-src 'none'`, dropping frame-ancestors): put it back just before the head is sent.
    const writeHead = res.writeHead;
    res.writeHead = function (this: typeof res, ...args: unknown[]) {
      const csp = res.getHeader("Content-Security-Policy");
      if (typeof csp === "string" && !csp.includes("frame-ancestors")) res.setHeader("Content-Security-Policy", `${csp}; frame-ancestors 'none'`);
      return (writeHead as (...a: unknown[]) => typeof res).apply(this, args);
    } as typeof res.writeHead;
    if (api) {
      res.setHeader("Cache-Control", "no-store");
      res.setHeader("Pragma", "no-cache");
    } else res.setHeader("Content-Security-Policy", "frame-ancestors 'none'");
    base(req, res, next);
  };
}

/** The router's own: the API profile. */
export function securityHeaders(): RequestHandler {
  return walletAuthSecurityHeaders({ profile: "api" });
}
