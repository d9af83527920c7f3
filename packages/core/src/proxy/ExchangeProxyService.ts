import { z } from "zod";
import type { AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import type { CredentialService } from "../credentials/CredentialService.js";
import { WalletAuthError, isWalletAuthError } from "../errors/index.js";
import type { ExchangeGateway, ProxyArgs, ProxyMethod, WalletAuthStore } from "../ports/index.js";
import { parseContext, parseId, parseInput } from "../validation/parseInput.js";

/** Every method the proxy runs; anything else (withdrawals, transfers, raw endpoints) is `FORBIDDEN`. */
export const proxyMethods: readonly ProxyMethod[] = ["fetchBalance", "fetchTicker", "fetchOpenOrders", "fetchOrder", "fetchMyTrades", "createOrder", "cancelOrder"];

/** Methods that change state on the exchange: a caller needs an explicit trade permission for them. */
export const tradingProxyMethods: ReadonlySet<ProxyMethod> = new Set(["createOrder", "cancelOrder"]);

const symbol = z.string().min(3).max(32).regex(/^[A-Z0-9]{1,16}\/[A-Z0-9]{1,16}(:[A-Z0-9]{1,16})?$/);
const decimal = z.string().max(40).regex(/^(0|[1-9][0-9]*)(\.[0-9]{1,18})?$/).refine((v) => Number(v) > 0, { message: "must be positive" });
const orderId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const since = z.number().int().min(0).max(8_640_000_000_000);
const limit = z.number().int().min(1).max(1000);

const argSchemas: Record<ProxyMethod, z.ZodType<ProxyArgs>> = {
  fetchBalance: z.strictObject({}),
  fetchTicker: z.strictObject({ symbol }),
  fetchOpenOrders: z.strictObject({ symbol: symbol.optional(), since: since.optional(), limit: limit.optional() }),
  fetchOrder: z.strictObject({ id: orderId, symbol }),
  fetchMyTrades: z.strictObject({ symbol, since: since.optional(), limit: limit.optional() }),
  createOrder: z
    .strictObject({ symbol, type: z.enum(["market", "limit"]), side: z.enum(["buy", "sell"]), amount: decimal, price: decimal.optional() })
    .refine((a) => (a.type === "limit") === (a.price !== undefined), { message: "limit orders need a price; market orders take none", path: ["price"] }),
  cancelOrder: z.strictObject({ id: orderId, symbol }),
};

/** Options of {@link ExchangeProxyService}. */
export interface ExchangeProxyServiceOptions {
  store: WalletAuthStore;
  credentials: CredentialService;
  exchanges: ExchangeGateway;
  audit: AuditTrail;
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

  constructor(options: ExchangeProxyServiceOptions) {
    this.#o = options;
  }

  /**
   * @param ctx - the caller (scoped to `ctx.userId`).
   * @param credentialId - the user's stored credential.
   * @param method - one of {@link proxyMethods}.
   * @param args - the method's arguments (validated; unknown fields refused).
   * @returns ccxt's normalised result as JSON.
   * @throws `FORBIDDEN` for a method off the list; `INVALID_INPUT`; `NOT_FOUND`; `CREDENTIAL_DISABLED` /
   *   `CREDENTIAL_EXPIRED` / `CREDENTIAL_UNAVAILABLE`; exchange codes (`EXCHANGE_UNAVAILABLE`, `CREDENTIAL_INVALID`...).
   */
  async call(ctx: RequestContext, credentialId: string, method: string, args: unknown = {}): Promise<unknown> {
    const context = parseContext(ctx);
    const id = parseId(credentialId, "credentialId");
    if (typeof method !== "string" || !(proxyMethods as readonly string[]).includes(method)) {
      throw new WalletAuthError("FORBIDDEN", { reason: "proxy-method-not-allowed" });
    }
    const m = method as ProxyMethod;
    const parsed = parseInput(argSchemas[m], args ?? {}, "args");
    const view = await this.#o.credentials.get(context, id);
    const symbolOf = typeof parsed.symbol === "string" ? parsed.symbol : null;
    try {
      const result = await this.#o.credentials.use(context, id, (secret) =>
        this.#o.exchanges.proxy({ exchange: view.exchange, secret, method: m, args: parsed, ipRestricted: view.permissions?.ipRestricted === true }),
      );
      await this.#record(context, id, m, symbolOf, "success", null);
      return result;
    } catch (error) {
      await this.#record(context, id, m, symbolOf, "failure", isWalletAuthError(error) ? error.code : "INTERNAL").catch(() => undefined);
      throw error;
    }
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
