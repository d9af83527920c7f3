import { z } from "zod";
import type { AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import { credentialEntry } from "../credentials/credentialEntry.js";
import type { CredentialService } from "../credentials/CredentialService.js";
import type { AlertService } from "../alerts/AlertService.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { JsonObject } from "../ports/common.js";
import type { ExchangeGateway } from "../ports/ExchangeGateway.js";
import type { IncidentRecord } from "../ports/OrderJournal.js";
import { type RandomSource, cryptoRandom } from "../ports/RandomSource.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { parseContext, parseInput } from "../validation/parseInput.js";
import { keyDeletionSteps } from "./keyDeletionSteps.js";

/** Options of {@link KillSwitchService}. */
export interface KillSwitchServiceOptions {
  store: WalletAuthStore;
  credentials: CredentialService;
  exchanges: ExchangeGateway;
  alerts: AlertService;
  audit: AuditTrail;
  clock?: Clock | undefined;
  random?: RandomSource | undefined;
  /** Symbols whose open orders are read per exchange when cancelling (venues such as Binance list orders per symbol). */
  watchSymbols?: Readonly<Record<string, readonly string[]>> | undefined;
}

export const killSwitchInputSchema = z.strictObject({
  /** Also cancel every open order at every venue (on the symbols the proxy traded and the watched ones). Default `false`. */
  cancelOpenOrders: z.boolean().optional(),
});

/** Input of {@link KillSwitchService.run}. */
export type KillSwitchInput = z.input<typeof killSwitchInputSchema>;

/** Result of {@link KillSwitchService.run}. */
export interface KillSwitchResult {
  /** The incident record of this run (or of the earlier run, when nothing was left to stop). */
  incident: IncidentRecord;
  /** `true` when everything was already stopped by an earlier run: nothing changed and no incident was written. */
  alreadyStopped: boolean;
}

/**
 * The kill switch: one action that stops everything a user's keys and bots can do here, for
 * when a key may be leaked. In one transaction it disables every credential and revokes every
 * bot token (each with its audit event carrying the incident id); then it ends the credential
 * leases open in this process (other replicas' leases end at their next status check, and every
 * replica refuses the tokens and the disabled credentials from the next request on, since both
 * are read from the store per request), optionally cancels open orders at every venue, and writes
 * one incident record with what was done and the per-venue steps to delete the keys at the
 * exchanges (only that stops a copy of the key held elsewhere). Idempotent: a second run with
 * nothing left to stop returns the first run's incident.
 */
export class KillSwitchService {
  readonly #o: KillSwitchServiceOptions;
  readonly #clock: Clock;
  readonly #random: RandomSource;

  constructor(options: KillSwitchServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? cryptoRandom;
  }

  /**
   * Runs the kill switch for `ctx.userId`.
   *
   * @param ctx - the user (or an operator acting for them: `actor`).
   * @param input - `cancelOpenOrders` (default `false`).
   * @returns the incident and whether an earlier run had already stopped everything.
   * @throws `INVALID_INPUT`; `STORE_UNAVAILABLE` / `AUDIT_UNAVAILABLE` (nothing changed: the transaction rolled back).
   */
  async run(ctx: RequestContext, input: KillSwitchInput = {}): Promise<KillSwitchResult> {
    const context = parseContext(ctx);
    const { cancelOpenOrders = false } = parseInput(killSwitchInputSchema, input ?? {}, "input");
    const { userId } = context;
    const incidentId = this.#random.uuid();
    const now = this.#clock.now();
    const stopped = await this.#o.store.transaction(async (tx) => {
      const credentials: string[] = [];
      for (const c of await tx.credentials.listByUser(userId)) {
        if (c.status !== "active") continue;
        // Compare-and-set: a status another writer changed meanwhile is left as it is.
        if ((await tx.credentials.update(userId, c.id, { status: "disabled", updatedAt: now }, { expectStatus: "active" })) === null) continue;
        await this.#o.audit.record(tx, context, credentialEntry("credential.disable", "success", c.id, { reason: "kill-switch", incidentId }));
        credentials.push(c.id);
      }
      const tokens: string[] = [];
      for (const t of await tx.botTokens.listByUser(userId)) {
        if (t.revokedAt !== null) continue;
        if ((await tx.botTokens.revoke(userId, t.id, now)) === null) continue;
        await this.#o.audit.record(tx, context, { action: "token.revoke", outcome: "success", targetType: "bot_token", targetId: t.id, details: { reason: "kill-switch", incidentId } });
        tokens.push(t.id);
      }
      const latest = (await tx.incidents.list(userId, 1))[0];
      if (credentials.length === 0 && tokens.length === 0 && !cancelOpenOrders && latest?.kind === "kill_switch") return { credentials, tokens, latest };
      await this.#o.audit.record(tx, context, { action: "account.kill_switch", outcome: "success", targetType: "user", details: { incidentId, credentialsDisabled: credentials.length, tokensRevoked: tokens.length, cancelOpenOrders } });
      return { credentials, tokens, latest: undefined };
    });
    if (stopped.latest !== undefined) return { incident: stopped.latest, alreadyStopped: true };

    await this.#o.credentials.endLeasesOf(userId);
    const all = await this.#o.store.credentials.listByUser(userId);
    const cancellations: JsonObject[] = [];
    if (cancelOpenOrders) {
      for (const c of all) cancellations.push(await this.#cancelAll(context, c.id, c.exchange, incidentId));
    }
    const incident: IncidentRecord = {
      id: incidentId,
      userId,
      kind: "kill_switch",
      createdAt: this.#clock.now(),
      details: {
        credentialsDisabled: stopped.credentials,
        tokensRevoked: stopped.tokens,
        proxyStopped: true,
        cancelOpenOrders,
        cancellations,
        keyDeletion: all.map((c) => ({ ...keyDeletionSteps(c) })),
      },
    };
    await this.#o.store.incidents.insert(incident);
    await this.#o.alerts
      .raise({ userId, kind: "account.kill_switch", severity: "high", details: { incidentId, credentialsDisabled: stopped.credentials.length, tokensRevoked: stopped.tokens.length }, dedupeKey: null })
      .catch(() => undefined);
    return { incident, alreadyStopped: false };
  }

  /**
   * A user's incidents, newest first.
   *
   * @throws `INVALID_INPUT` for a bad limit.
   */
  async listIncidents(ctx: RequestContext, options: { limit?: number | undefined } = {}): Promise<IncidentRecord[]> {
    const context = parseContext(ctx);
    const limit = parseInput(z.number().int().min(1).max(100), options.limit ?? 20, "limit");
    return this.#o.store.incidents.list(context.userId, limit);
  }

  /** Cancels every open order of one credential it can see; the outcome per order goes into the incident. */
  async #cancelAll(ctx: RequestContext, credentialId: string, exchange: string, incidentId: string): Promise<JsonObject> {
    const symbols = [
      ...new Set([...(this.#o.watchSymbols?.[exchange] ?? []), ...(await this.#o.store.orderJournal.recentSymbols(ctx.userId, credentialId, new Date(0), 20))]),
    ];
    const cancelled: string[] = [];
    const failed: string[] = [];
    try {
      await this.#o.credentials.useForIncident(ctx, credentialId, async (secret) => {
        for (const symbol of symbols) {
          const open = await this.#o.exchanges.proxy({ exchange, secret, method: "fetchOpenOrders", args: { symbol } });
          for (const order of Array.isArray(open) ? (open as Record<string, unknown>[]) : []) {
            const id = typeof order.id === "string" ? order.id : String(order.id);
            try {
              await this.#o.exchanges.proxy({ exchange, secret, method: "cancelOrder", args: { id, symbol } });
              cancelled.push(id);
            } catch {
              failed.push(id);
            }
          }
        }
      });
    } catch (error) {
      const code = typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : "INTERNAL";
      return { credentialId, exchange, symbols, cancelled, failed, error: code };
    }
    await this.#o.audit
      .recordNow(this.#o.store, ctx, credentialEntry("credential.cancel_open_orders", "success", credentialId, { incidentId, cancelled: cancelled.length, failed: failed.length }))
      .catch(() => undefined);
    return { credentialId, exchange, symbols, cancelled, failed, error: null };
  }
}
