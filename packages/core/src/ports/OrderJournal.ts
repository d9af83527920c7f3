import type { JsonObject } from "./common.js";

/**
 * An order in the signed-request journal: one the exchange proxy signed (`origin: "proxy"`), or
 * one the reconciliation job found at the venue that the proxy never signed (`"foreign"`: the key
 * is used elsewhere).
 */
export interface OrderJournalRecord {
  id: string;
  userId: string;
  credentialId: string;
  /** ccxt exchange id. */
  exchange: string;
  origin: "proxy" | "foreign";
  /** The venue's order id; `null` for a proxy order until the venue answered. */
  venueOrderId: string | null;
  /** The client order id the order carried (the proxy's own start with `wa`); `null` when the venue reports none. */
  clientOrderId: string | null;
  /** Unified symbol, e.g. `"BTC/USDT"`. */
  symbol: string;
  side: "buy" | "sell" | null;
  /** When the proxy signed it, or when the venue says a foreign order was placed. */
  placedAt: Date;
  /** When this row was written (for a foreign order: when it was detected). */
  recordedAt: Date;
}

/**
 * The signed-request journal: every order the exchange proxy signed, per credential, and the
 * foreign orders reconciliation found. Proxy rows are unique per (credential, client order id),
 * foreign rows per (credential, venue order id).
 */
export interface OrderJournal {
  /**
   * Writes an entry. A proxy entry whose (credential, client order id) exists already (a retry of
   * the same order) is not duplicated: its missing venue order id is filled in from `record`, and
   * the rest is kept. A foreign entry whose (credential, venue order id) exists is left as is.
   * Atomic per entry. Returns whether a new row was written.
   */
  record(record: OrderJournalRecord): Promise<{ created: boolean }>;
  /**
   * The proxy entries of `credentialId` (owned by `userId`) whose venue order id is in
   * `venueOrderIds` or whose client order id is in `clientOrderIds` (each list at most 1,000
   * items). Nothing found: `[]`.
   */
  findProxyOrders(userId: string, credentialId: string, ids: { venueOrderIds: readonly string[]; clientOrderIds: readonly string[] }): Promise<OrderJournalRecord[]>;
  /** Symbols of the proxy entries of a credential placed at or after `since` (at most `limit`, newest first). */
  recentSymbols(userId: string, credentialId: string, since: Date, limit: number): Promise<string[]>;
  /** The foreign orders of a user (of one credential when given), newest detection first, at most `limit`. */
  listForeign(userId: string, credentialId: string | null, limit: number): Promise<OrderJournalRecord[]>;
  /**
   * Retention: deletes up to `limit` proxy entries placed before `before`; foreign entries are
   * evidence and stay until the user is erased. Returns how many were deleted.
   */
  deleteProxyBefore(before: Date, limit: number): Promise<number>;
  /** Deletes a user's entries (erasure); returns how many. */
  deleteByUser(userId: string): Promise<number>;
}

/** A security incident: one record tying together what was done (kill switch) or found (foreign orders). */
export interface IncidentRecord {
  id: string;
  userId: string;
  kind: "kill_switch" | "foreign_orders";
  /** Non-secret facts: the credentials, tokens, orders and the steps the owner still has to take. */
  details: JsonObject;
  createdAt: Date;
}

/** Security incidents per user. */
export interface IncidentStore {
  /** Inserts an incident (ids are unique; a repeated id is `CONFLICT`). */
  insert(record: IncidentRecord): Promise<void>;
  /** A user's incidents, newest first, at most `limit`. */
  list(userId: string, limit: number): Promise<IncidentRecord[]>;
  /** Deletes a user's incidents (erasure); returns how many. */
  deleteByUser(userId: string): Promise<number>;
}
