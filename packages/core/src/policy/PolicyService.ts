import type { AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import { WalletAuthError } from "../errors/index.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { JsonObject } from "../ports/common.js";
import type { MarketCatalog } from "../ports/MarketCatalog.js";
import { type RandomSource, cryptoRandom } from "../ports/RandomSource.js";
import { type PolicySubjectType, type TradePolicyRecord, policyWindowKey } from "../ports/TradePolicyStore.js";
import type { StoreRepositories, WalletAuthStore } from "../ports/UnitOfWork.js";
import { parseContext, parseId } from "../validation/parseInput.js";
import { type PolicyDecision, type PolicyOrder, type PolicyRule, decideTradePolicy } from "./decideTradePolicy.js";
import { parseTradePolicy } from "./parseTradePolicy.js";
import { policyWidening } from "./policyWidening.js";
import { type TradePolicy, defaultTradePolicy, tradePolicySchema } from "./tradePolicySchema.js";

/** Whose policy: a stored credential's, or a bot token's (which narrows its credentials' policies further). */
export interface PolicySubject {
  type: PolicySubjectType;
  id: string;
}

/** A policy as callers see it. */
export interface TradePolicyView {
  subjectType: PolicySubjectType;
  subjectId: string;
  /** The policy in force; for a token without its own policy `null` (its credentials' policies apply alone). */
  policy: TradePolicy | null;
  /** `"default"`: the owner never set one (version 0). */
  source: "default" | "stored";
  version: number;
  updatedAt: Date | null;
}

/** Options of {@link PolicyService.put}. */
export interface PutPolicyOptions {
  /**
   * The caller verified their identity recently (step-up). Without it a policy that allows
   * anything the current one does not (see {@link policyWidening}) is refused with `FORBIDDEN`
   * (`reason` `policy-widening-needs-step-up`, `details.widened`); narrowing needs no step-up.
   */
  stepUpVerified: boolean;
  /** Name of the policy argument in `INVALID_INPUT` fields (`body` for an HTTP body). Default `policy`. */
  field?: string | undefined;
}

/** Input of {@link PolicyService.authorizeOrder}. */
export interface AuthorizeOrderInput {
  credentialId: string;
  /** The bot token placing the order, whose own policy applies too; `null` for the owner. */
  tokenId: string | null;
  order: PolicyOrder;
  /** Called only when a rule needs it: the venue's last (spot) or mark (contracts) price, `null` when unknown. */
  referencePrice: () => Promise<string | null>;
  /** For the audit event of a refusal. */
  method: string;
}

/** An admitted order: its value, and the window reservations to give back if it never reached the venue. */
export interface PolicyPermit {
  notional: string | null;
  /** Takes the window reservations back. Idempotent; never throws. */
  release(): Promise<void>;
}

/** Options of {@link PolicyService}. */
export interface PolicyServiceOptions {
  store: WalletAuthStore;
  audit: AuditTrail;
  /** The venues' markets, to refuse unknown symbols and over-precise caps; without it only the shape is checked. */
  markets?: MarketCatalog | undefined;
  /** The policy of a credential whose owner set none. Default {@link defaultTradePolicy}. */
  defaultPolicy?: ((exchange: string) => TradePolicy) | undefined;
  clock?: Clock | undefined;
  random?: RandomSource | undefined;
}

/** The bot token a request context acts through (`actor.id` `token:<id>`, as the HTTP adapter sets it), or `null`. */
export function tokenIdOf(ctx: RequestContext): string | null {
  const actor = ctx.actor?.id;
  return typeof actor === "string" && actor.startsWith("token:") ? actor.slice("token:".length) : null;
}

/**
 * Trade policies: what a leaked trade-only key (or bot token) can still do through the exchange
 * proxy. Each credential has one (a conservative default until its owner sets one); a bot token
 * may have its own, applied on top, so it can only narrow. Policies are replaced whole
 * (compare-and-set), audited as `policy.update` in the same transaction; widening one needs a
 * recent step-up. Every order is checked before it is signed and sent: a refusal is
 * `POLICY_DENIED` naming the rule, audited as `policy.deny`, and nothing is sent.
 */
export class PolicyService {
  readonly #o: PolicyServiceOptions;
  readonly #clock: Clock;
  readonly #random: RandomSource;

  constructor(options: PolicyServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? cryptoRandom;
  }

  /**
   * The policy in force for a credential or token of the caller.
   * @throws `INVALID_INPUT`; `NOT_FOUND` for a subject that is not the caller's.
   */
  async get(ctx: RequestContext, subject: PolicySubject): Promise<TradePolicyView> {
    const context = parseContext(ctx);
    const s = parseSubject(subject);
    const exchange = await this.#requireSubject(this.#o.store, context.userId, s);
    const record = await this.#o.store.tradePolicies.get(context.userId, s.type, s.id);
    return this.#view(s, exchange, record);
  }

  /**
   * The fields in which `input` would widen the policy in force (empty: as strict or stricter).
   * @throws `INVALID_INPUT` naming the field; `NOT_FOUND`.
   */
  async widening(ctx: RequestContext, subject: PolicySubject, input: unknown): Promise<string[]> {
    const current = await this.get(ctx, subject);
    const next = parseTradePolicy(input, null);
    return current.policy === null ? [] : policyWidening(current.policy, next);
  }

  /**
   * Replaces the subject's policy whole, or not at all.
   * @param options - whether the caller has stepped up (see {@link PutPolicyOptions}).
   * @returns the stored policy.
   * @throws `INVALID_INPUT` naming each bad field (`details.fields`, e.g. `["policy.window"]`); `NOT_FOUND`;
   *   `FORBIDDEN` for a widening without step-up; `CONFLICT` when another write landed meanwhile.
   */
  async put(ctx: RequestContext, subject: PolicySubject, input: unknown, options: PutPolicyOptions): Promise<TradePolicyView> {
    const context = parseContext(ctx);
    const s = parseSubject(subject);
    const exchange = await this.#requireSubject(this.#o.store, context.userId, s);
    const markets = exchange !== null && this.#o.markets !== undefined ? await this.#o.markets.markets(exchange) : null;
    const next = parseTradePolicy(input, markets, options.field ?? "policy");
    const now = this.#clock.now();
    const stored = await this.#o.store.transaction(async (tx) => {
      const record = await tx.tradePolicies.get(context.userId, s.type, s.id);
      const current = this.#view(s, exchange, record);
      const widened = current.policy === null ? [] : policyWidening(current.policy, next);
      if (widened.length > 0 && options.stepUpVerified !== true) {
        throw new WalletAuthError("FORBIDDEN", { reason: "policy-widening-needs-step-up", details: { widened } });
      }
      const written = await tx.tradePolicies.put({ userId: context.userId, subjectType: s.type, subjectId: s.id, policy: next as unknown as JsonObject, updatedAt: now }, current.version);
      // The version moved between the read and the write: the widening check compared against a stale policy.
      if (written === null) throw new WalletAuthError("CONFLICT", { reason: "policy-version" });
      await this.#o.audit.record(tx, context, {
        action: "policy.update",
        outcome: "success",
        targetType: s.type,
        targetId: s.id,
        details: { version: written.version, widened: widened.join(" ") || null, stepUp: widened.length > 0 },
      });
      return written;
    });
    return this.#view(s, exchange, stored);
  }

  /**
   * Checks an order against the credential's policy and the token's (when a token places it),
   * then reserves its value in their rolling windows, atomically. Call it before the order is
   * signed; call `release()` when the venue certainly did not take the order.
   *
   * @returns a permit.
   * @throws `POLICY_DENIED` (`details.rule`, `details.scope`) after auditing `policy.deny`; `NOT_FOUND`.
   */
  async authorizeOrder(ctx: RequestContext, input: AuthorizeOrderInput): Promise<PolicyPermit> {
    const context = parseContext(ctx);
    const credentialId = parseId(input.credentialId, "credentialId");
    const credential = await this.#o.store.credentials.get(context.userId, credentialId);
    if (credential === null) throw new WalletAuthError("NOT_FOUND");
    const scopes: { scope: PolicySubjectType; id: string; policy: TradePolicy }[] = [];
    const credentialRecord = await this.#o.store.tradePolicies.get(context.userId, "credential", credentialId);
    scopes.push({ scope: "credential", id: credentialId, policy: this.#stored(credentialRecord) ?? this.#default(credential.exchange) });
    if (input.tokenId !== null) {
      const tokenPolicy = this.#stored(await this.#o.store.tradePolicies.get(context.userId, "token", parseId(input.tokenId, "tokenId")));
      if (tokenPolicy !== null) scopes.push({ scope: "token", id: input.tokenId, policy: tokenPolicy });
    }

    let price: string | null | undefined;
    const decisions: { scope: PolicySubjectType; id: string; decision: PolicyDecision }[] = [];
    for (const s of scopes) {
      let decision = decideTradePolicy(s.policy, { kind: "order", order: input.order, referencePrice: price ?? null });
      if (!decision.allowed && decision.rule === "price_unavailable" && price === undefined) {
        // Priced only once a rule needs it, and only once for both scopes.
        price = await input.referencePrice();
        decision = decideTradePolicy(s.policy, { kind: "order", order: input.order, referencePrice: price });
      }
      if (!decision.allowed) return this.#deny(context, input, s.scope, s.id, decision.rule);
      decisions.push({ scope: s.scope, id: s.id, decision });
    }

    const at = this.#clock.now();
    const reserved: { key: string; id: string }[] = [];
    const refused = await this.#o.store.transaction(async (tx) => {
      // Always credential before token: a fixed lock order, so two orders never wait on each other.
      for (const d of decisions) {
        if (!d.decision.allowed || d.decision.window === null) continue;
        const key = policyWindowKey(d.scope, d.id);
        const id = this.#random.uuid();
        const w = d.decision.window;
        const result = await tx.tradePolicies.reserveWindow({ key, id, userId: context.userId, amount: w.amount, cap: w.cap, seconds: w.seconds, at });
        if (!result.admitted) {
          // Undo the reservations of this order made so far in this transaction.
          for (const r of reserved) await tx.tradePolicies.releaseWindow(r.key, r.id);
          reserved.length = 0;
          return d;
        }
        reserved.push({ key, id });
      }
      return null;
    });
    if (refused !== null) return this.#deny(context, input, refused.scope, refused.id, "window");

    const first = decisions[0]?.decision;
    let released = false;
    return {
      notional: first?.allowed === true ? first.notional : null,
      release: async () => {
        if (released) return;
        released = true;
        for (const r of reserved) await this.#o.store.tradePolicies.releaseWindow(r.key, r.id).catch(() => false);
      },
    };
  }

  async #deny(ctx: RequestContext, input: AuthorizeOrderInput, scope: PolicySubjectType, id: string, rule: PolicyRule): Promise<never> {
    await this.#o.audit.recordNow(this.#o.store, ctx, {
      action: "policy.deny",
      outcome: "denied",
      targetType: "credential",
      targetId: input.credentialId,
      details: { rule, scope, scopeId: scope === "token" ? id : null, method: input.method, symbol: input.order.symbol, side: input.order.side, type: input.order.type },
    });
    throw new WalletAuthError("POLICY_DENIED", { reason: `policy:${rule}`, details: { rule, scope } });
  }

  #default(exchange: string): TradePolicy {
    return (this.#o.defaultPolicy ?? (() => defaultTradePolicy()))(exchange);
  }

  #stored(record: TradePolicyRecord | null): TradePolicy | null {
    if (record === null) return null;
    const parsed = tradePolicySchema.safeParse(record.policy);
    // A stored policy that no longer parses (edited by hand in the database) refuses everything rather than nothing.
    if (!parsed.success) throw new WalletAuthError("POLICY_DENIED", { reason: "policy-unreadable", details: { rule: "policy_unreadable", scope: record.subjectType } });
    return parsed.data;
  }

  #view(s: PolicySubject, exchange: string | null, record: TradePolicyRecord | null): TradePolicyView {
    const stored = this.#stored(record);
    if (record !== null && stored !== null) {
      return { subjectType: s.type, subjectId: s.id, policy: stored, source: "stored", version: record.version, updatedAt: record.updatedAt };
    }
    return { subjectType: s.type, subjectId: s.id, policy: exchange === null ? null : this.#default(exchange), source: "default", version: 0, updatedAt: null };
  }

  /** The subject's exchange for a credential (`null` for a token), or `NOT_FOUND` when it is not the user's. */
  async #requireSubject(repos: StoreRepositories, userId: string, s: PolicySubject): Promise<string | null> {
    if (s.type === "credential") {
      const credential = await repos.credentials.get(userId, s.id);
      if (credential === null) throw new WalletAuthError("NOT_FOUND");
      return credential.exchange;
    }
    const tokens = await repos.botTokens.listByUser(userId);
    if (!tokens.some((t) => t.id === s.id)) throw new WalletAuthError("NOT_FOUND");
    return null;
  }
}

function parseSubject(subject: unknown): PolicySubject {
  const s = subject as Partial<PolicySubject> | null;
  if (s === null || typeof s !== "object" || (s.type !== "credential" && s.type !== "token")) {
    throw new WalletAuthError("INVALID_INPUT", { reason: "policy-subject", details: { fields: ["subject"] } });
  }
  return { type: s.type, id: parseId(s.id, "subject.id") };
}
