import type { JsonObject } from "./common.js";

/** What a trade policy is attached to: a stored exchange credential, or a bot token (narrower, on top of its credentials' policies). */
export type PolicySubjectType = "credential" | "token";

/** A stored trade policy. */
export interface TradePolicyRecord {
  userId: string;
  subjectType: PolicySubjectType;
  subjectId: string;
  /** The whole policy, validated by core before it is stored; adapters keep it as given. */
  policy: JsonObject;
  /** 1 on the first write, one more on each replacement. */
  version: number;
  updatedAt: Date;
}

/** Input of {@link TradePolicyStore.put}. */
export type TradePolicyWrite = Omit<TradePolicyRecord, "version">;

/** One amount asked of a rolling window. */
export interface WindowReservation {
  /** The window's key (one per policy subject, e.g. `credential:<id>`). */
  key: string;
  /** Unique within the key: the reservation's id, to release it. */
  id: string;
  /** Owner (erasure removes the user's windows). */
  userId: string;
  /** Positive decimal string. */
  amount: string;
  /** The window's cap, decimal string. */
  cap: string;
  /** The window's length. */
  seconds: number;
  /** When the amount is spent; the window is `(at - seconds, at]` plus anything stamped later. */
  at: Date;
}

/** Answer of {@link TradePolicyStore.reserveWindow}. */
export interface WindowReservationResult {
  admitted: boolean;
  /** The window's sum before this amount (decimal string, no trailing zeros). */
  used: string;
}

/** Trade policies and their rolling windows, shared by every replica. */
export interface TradePolicyStore {
  /** The subject's policy, or `null` when it has none or it belongs to another user. */
  get(userId: string, subjectType: PolicySubjectType, subjectId: string): Promise<TradePolicyRecord | null>;
  /**
   * Replaces the subject's policy whole (compare-and-set): with `expectedVersion` 0 only when
   * it has none (the new record has version 1), otherwise only when its version is exactly
   * `expectedVersion` (the new one is `expectedVersion + 1`). One statement: of parallel writers
   * expecting the same version exactly one succeeds.
   * @returns the stored record, or `null` when the version did not match (or another user owns the subject).
   * @throws WalletAuthError `NOT_FOUND` when the user has no row.
   */
  put(record: TradePolicyWrite, expectedVersion: number): Promise<TradePolicyRecord | null>;
  /** Deletes the subject's policy and its window; `false` when there was none. */
  delete(userId: string, subjectType: PolicySubjectType, subjectId: string): Promise<boolean>;
  /**
   * Admits `amount` to window `key` only if the amounts already admitted after
   * `at - seconds` plus `amount` stay at or under `cap`, and records it. Atomic and serialised
   * per key across connections and processes (a row lock): parallel reservations can never
   * together exceed the cap. Entries older than 30 days are pruned.
   * @throws WalletAuthError `NOT_FOUND` when the user has no row.
   */
  reserveWindow(reservation: WindowReservation): Promise<WindowReservationResult>;
  /** Takes a reservation back (the order never reached the venue); `false` when absent. */
  releaseWindow(key: string, id: string): Promise<boolean>;
  /** Deletes every policy and window of the user (erasure); returns how many policies. */
  deleteByUser(userId: string): Promise<number>;
}

/** The rolling-window key of a policy subject (the stores delete it with the policy). */
export function policyWindowKey(subjectType: PolicySubjectType, subjectId: string): string {
  return `${subjectType}:${subjectId}`;
}
