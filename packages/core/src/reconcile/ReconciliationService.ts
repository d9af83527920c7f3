import type { AlertService } from "../alerts/AlertService.js";
import type { AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import type { CredentialService } from "../credentials/CredentialService.js";
import { WalletAuthError, isWalletAuthError } from "../errors/index.js";
import { FailureReporter } from "../observe/FailureReporter.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { CredentialRecord } from "../ports/CredentialStore.js";
import type { ExchangeGateway, ExchangeSecret, ProxyArgs, ProxyMethod } from "../ports/ExchangeGateway.js";
import type { OrderJournalRecord } from "../ports/OrderJournal.js";
import { type RandomSource, cryptoRandom } from "../ports/RandomSource.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { keyDeletionSteps } from "./keyDeletionSteps.js";

/** Options of {@link ReconciliationService}. */
export interface ReconciliationServiceOptions {
  store: WalletAuthStore;
  credentials: CredentialService;
  exchanges: ExchangeGateway;
  alerts: AlertService;
  audit: AuditTrail;
  clock?: Clock | undefined;
  random?: RandomSource | undefined;
  failures?: FailureReporter | undefined;
  /** Cancel the credential's open orders at the venue when a foreign order is found. Default `true`. */
  cancelOpenOrders?: boolean | undefined;
  /**
   * Symbols always read per exchange (e.g. `{ binance: ["BTC/USDT"] }`), besides those the proxy
   * traded with the credential recently. Venues such as Binance answer order and trade reads per
   * symbol only, so a foreign order on a symbol in neither list is not seen.
   */
  watchSymbols?: Readonly<Record<string, readonly string[]>> | undefined;
  /**
   * How far back orders are compared; also the journal's retention (an older proxy order is no
   * longer in the journal, so older orders are never judged). Default 7 days.
   */
  windowMs?: number | undefined;
  /** How long one replica holds a credential's reconciliation lease. Default 5 minutes. */
  leaseMs?: number | undefined;
}

/** Result of {@link ReconciliationService.reconcile}. */
export interface ReconcileResult {
  /** Credentials compared with their venue. */
  checked: number;
  /** Credentials another replica was reconciling (lease held), or not trading ones. */
  skipped: number;
  /** Credentials whose check failed (venue or store down): reported, retried next pass. */
  failed: number;
  /** Credentials disabled because an order they did not place was found. */
  compromised: number;
  /** Foreign orders newly recorded. */
  foreignOrders: number;
}

/** An order or trade as the venue reported it, reduced to what matching needs. */
interface VenueOrderSeen {
  venueOrderId: string;
  clientOrderId: string | null;
  symbol: string;
  side: "buy" | "sell" | null;
  placedAt: Date;
  open: boolean;
}

const STREAM = "reconcile";
// A cutoff no key is newer than (year 9999: PGlite cannot bind the largest JS date).
const FAR_FUTURE = new Date("9999-12-31T00:00:00Z");
const MAX_SYMBOLS = 20;
const MAX_LOOKUPS = 20;

/**
 * Out-of-band detection of a leaked key (the 2022 3Commas pattern: keys copied from a trading
 * service were used to place orders the owners never made). For each active trading credential,
 * reads the venue's recent orders and trades and compares them with the signed-request journal:
 * an order the proxy never signed means the key is used elsewhere. The credential is then
 * disabled, its open orders cancelled (configurable), a high-severity alert raised, and the
 * foreign orders stored for the owner (`listForeignOrders`) with an incident record.
 *
 * Replica-safe: one credential is reconciled by one replica at a time (a lease per credential),
 * foreign orders are unique per (credential, venue order id), and each credential keeps a cursor.
 */
export class ReconciliationService {
  readonly #o: ReconciliationServiceOptions;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #failures: FailureReporter;
  readonly #owner: string;

  constructor(options: ReconciliationServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? cryptoRandom;
    this.#failures = options.failures ?? new FailureReporter({ clock: this.#clock });
    this.#owner = `reconcile:${this.#random.uuid()}`;
  }

  /** The compared window, which is also the journal's retention. */
  get windowMs(): number {
    return this.#o.windowMs ?? 7 * 86_400_000;
  }

  /**
   * One pass over at most `batchSize` (default 500) active credentials.
   *
   * @returns counts; a credential whose venue or store failed is counted `failed` and reported
   *   to the failure observer (`reconcile`), never thrown.
   * @throws `INVALID_INPUT` for a bad `batchSize`.
   */
  async reconcile(options: { batchSize?: number | undefined } = {}): Promise<ReconcileResult> {
    const batchSize = options.batchSize ?? 500;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new WalletAuthError("INVALID_INPUT", { reason: "reconcile-options", details: { fields: ["batchSize"] } });
    const result: ReconcileResult = { checked: 0, skipped: 0, failed: 0, compromised: 0, foreignOrders: 0 };
    // Every active credential (the drift job's listing, with a cutoff no key is newer than).
    const active = await this.#o.store.credentials.listDueForRevalidation(FAR_FUTURE, batchSize);
    for (const record of active) {
      if (record.status !== "active" || !canTrade(record)) {
        result.skipped += 1;
        continue;
      }
      const lease = `reconcile:${record.id}`;
      const now = this.#clock.now();
      if (!(await this.#o.store.leases.tryAcquire(lease, this.#owner, now, new Date(now.getTime() + (this.#o.leaseMs ?? 300_000))))) {
        result.skipped += 1;
        continue;
      }
      try {
        // Another replica may have disabled it between the listing and this lease.
        const current = await this.#o.store.credentials.get(record.userId, record.id);
        if (current === null || current.status !== "active") {
          result.skipped += 1;
          continue;
        }
        const found = await this.#check(current);
        result.checked += 1;
        if (found > 0) {
          result.compromised += 1;
          result.foreignOrders += found;
        }
      } catch (error) {
        result.failed += 1;
        this.#failures.report("reconcile", error);
      } finally {
        await this.#o.store.leases.release(lease, this.#owner).catch((e: unknown) => this.#failures.report("reconcile", e));
      }
    }
    return result;
  }

  /**
   * The foreign orders found for a user (of one credential when given), newest first.
   *
   * @throws `INVALID_INPUT` for a bad id or limit.
   */
  async listForeignOrders(ctx: RequestContext, options: { credentialId?: string | undefined; limit?: number | undefined } = {}): Promise<OrderJournalRecord[]> {
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new WalletAuthError("INVALID_INPUT", { reason: "limit", details: { fields: ["limit"] } });
    return this.#o.store.orderJournal.listForeign(ctx.userId, options.credentialId ?? null, limit);
  }

  /** Compares one credential with its venue; returns how many foreign orders were newly recorded. */
  async #check(record: CredentialRecord): Promise<number> {
    const ctx: RequestContext = { userId: record.userId, actor: { type: "system", id: null } };
    const started = this.#clock.now();
    const windowStart = started.getTime() - this.windowMs;
    const cursor = await this.#o.store.syncCursors.get(record.userId, "exchange", record.id, STREAM);
    // Five minutes of overlap: a trade the venue reports late is still read; seen ones are deduplicated.
    const since = Math.max(windowStart, cursor === null ? windowStart : Number(cursor) - 300_000);
    const symbols = [
      ...new Set([...(this.#o.watchSymbols?.[record.exchange] ?? []), ...(await this.#o.store.orderJournal.recentSymbols(record.userId, record.id, new Date(windowStart), MAX_SYMBOLS))]),
    ].slice(0, MAX_SYMBOLS);
    let found = 0;
    if (symbols.length > 0) {
      found = await this.#o.credentials.use(ctx, record.id, async (secret) => {
        const call = (method: ProxyMethod, args: ProxyArgs) => this.#o.exchanges.proxy({ exchange: record.exchange, secret, method, args, ipRestricted: record.permissions?.ipRestricted === true });
        const seen = await readVenue(call, symbols, since);
        const foreign = await this.#foreign(record, seen.filter((o) => o.open || o.placedAt.getTime() >= windowStart), call);
        if (foreign.length === 0) return 0;
        return this.#respond(ctx, record, foreign, secret, call);
      });
    }
    await this.#o.store.syncCursors.set(record.userId, "exchange", record.id, STREAM, String(started.getTime()), this.#clock.now());
    return found;
  }

  /** The seen orders the journal does not know, by venue id or client order id (a trade's client id is looked up). */
  async #foreign(record: CredentialRecord, seen: VenueOrderSeen[], call: Call): Promise<VenueOrderSeen[]> {
    if (seen.length === 0) return [];
    const byId = new Map(seen.map((o) => [o.venueOrderId, o]));
    const known = await this.#o.store.orderJournal.findProxyOrders(record.userId, record.id, {
      venueOrderIds: [...byId.keys()],
      clientOrderIds: seen.flatMap((o) => (o.clientOrderId === null ? [] : [o.clientOrderId])),
    });
    const knownVenue = new Set(known.flatMap((k) => (k.venueOrderId === null ? [] : [k.venueOrderId])));
    const knownClient = new Set(known.flatMap((k) => (k.clientOrderId === null ? [] : [k.clientOrderId])));
    const unknown = [...byId.values()].filter((o) => !knownVenue.has(o.venueOrderId) && (o.clientOrderId === null || !knownClient.has(o.clientOrderId)));
    const foreign: VenueOrderSeen[] = [];
    for (const [i, order] of unknown.entries()) {
      // A trade names its order only by venue id: the proxy may have died before it learnt that id,
      // so the order's client id is read and matched before it is called foreign.
      if (order.clientOrderId === null && i < MAX_LOOKUPS) {
        const full = toSeen(await call("fetchOrder", { id: order.venueOrderId, symbol: order.symbol }), false);
        if (full?.clientOrderId) {
          order.clientOrderId = full.clientOrderId;
          const match = await this.#o.store.orderJournal.findProxyOrders(record.userId, record.id, { venueOrderIds: [], clientOrderIds: [full.clientOrderId] });
          if (match.length > 0) {
            // Fill the venue id in, so the next pass matches it directly.
            await this.#o.store.orderJournal.record({ ...match[0]!, venueOrderId: order.venueOrderId });
            continue;
          }
        }
      }
      foreign.push(order);
    }
    return foreign;
  }

  /** Records the foreign orders, disables the key, cancels its open orders, alerts and writes the incident. */
  async #respond(ctx: RequestContext, record: CredentialRecord, foreign: VenueOrderSeen[], _secret: ExchangeSecret, call: Call): Promise<number> {
    const now = this.#clock.now();
    let created = 0;
    for (const o of foreign) {
      const { created: fresh } = await this.#o.store.orderJournal.record({
        id: this.#random.uuid(),
        userId: record.userId,
        credentialId: record.id,
        exchange: record.exchange,
        origin: "foreign",
        venueOrderId: o.venueOrderId,
        clientOrderId: o.clientOrderId,
        symbol: o.symbol,
        side: o.side,
        placedAt: o.placedAt,
        recordedAt: now,
      });
      if (fresh) created += 1;
    }
    // Seen before (the owner re-enabled the key after reviewing them): only new foreign orders act.
    if (created === 0) return 0;
    await this.#o.credentials.disable(ctx, record.id).catch((error: unknown) => {
      if (!isWalletAuthError(error, "NOT_FOUND")) throw error;
    });
    const cancelled: string[] = [];
    const cancelFailed: string[] = [];
    if (this.#o.cancelOpenOrders ?? true) {
      // Read again after disabling: an order the proxy placed before the disable landed is cancelled too.
      const symbols = [...new Set(foreign.map((o) => o.symbol).concat(this.#o.watchSymbols?.[record.exchange] ?? []))];
      for (const order of (await readVenue(call, symbols, now.getTime(), { trades: false })).filter((o) => o.open)) {
        try {
          await call("cancelOrder", { id: order.venueOrderId, symbol: order.symbol });
          cancelled.push(order.venueOrderId);
        } catch {
          cancelFailed.push(order.venueOrderId);
        }
      }
    }
    await this.#o.audit.recordNow(this.#o.store, ctx, {
      action: "credential.foreign_orders",
      outcome: "success",
      targetType: "credential",
      targetId: record.id,
      details: { exchange: record.exchange, foreignOrders: created, cancelled: cancelled.length, cancelFailed: cancelFailed.length },
    });
    await this.#o.alerts.raise({
      userId: record.userId,
      kind: "credential.foreign_orders",
      severity: "high",
      details: { credentialId: record.id, exchange: record.exchange, foreignOrders: created, cancelledOrders: cancelled.length, disabled: true },
      dedupeKey: `credential.foreign_orders:${record.id}`,
    });
    await this.#o.store.incidents.insert({
      id: this.#random.uuid(),
      userId: record.userId,
      kind: "foreign_orders",
      createdAt: this.#clock.now(),
      details: {
        credentialId: record.id,
        exchange: record.exchange,
        foreignOrders: foreign.map((o) => ({ venueOrderId: o.venueOrderId, clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, placedAt: o.placedAt.toISOString() })),
        disabled: true,
        cancelledOrders: cancelled,
        cancelFailed,
        keyDeletion: [{ ...keyDeletionSteps(record) }],
      },
    });
    return created;
  }
}

