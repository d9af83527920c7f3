import { createHash } from "node:crypto";
import { z } from "zod";
import type { AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import type { CredentialService } from "../credentials/CredentialService.js";
import { WalletAuthError, isWalletAuthError } from "../errors/index.js";
import { FailureReporter } from "../observe/FailureReporter.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { ExchangeGateway, ProxyArgs, ProxyMethod, WalletAuthStore } from "../ports/index.js";
import { cryptoRandom, type RandomSource } from "../ports/RandomSource.js";
import { parseContext, parseId, parseInput } from "../validation/parseInput.js";
import { authorizeProxyOrder, releaseIfNotSent } from "../policy/authorizeProxyOrder.js";
import type { PolicyPermit, PolicyService } from "../policy/PolicyService.js";

/** Every method the proxy runs; anything else (withdrawals, transfers, raw endpoints) is `FORBIDDEN`. */
export const proxyMethods: readonly ProxyMethod[] = ["fetchBalance", "fetchTicker", "fetchOpenOrders", "fetchOrder", "fetchMyTrades", "createOrder", "cancelOrder"];

/** Methods that change state on the exchange: a caller needs an explicit trade permission for them. */
export const tradingProxyMethods: ReadonlySet<ProxyMethod> = new Set(["createOrder", "cancelOrder"]);

const symbol = z.string().min(3).max(32).regex(/^[A-Z0-9]{1,16}\/[A-Z0-9]{1,16}(:[A-Z0-9]{1,16})?$/);
const decimal = z.string().max(40).regex(/^(0|[1-9][0-9]*)(\.[0-9]{1,18})?$/).refine((v) => Number(v) > 0, { message: "must be positive" });
const orderId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
/** What Binance, OKX, Bybit and the other venues all accept as a client order id. */
const clientOrderId = z.string().min(1).max(32).regex(/^[A-Za-z0-9_-]+$/);
/** RFC draft `Idempotency-Key`: an opaque string; visible ASCII only, bounded. */
const idempotencyKeySchema = z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/);
const since = z.number().int().min(0).max(8_640_000_000_000);
const limit = z.number().int().min(1).max(1000);

const argSchemas: Record<ProxyMethod, z.ZodType<ProxyArgs>> = {
  fetchBalance: z.strictObject({}),
  fetchTicker: z.strictObject({ symbol }),
  fetchOpenOrders: z.strictObject({ symbol: symbol.optional(), since: since.optional(), limit: limit.optional() }),
  fetchOrder: z.strictObject({ id: orderId, symbol }),
  fetchMyTrades: z.strictObject({ symbol, since: since.optional(), limit: limit.optional() }),
  createOrder: z
    .strictObject({ symbol, type: z.enum(["market", "limit"]), side: z.enum(["buy", "sell"]), amount: decimal, price: decimal.optional(), clientOrderId: clientOrderId.optional() })
    .refine((a) => (a.type === "limit") === (a.price !== undefined), { message: "limit orders need a price; market orders take none", path: ["price"] }),
  cancelOrder: z.strictObject({ id: orderId, symbol }),
};

/** Options of {@link ExchangeProxyService}. */
export interface ExchangeProxyServiceOptions {
  store: WalletAuthStore;
  credentials: CredentialService;
  exchanges: ExchangeGateway;
  audit: AuditTrail;
  clock?: Clock | undefined;
  random?: RandomSource | undefined;
  /**
   * Where failures after the exchange ran the call are reported (the `exchange.proxy` audit
   * write, storing the idempotent result): the call's result is returned all the same.
   */
  failures?: FailureReporter | undefined;
  /** How long a call's result is kept for its `Idempotency-Key`. Default 24 hours. */
  idempotencyRetentionMs?: number | undefined;
  /**
   * A claimed key whose call has not finished after this long (its process died) may be run again
   * by a retry with the same arguments, with the same client order id. Default 2 minutes (well
   * above an exchange call's timeout).
   */
  idempotencyPendingMs?: number | undefined;
  /**
   * Trade policies: every `createOrder` is checked against them before it is signed and sent
   * (`POLICY_DENIED` otherwise, nothing sent). `createWalletAuth` always wires them; without
   * them orders are not policy-checked.
   */
  policies?: PolicyService | undefined;
}

/** Options of one proxied call. */
export interface ExchangeProxyCallOptions {
  /**
   * The caller's `Idempotency-Key` (1-255 visible ASCII characters). For `createOrder` and
   * `cancelOrder`: the first call's result is stored per user, credential and key, and a retry
   * with the same key and arguments returns it without calling the exchange again. Read methods
   * ignore it.
   */
  idempotencyKey?: string | undefined;
}

