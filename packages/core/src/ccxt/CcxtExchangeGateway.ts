import { LRUCache } from "lru-cache";
import type { Exchange, Market } from "ccxt";
import { WalletAuthError } from "../errors/index.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import { type KeyPermissions, unknownKeyPermissions } from "../ports/KeyPermissions.js";
import type {
  ExchangeBalance,
  ExchangeCallInput,
  ProxyCallInput,
  ExchangeDescription,
  ExchangeGateway,
  ExchangeHistoryEntry,
  ExchangeKeyInfo,
  ExchangeSecretField,
} from "../ports/ExchangeGateway.js";
import { toExchangeBalances, tradeToEntry, transactionToEntry } from "./ccxtNormalise.js";
import { buildCcxtClient, type CcxtClientSettings } from "./buildCcxtClient.js";
import { SharedConnections } from "./sharedConnections.js";
import { type CcxtModule, hasCcxtExchange, loadCcxt } from "./loadCcxt.js";
import { mapCcxtError } from "./mapCcxtError.js";
import { toLegacyPermissions } from "./venues/legacyPermissions.js";
import { venueModule } from "./venues/registry.js";
import type { CallImplicit } from "./venues/VenueModule.js";

/** Options for {@link createCcxtExchangeGateway}. */
export interface CcxtExchangeGatewayOptions extends CcxtClientSettings {
  /** Exchange ids offered; default every ccxt exchange. Others get `EXCHANGE_UNSUPPORTED`. */
  exchanges?: readonly string[] | undefined;
  /** Unified symbols (e.g. `"BTC/USDT"`) whose trades `fetchHistory` reads, per exchange id. */
  historySymbols?: Readonly<Record<string, readonly string[]>> | undefined;
  /** Most symbols `fetchHistory` queries for trades (one request each). Default 10. */
  maxHistorySymbols?: number | undefined;
  /** How long loaded markets are reused. Default 1 hour. */
  marketsTtlMs?: number | undefined;
  /** Longest server-wide back-off taken from an exchange's `Retry-After`, in seconds. Default 3600. */
  maxBackoffSeconds?: number | undefined;
  clock?: Clock | undefined;
}

const SECRET_FIELDS: readonly ExchangeSecretField[] = ["apiKey", "secret", "password", "uid"];
const QUOTES = ["USDT", "USDC", "FDUSD", "BUSD", "USD", "EUR", "BTC", "ETH"];

/**
 * `ExchangeGateway` over ccxt. ccxt is imported on first use. Every authenticated call builds a
 * fresh ccxt client that holds the caller's secret for that call only (clients are never
 * shared between calls or users), reuses markets loaded once per exchange, and sends its
 * requests over the exchange's shared kept-alive connections ({@link SharedConnections}).
 * After a rate-limit answer with `Retry-After`, the process sends that exchange nothing until
 * then: calls fail at once with `EXCHANGE_RATE_LIMITED` and `details.retryAfterSeconds`.
 */
class CcxtExchangeGateway implements ExchangeGateway {
  private readonly options: CcxtExchangeGatewayOptions;
  private readonly clock: Clock;
  /** One public markets client per exchange (each holds megabytes of markets): a few at most. */
  private readonly markets = new LRUCache<string, { at: number; loading: Promise<Exchange> }>({ max: 16 });
  /** Bounded by ccxt's list of exchanges (`supported` refuses other ids); the LRU bound is a backstop. */
  private readonly descriptions = new LRUCache<string, ExchangeDescription>({ max: 256 });
  /** Kept-alive connections shared by the per-call clients, one pool per exchange. */
  private readonly connections = new SharedConnections();
  /** Per exchange: epoch ms before which this process sends it nothing (its `Retry-After`). */
  private readonly backoffUntil = new Map<string, number>();

  constructor(options: CcxtExchangeGatewayOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  async describe(exchange: string): Promise<ExchangeDescription> {
    const cached = this.descriptions.get(exchange);
    if (cached !== undefined) return cached;
    const ccxt = await this.supported(exchange);
    const client = buildCcxtClient(ccxt, exchange, this.options);
    const required = client.requiredCredentials as Record<string, boolean>;
    const description: ExchangeDescription = {
      exchange,
      requiredFields: SECRET_FIELDS.filter((field) => required[field] === true),
      reportsPermissions: venueModule(exchange)?.reportsPermissions === true,
    };
    this.descriptions.set(exchange, description);
    return description;
  }

  async validate(input: ExchangeCallInput): Promise<ExchangeKeyInfo> {
    const ccxt = await this.supported(input.exchange);
    const venue = venueModule(input.exchange);
    return this.withClient(input, async (client) => {
      await client.fetchBalance();
      let kp: KeyPermissions = unknownKeyPermissions();
      let reported = false;
      if (venue?.introspect !== undefined) {
        try {
          kp = await venue.introspect(implicitCaller(client), input.secret.apiKey);
          reported = true;
        } catch (error) {
          // A key that may not read its own permissions (or a venue that moved the endpoint) leaves
          // them unknown; a refused key, an IP refusal or a venue outage is the validation's answer.
          const code = mapCcxtError({ ccxt, error, ipRestricted: input.ipRestricted }).code;
          if (code !== "CREDENTIAL_PERMISSION_INSUFFICIENT" && code !== "EXCHANGE_UNSUPPORTED") throw error;
        }
      }
      // The balance call just succeeded: the key can read, whatever else is known.
      if (kp.read === "unknown") kp = { ...kp, read: true };
      const expiry = kp.expiresAt === null ? null : new Date(kp.expiresAt);
      return { permissions: toLegacyPermissions(kp), keyPermissions: kp, expiresAt: expiry, permissionsReported: reported && kp.withdraw !== "unknown" };
    });
  }

  async fetchBalances(input: ExchangeCallInput): Promise<ExchangeBalance[]> {
    return this.withClient(input, async (client) => toExchangeBalances(await client.fetchBalance()));
  }

  async fetchHistory(input: ExchangeCallInput & { since?: Date | undefined; limit?: number | undefined }): Promise<ExchangeHistoryEntry[]> {
    const since = input.since?.getTime();
    const limit = input.limit;
    return this.withClient(input, async (client) => {
      const entries: ExchangeHistoryEntry[] = [];
      if (client.has.fetchMyTrades === true) {
        for (const symbol of await this.historySymbols(client, input.exchange)) {
          for (const trade of await client.fetchMyTrades(symbol, since, limit)) entries.push(tradeToEntry(trade));
        }
      }
      const ccxt = await loadCcxt();
      // Coinbase's deposit and withdrawal lists are per account (currency): ccxt refuses the call
      // without one before sending anything. That venue's history is its trades; the rest of the
      // history must not fail with it (it was a 503 for every Coinbase history request).
      const perCurrencyOnly = (error: unknown): [] => {
        if (error instanceof ccxt.ArgumentsRequired) return [];
        throw error;
      };
      if (client.has.fetchDeposits === true) {
        for (const tx of await client.fetchDeposits(undefined, since, limit).catch(perCurrencyOnly)) entries.push(transactionToEntry(tx, "deposit"));
      }
      if (client.has.fetchWithdrawals === true) {
        for (const tx of await client.fetchWithdrawals(undefined, since, limit).catch(perCurrencyOnly)) entries.push(transactionToEntry(tx, "withdrawal"));
      }
      return entries.sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime());
    });
  }

  async proxy(input: ProxyCallInput): Promise<unknown> {
    const { method, args } = input;
    return this.withClient(input, async (client) => {
      // Decimal strings all the way: ccxt takes strings for amounts and prices (its precision
      // rounding is string arithmetic), where a JS number would round 18 decimals to ~16 digits.
      const amount = args.amount as unknown as number | undefined;
      const price = args.price as unknown as number | undefined;
      let result: unknown;
      switch (method) {
        case "fetchBalance":
          result = await client.fetchBalance();
          break;
        case "fetchTicker":
          result = await client.fetchTicker(args.symbol!);
          break;
        case "fetchOpenOrders":
          result = await client.fetchOpenOrders(args.symbol, args.since, args.limit);
          break;
        case "fetchOrder":
          result = await client.fetchOrder(args.id!, args.symbol);
          break;
        case "fetchMyTrades":
          result = await client.fetchMyTrades(args.symbol, args.since, args.limit);
          break;
        case "createOrder":
          result = await client.createOrder(args.symbol!, args.type!, args.side!, amount!, price, args.clientOrderId === undefined ? {} : { clientOrderId: args.clientOrderId });
          break;
        case "cancelOrder":
          result = await client.cancelOrder(args.id!, args.symbol);
          break;
        default:
          throw new WalletAuthError("FORBIDDEN", { reason: "proxy-method-not-allowed" });
      }
      return toPlainJson(result);
    });
  }

