import type { Exchange } from "ccxt";
import { WalletAuthError } from "../errors/index.js";

/** Options for {@link restrictCcxtEndpoints}. */
export interface RestrictCcxtEndpointsOptions {
  /** Rewrites every REST URL in `client.urls.api` to this origin, keeping each path (loopback fakes, proxies). */
  origin?: string | undefined;
  /**
   * Hosts (`host` or `host:port`) the client may contact. Default: the hosts of `client.urls.api`
   * after any rewrite, so a client never talks to anything but its own exchange's API.
   */
  allowedHosts?: readonly string[] | undefined;
  /**
   * Endpoints (`"GET /api/v3/account"`) the client may call; any other method or path is refused.
   * Default: no path check (hosts only).
   */
  allowedEndpoints?: readonly string[] | undefined;
}

function rewrite(value: unknown, origin: string): unknown {
  if (typeof value === "string") {
    if (!/^https?:\/\//.test(value)) return value;
    const url = new URL(value);
    return origin.replace(/\/$/, "") + url.pathname.replace(/\/$/, "") + url.search;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = rewrite(inner, origin);
    return out;
  }
  return value;
}

function collectHosts(value: unknown, into: Set<string>): void {
  if (typeof value === "string" && /^https?:\/\//.test(value)) into.add(new URL(value).host);
  else if (value !== null && typeof value === "object") for (const inner of Object.values(value)) collectHosts(inner, into);
}

/**
 * Points a ccxt client's REST API at `origin` (optional) and guards its `fetch` so that a
 * request to any host outside the allowed set, or (with `allowedEndpoints`) to any other method
 * and path, is refused before a socket opens. Used by the
 * gateway for every client it builds; exported for tests and for clients built by hand.
 *
 * @param client - A ccxt exchange instance (mutated).
 * @param options - Origin to rewrite to, and the allowed hosts.
 * @returns The same client.
 * @throws (from the guarded fetch) `EXCHANGE_UNAVAILABLE` with reason `host-not-allowed`;
 *   `EXCHANGE_UNSUPPORTED` with reason `endpoint-not-allowed`.
 * @example
 * ```ts
 * import { loadCcxt, restrictCcxtEndpoints } from "@wallet-auth/core/ccxt";
 * const ccxt = await loadCcxt();
 * const client = restrictCcxtEndpoints(new ccxt.binance({ enableRateLimit: false }), { origin: "http://127.0.0.1:9000" });
 * ```
 */
export function restrictCcxtEndpoints<T extends Exchange>(client: T, options: RestrictCcxtEndpointsOptions = {}): T {
  const urls = client.urls as { api?: unknown };
  if (options.origin !== undefined) urls.api = rewrite(urls.api, options.origin);
  const allowed = new Set<string>(options.allowedHosts ?? []);
  if (options.allowedHosts === undefined) collectHosts(urls.api, allowed);
  const endpoints = options.allowedEndpoints === undefined ? undefined : new Set(options.allowedEndpoints);
  const original = client.fetch.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const guarded = (url: string, method: unknown = "GET", ...rest: unknown[]): Promise<unknown> => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || !allowed.has(parsed.host)) {
      return Promise.reject(new WalletAuthError("EXCHANGE_UNAVAILABLE", { reason: "host-not-allowed" }));
    }
    if (endpoints !== undefined && !endpoints.has(`${String(method).toUpperCase()} ${parsed.pathname}`)) {
      return Promise.reject(new WalletAuthError("EXCHANGE_UNSUPPORTED", { reason: "endpoint-not-allowed" }));
    }
    return original(url, method, ...rest);
  };
  (client as unknown as { fetch: typeof guarded }).fetch = guarded;
  return client;
}