/** Result of {@link ExchangeProxyService.run}. */
export interface ExchangeProxyRunResult {
  /** ccxt's normalised result as JSON (orders carry `clientOrderId`). */
  result: unknown;
  /** `true` when the result is the stored one of an earlier call with the same `Idempotency-Key`. */
  replayed: boolean;
}

/**
 * Runs exchange calls for a caller that must never hold the secret (a bot calling the hosted
 * API): the stored credential is opened for the one call through `credentials.use` (audited
 * `credential.use`, refused for disabled, invalid, expired or foreign credentials exactly as a
 * direct use is), ccxt signs and sends the request, and the normalised result is returned.
 * Every call is audited as `exchange.proxy` with the method, the symbol and the outcome only;
 * amounts, prices and order ids are never written.
 */
export class ExchangeProxyService {
  readonly #o: ExchangeProxyServiceOptions;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #failures: FailureReporter;

  constructor(options: ExchangeProxyServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? cryptoRandom;
    this.#failures = options.failures ?? new FailureReporter({ clock: this.#clock });
  }

  /**
   * Runs one call (see {@link ExchangeProxyService.run}) and returns its result only.
   *
   * @param ctx - the caller (scoped to `ctx.userId`).
   * @param credentialId - the user's stored credential.
   * @param method - one of {@link proxyMethods}.
   * @param args - the method's arguments (validated; unknown fields refused).
   * @param options - `idempotencyKey` for orders.
   * @returns ccxt's normalised result as JSON.
   * @throws as {@link ExchangeProxyService.run}.
   */
  async call(ctx: RequestContext, credentialId: string, method: string, args: unknown = {}, options: ExchangeProxyCallOptions = {}): Promise<unknown> {
    return (await this.run(ctx, credentialId, method, args, options)).result;
  }