  /** Configured symbols, else `ASSET/QUOTE` markets of assets with a balance; bounded. */
  private async historySymbols(client: Exchange, exchange: string): Promise<string[]> {
    const max = this.options.maxHistorySymbols ?? 10;
    const configured = this.options.historySymbols?.[exchange];
    const markets = client.markets as Record<string, Market>;
    if (configured !== undefined) return configured.filter((symbol) => symbol in markets).slice(0, max);
    const assets = toExchangeBalances(await client.fetchBalance()).map((b) => b.asset);
    const symbols: string[] = [];
    for (const asset of assets) {
      for (const quote of QUOTES) {
        const symbol = `${asset}/${quote}`;
        if (asset !== quote && markets[symbol]?.spot === true) {
          symbols.push(symbol);
          break;
        }
      }
    }
    return symbols.slice(0, max);
  }

  private async supported(exchange: string): Promise<CcxtModule> {
    const allowed = this.options.exchanges;
    if (allowed !== undefined && !allowed.includes(exchange)) throw new WalletAuthError("EXCHANGE_UNSUPPORTED", { reason: "not-offered" });
    const ccxt = await loadCcxt();
    if (!hasCcxtExchange(ccxt, exchange)) throw new WalletAuthError("EXCHANGE_UNSUPPORTED", { reason: "unknown-exchange" });
    return ccxt;
  }

  /** A public client with markets loaded, shared per exchange (it never holds a secret). */
  private async marketsClient(ccxt: CcxtModule, exchange: string): Promise<Exchange> {
    const ttl = this.options.marketsTtlMs ?? 3_600_000;
    const now = this.clock.now().getTime();
    const cached = this.markets.get(exchange);
    if (cached !== undefined && now - cached.at < ttl) return cached.loading;
    const client = buildCcxtClient(ccxt, exchange, this.options);
    const loading = this.connections
      .attach(exchange, client)
      .then(async () => {
        await client.loadMarkets();
        return client;
      })
      // Mapped here, where the answer's Retry-After is known (a 429 can come on the markets load).
      .catch((error: unknown) => {
        throw mapCcxtError({ ccxt, error, retryAfterSeconds: retryAfterOf(client) });
      });
    this.markets.set(exchange, { at: now, loading });
    loading.catch(() => {
      if (this.markets.get(exchange)?.loading === loading) this.markets.delete(exchange);
    });
    return loading;
  }

  /**
   * Refuses a call while the exchange has asked this process to back off. A rate-limit answer
   * that names a `Retry-After` is about the caller's IP (Binance sends one for request-weight
   * limits, none for one account's order limits), so every key of every user waits it out:
   * Binance bans an IP (418) that keeps calling after a 429. One without it fails that call only.
   */
  private checkBackoff(exchange: string): void {
    const until = this.backoffUntil.get(exchange);
    if (until === undefined) return;
    const left = until - this.clock.now().getTime();
    if (left <= 0) {
      this.backoffUntil.delete(exchange);
      return;
    }
    throw new WalletAuthError("EXCHANGE_RATE_LIMITED", { reason: "exchange-backoff", details: { retryAfterSeconds: Math.ceil(left / 1000) } });
  }

  private backOff(exchange: string, retryAfterSeconds: number): void {
    const seconds = Math.min(retryAfterSeconds, this.options.maxBackoffSeconds ?? 3600);
    const until = this.clock.now().getTime() + seconds * 1000;
    this.backoffUntil.set(exchange, Math.max(until, this.backoffUntil.get(exchange) ?? 0));
  }

