/** The part of a ccxt `Exchange` that {@link connectCcxtToVenue} touches (no ccxt import needed). */
export interface CcxtLikeClient {
  urls: Record<string, unknown>;
  fetch: (url: string, ...rest: never[]) => Promise<unknown>;
}

const ORIGIN = /^https?:\/\/[^/]+/;

function rewrite(value: unknown, origin: string): unknown {
  if (typeof value === "string") return ORIGIN.test(value) ? value.replace(ORIGIN, origin) : value;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = rewrite(inner, origin);
    return out;
  }
  return value;
}

/**
 * Points a real ccxt client at a loopback stand-in: every URL under `urls.api` gets the stand-in's
 * origin (its path kept), and `fetch` refuses any other URL, so a test can never reach the real
 * venue whatever the client builds.
 *
 * @param client - A ccxt exchange instance (e.g. `new ccxt.okx({ apiKey, secret, password })`).
 * @param venue - The running stand-in, or its origin.
 * @returns The same client.
 * @example
 * ```ts
 * import ccxt from "ccxt";
 * import { connectCcxtToVenue, startLoopbackVenue } from "@wallet-auth/testing/venues";
 * const venue = await startLoopbackVenue("okx", { credentials: { apiKey: "k", secret: "s", password: "p" } });
 * const okx = connectCcxtToVenue(new ccxt.okx({ apiKey: "k", secret: "s", password: "p", enableRateLimit: false }), venue);
 * await okx.fetchBalance();
 * ```
 */
export function connectCcxtToVenue<T extends CcxtLikeClient>(client: T, venue: { origin: string } | string): T {
  const origin = typeof venue === "string" ? venue : venue.origin;
  client.urls.api = rewrite(client.urls.api, origin);
  const original = client.fetch.bind(client) as (url: string, ...rest: unknown[]) => Promise<unknown>;
  client.fetch = ((url: string, ...rest: unknown[]) => {
    if (!url.startsWith(origin + "/")) return Promise.reject(new Error("refused: not the loopback venue"));
    return original(url, ...rest);
  }) as T["fetch"];
  return client;
}
