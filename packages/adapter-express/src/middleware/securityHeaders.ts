import type { RequestHandler } from "express";
import helmet from "helmet";

/**
 * helmet with a strict CSP for an API (nothing may load: responses are JSON), HSTS for a year,
 * no referrer, and `Cache-Control: no-store` so no proxy or browser keeps an API response.
 */
export function securityHeaders(): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
      referrerPolicy: { policy: "no-referrer" },
      crossOriginResourcePolicy: { policy: "same-origin" },
    }),
    (_req, res, next) => {
      res.setHeader("Cache-Control", "no-store");
      res.setHeader("Pragma", "no-cache");
      next();
    },
  ];
}