  private async withClient<T>(input: ExchangeCallInput & { ipRestricted?: boolean | undefined }, fn: (client: Exchange) => Promise<T>): Promise<T> {
    const ccxt = await this.supported(input.exchange);
    this.checkBackoff(input.exchange);
    let client: Exchange | undefined;
    try {
      const shared = await this.marketsClient(ccxt, input.exchange);
      client = buildCcxtClient(ccxt, input.exchange, this.options, input.secret);
      client.setMarkets(shared.markets, shared.currencies as never);
      await this.connections.attach(input.exchange, client);
      return await abortable(fn(client), input.signal);
    } catch (error) {
      const mapped = mapCcxtError({ ccxt, error, ipRestricted: input.ipRestricted, retryAfterSeconds: client === undefined ? undefined : retryAfterOf(client) });
      const wait = mapped.details?.retryAfterSeconds;
      if (mapped.code === "EXCHANGE_RATE_LIMITED" && typeof wait === "number") this.backOff(input.exchange, wait);
      throw mapped;
    } finally {
      if (client !== undefined) forgetSecret(client);
    }
  }
}

/** Calls a ccxt implicit method by name on `client` (which signs it); a missing method is `EXCHANGE_UNSUPPORTED`. */
function implicitCaller(client: Exchange): CallImplicit {
  return async (method, params) => {
    const fn = (client as unknown as Record<string, unknown>)[method];
    if (typeof fn !== "function") throw new WalletAuthError("EXCHANGE_UNSUPPORTED", { reason: "permission-probe-missing" });
    return (fn as (p: object) => Promise<unknown>).call(client, params ?? {});
  };
}

/** The `Retry-After` (seconds) of the client's last answer, when it sent a usable one. */
function retryAfterOf(client: Exchange): number | undefined {
  const value = Number((client.last_response_headers as Record<string, string> | undefined)?.["Retry-After"]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(new WalletAuthError("EXCHANGE_UNAVAILABLE", { reason: "aborted" }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new WalletAuthError("EXCHANGE_UNAVAILABLE", { reason: "aborted" }));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** ccxt's normalised result as plain JSON, without the raw exchange payloads (`info`). */
function toPlainJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null, (key, v: unknown) => (key === "info" ? undefined : typeof v === "bigint" ? v.toString() : v))) as unknown;
}

/** Drops the secret and the last signed request from a client that is done. */
export function forgetSecret(client: Exchange): void {
  const c = client as unknown as Record<string, unknown>;
  for (const key of ["apiKey", "secret", "password", "uid"]) c[key] = undefined;
  for (const key of ["last_request_headers", "last_request_body", "last_request_url", "last_http_response", "last_json_response"]) c[key] = undefined;
}

/**
 * Creates the ccxt-backed `ExchangeGateway`. Nothing is imported until the first call.
 *
 * @param options - Per-exchange ccxt options, URL overrides (loopback fakes), allowed hosts,
 *   timeout, rate limiter, offered exchanges, history symbols.
 * @returns The gateway.
 * @throws (from its methods) `EXCHANGE_UNSUPPORTED`, `CREDENTIAL_INVALID`,
 *   `CREDENTIAL_PERMISSION_INSUFFICIENT`, `CREDENTIAL_IP_RESTRICTED`, `EXCHANGE_UNAVAILABLE`,
 *   `EXCHANGE_RATE_LIMITED`, `EXCHANGE_CLOCK_SKEW`.
 * @example
 * ```ts
 * import { createCcxtExchangeGateway } from "@wallet-auth/core/ccxt";
 * const exchanges = createCcxtExchangeGateway({ exchanges: ["binance"], timeoutMs: 10_000 });
 * const info = await exchanges.validate({ exchange: "binance", secret: { apiKey, secret } });
 * ```
 */
export function createCcxtExchangeGateway(options: CcxtExchangeGatewayOptions = {}): ExchangeGateway {
  return new CcxtExchangeGateway(options);
}