  /**
   * Runs one allowlisted method with the stored credential. An order always carries a client
   * order id (the caller's `clientOrderId`, else one derived from the `Idempotency-Key`, else a
   * random one), returned in the result. Once the exchange has run a call, the call is reported
   * as done: a failing audit write or result store afterwards is logged and counted
   * ({@link FailureReporter}), never turned into an error the caller would retry.
   *
   * @param ctx - the caller (scoped to `ctx.userId`).
   * @param credentialId - the user's stored credential.
   * @param method - one of {@link proxyMethods}.
   * @param args - the method's arguments (validated; unknown fields refused).
   * @param options - `idempotencyKey` for orders.
   * @returns the result and whether it was replayed from an earlier call with the same key.
   * @throws `FORBIDDEN` for a method off the list; `INVALID_INPUT` (also a malformed `idempotencyKey`);
   *   `CONFLICT` (reason `idempotency-key-in-use`: a call with this key is still running;
   *   `idempotency-key-reused`: the key was used with other arguments); `NOT_FOUND`;
   *   `CREDENTIAL_DISABLED` / `CREDENTIAL_EXPIRED` / `CREDENTIAL_UNAVAILABLE`; exchange codes
   *   (`EXCHANGE_UNAVAILABLE`, `CREDENTIAL_INVALID`...).
   */
  async run(ctx: RequestContext, credentialId: string, method: string, args: unknown = {}, options: ExchangeProxyCallOptions = {}): Promise<ExchangeProxyRunResult> {
    const context = parseContext(ctx);
    const id = parseId(credentialId, "credentialId");
    if (typeof method !== "string" || !(proxyMethods as readonly string[]).includes(method)) {
      throw new WalletAuthError("FORBIDDEN", { reason: "proxy-method-not-allowed" });
    }
    const m = method as ProxyMethod;
    const parsed = parseInput(argSchemas[m], args ?? {}, "args");
    const key = options.idempotencyKey === undefined || !tradingProxyMethods.has(m) ? undefined : parseInput(idempotencyKeySchema, options.idempotencyKey, "idempotencyKey");
    const view = await this.#o.credentials.get(context, id);
    const symbolOf = typeof parsed.symbol === "string" ? parsed.symbol : null;
    const requestHash = hashRequest(m, parsed);
    if (m === "createOrder" && parsed.clientOrderId === undefined) {
      // 28 characters: Gate takes at most 28 (ccxt refuses a longer one before sending); every other venue takes 32 or more.
      parsed.clientOrderId = key === undefined ? `wa${this.#random.uuid().replace(/-/g, "").slice(0, 26)}` : derivedClientOrderId(context.userId, id, key);
    }

    if (key !== undefined) {
      const now = this.#clock.now();
      const claim = await this.#o.store.proxyIdempotency.claim(
        {
          userId: context.userId,
          credentialId: id,
          key,
          requestHash,
          clientOrderId: parsed.clientOrderId ?? null,
          lockedUntil: new Date(now.getTime() + (this.#o.idempotencyPendingMs ?? 120_000)),
          createdAt: now,
          expiresAt: new Date(now.getTime() + (this.#o.idempotencyRetentionMs ?? 24 * 3_600_000)),
        },
        now,
      );
      if (!claim.claimed) {
        const { existing } = claim;
        if (existing.requestHash !== requestHash) throw new WalletAuthError("CONFLICT", { reason: "idempotency-key-reused" });
        if (existing.state === "pending") throw new WalletAuthError("CONFLICT", { reason: "idempotency-key-in-use" });
        return { result: existing.response, replayed: true };
      }
    }

    let result: unknown;
    let permit: PolicyPermit | undefined;
    try {
      result = await this.#o.credentials.use(context, id, async (secret) => {
        const leased = { exchange: view.exchange, secret, ipRestricted: view.permissions?.ipRestricted === true };
        // The policy decides before the order is signed; a ticker is read with the same lease only when a rule needs the price.
        if (m === "createOrder" && this.#o.policies) permit = await authorizeProxyOrder(this.#o.policies, context, id, parsed, (call) => this.#o.exchanges.proxy({ ...leased, ...call }));
        // Journaled before it is signed: an order the venue ran while the proxy died is still ours to reconciliation.
        if (m === "createOrder") await this.#journal(context.userId, id, view.exchange, parsed, null);
        return this.#o.exchanges.proxy({ ...leased, method: m, args: parsed });
      });
    } catch (error) {
      await releaseIfNotSent(permit, error);
      // Not run (or not known to have run): the key is free again, and a retry sends the same client order id.
      if (key !== undefined) await this.#o.store.proxyIdempotency.release(context.userId, id, key).catch((e: unknown) => this.#failures.report("proxy_idempotency", e));
      await this.#record(context, id, m, symbolOf, "failure", isWalletAuthError(error) ? error.code : "INTERNAL").catch((e: unknown) => this.#failures.report("proxy_audit", e));
      throw error;
    }
    // The exchange ran it: from here on nothing may turn the call into a failure the bot would retry.
    if (m === "createOrder" && isRecord(result) && typeof result.clientOrderId !== "string") result.clientOrderId = parsed.clientOrderId;
    if (m === "createOrder" && isRecord(result) && (typeof result.id === "string" || typeof result.id === "number")) {
      await this.#journal(context.userId, id, view.exchange, parsed, String(result.id)).catch((e: unknown) => this.#failures.report("proxy_journal", e));
    }
    if (key !== undefined) {
      await this.#o.store.proxyIdempotency.complete(context.userId, id, key, result).catch((e: unknown) => this.#failures.report("proxy_idempotency", e));
    }
    await this.#record(context, id, m, symbolOf, "success", null).catch((e: unknown) => this.#failures.report("proxy_audit", e));
    return { result, replayed: false };
  }

  /** Writes (or completes, with the venue's order id) the order's signed-request journal entry. */
  async #journal(userId: string, credentialId: string, exchange: string, args: ProxyArgs, venueOrderId: string | null): Promise<void> {
    const now = this.#clock.now();
    await this.#o.store.orderJournal.record({
      id: this.#random.uuid(),
      userId,
      credentialId,
      exchange,
      origin: "proxy",
      venueOrderId,
      clientOrderId: args.clientOrderId ?? null,
      symbol: args.symbol ?? "",
      side: args.side ?? null,
      placedAt: now,
      recordedAt: now,
    });
  }

  async #record(ctx: RequestContext, id: string, method: ProxyMethod, symbol: string | null, outcome: "success" | "failure", code: string | null): Promise<void> {
    await this.#o.audit.recordNow(this.#o.store, ctx, {
      action: "exchange.proxy",
      outcome,
      targetType: "credential",
      targetId: id,
      details: { method, symbol, code },
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** SHA-256 of the method and its arguments (keys sorted), to tell a retry from another call under the same key. */
function hashRequest(method: ProxyMethod, args: ProxyArgs): string {
  const sorted = Object.fromEntries(Object.entries(args).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash("sha256").update(JSON.stringify([method, sorted])).digest("hex");
}

/**
 * The client order id of an order sent under an `Idempotency-Key`: the same for every retry (so
 * even a retry after a crash is one order to the exchange), different across users and credentials.
 */
function derivedClientOrderId(userId: string, credentialId: string, key: string): string {
  return `wa${createHash("sha256").update(`${userId}\0${credentialId}\0${key}`).digest("hex").slice(0, 26)}`;
}