type Call = (method: ProxyMethod, args: ProxyArgs) => Promise<unknown>;

/** Open orders and trades since `since` on each symbol, as orders (a trade stands for its order). */
async function readVenue(call: Call, symbols: readonly string[], since: number, options: { trades?: boolean } = {}): Promise<VenueOrderSeen[]> {
  const seen = new Map<string, VenueOrderSeen>();
  for (const symbol of symbols) {
    for (const raw of asArray(await call("fetchOpenOrders", { symbol }))) {
      const o = toSeen(raw, true);
      if (o) seen.set(o.venueOrderId, o);
    }
    if (options.trades === false) continue;
    for (const raw of asArray(await call("fetchMyTrades", { symbol, since }))) {
      const t = raw as Record<string, unknown>;
      const orderId = idOf(t.order);
      if (orderId === null || seen.has(orderId)) continue;
      seen.set(orderId, { venueOrderId: orderId, clientOrderId: null, symbol: typeof t.symbol === "string" ? t.symbol : symbol, side: sideOf(t.side), placedAt: new Date(Number(t.timestamp ?? 0)), open: false });
    }
  }
  return [...seen.values()];
}

function toSeen(raw: unknown, open: boolean): VenueOrderSeen | null {
  if (typeof raw !== "object" || raw === null) return null;
  const o = raw as Record<string, unknown>;
  const id = idOf(o.id);
  if (id === null || typeof o.symbol !== "string") return null;
  return { venueOrderId: id, clientOrderId: typeof o.clientOrderId === "string" && o.clientOrderId !== "" ? o.clientOrderId : null, symbol: o.symbol, side: sideOf(o.side), placedAt: new Date(Number(o.timestamp ?? 0)), open };
}

/** A key the venue says cannot trade (spot, margin or futures) cannot place a foreign order. */
function canTrade(record: CredentialRecord): boolean {
  const kp = record.keyPermissions;
  if (kp !== null) return !(kp.spotTrade === false && kp.margin === false && kp.futures === false);
  return record.permissions?.trade !== false;
}

const idOf = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null);
const sideOf = (v: unknown): "buy" | "sell" | null => (v === "buy" || v === "sell" ? v : null);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
