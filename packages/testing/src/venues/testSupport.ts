import { connectCcxtToVenue } from "./connectCcxtToVenue.js";
import type { LoopbackVenue, VenueCredentials } from "./types.js";

export type CcxtModule = typeof import("ccxt");
export type CcxtExchange = InstanceType<CcxtModule["Exchange"]>;

let loaded: CcxtModule | undefined;

/** ccxt, loaded once per test file. */
export async function loadCcxt(): Promise<CcxtModule> {
  loaded ??= await import("ccxt");
  return loaded;
}

/** A real ccxt client for the stand-in's venue, rate limiter off, every URL pointed at the stand-in. */
export async function ccxtFor(venue: LoopbackVenue, credentials: VenueCredentials, config: Record<string, unknown> = {}): Promise<CcxtExchange> {
  const ccxt = await loadCcxt();
  const Ctor = (ccxt as unknown as Record<string, new (config: object) => CcxtExchange>)[venue.id];
  if (Ctor === undefined) throw new TypeError("unknown ccxt exchange");
  const client = new Ctor({ ...credentials, enableRateLimit: false, timeout: 5000, ...config });
  return connectCcxtToVenue(client as unknown as Parameters<typeof connectCcxtToVenue>[0], venue) as unknown as CcxtExchange;
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}
