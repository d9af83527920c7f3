import type { BotTokenRecord } from "../ports/BotTokenStore.js";
import type { TradePolicyRecord } from "../ports/TradePolicyStore.js";
import type { SecurityAlertRecord } from "../ports/AlertStore.js";
import type { AuditEventRecord } from "../ports/AuditLog.js";
import type { BalanceSnapshotRecord } from "../ports/BalanceSnapshotStore.js";
import type { Clock } from "../ports/Clock.js";
import type { CredentialRecord } from "../ports/CredentialStore.js";
import type { NonceRecord } from "../ports/NonceStore.js";
import type { IncidentRecord, OrderJournalRecord } from "../ports/OrderJournal.js";
import type { IdentityEventRecord, MembershipStateRecord, RevokedSubjectRecord } from "../ports/IdentityEventStore.js";
import type { ProxyIdempotencyRecord } from "../ports/ProxyIdempotencyStore.js";
import type { RotationJobRecord } from "../ports/RotationJobStore.js";
import type { TransactionRecord } from "../ports/TransactionStore.js";
import type { UserRecord } from "../ports/UserStore.js";
import type { WalletRecord } from "../ports/WalletStore.js";

/** An amount admitted to a trade-policy window (epoch ms). */
export interface PolicyWindowEntry {
  id: string;
  at: number;
  amount: string;
}

/** A trade-policy rolling window: its owner and admitted amounts. */
export interface PolicyWindowRow {
  userId: string;
  entries: PolicyWindowEntry[];
}

/** A sync cursor row. */
export interface SyncCursorRow {
  userId: string;
  sourceType: string;
  sourceId: string;
  stream: string;
  cursor: string;
  updatedAt: Date;
}

/** A lease row. */
export interface LeaseRow {
  name: string;
  owner: string;
  expiresAt: Date;
}

const ABSENT = Symbol("absent");

/**
 * The rows of the memory store plus an undo journal. Rows are never mutated in place: a change
 * replaces the row object, so undoing is putting the old object back. Every write goes through
 * {@link MemoryState.put} / {@link MemoryState.remove} / {@link MemoryState.append}, which
 * journal the inverse; {@link MemoryState.atomically} rolls back to its mark when its body
 * throws, giving statements and transactions all-or-nothing behaviour.
 */
export class MemoryState {
  readonly users = new Map<string, UserRecord>();
  readonly credentials = new Map<string, CredentialRecord>();
  /** fingerprint -> credential id (the unique index). */
  readonly credentialByFingerprint = new Map<string, string>();
  readonly wallets = new Map<string, WalletRecord>();
  /** `namespace \0 lower(address)` -> wallet id (the unique index). */
  readonly walletByAddress = new Map<string, string>();
  readonly nonces = new Map<string, NonceRecord>();
  readonly snapshots = new Map<string, BalanceSnapshotRecord>();
  readonly transactions = new Map<string, TransactionRecord>();
  /** `sourceType \0 sourceId \0 externalId` -> transaction id (the unique index). */
  readonly transactionByExternal = new Map<string, string>();
  readonly auditEvents = new Map<string, AuditEventRecord>();
  /** chainKey -> event ids in seq order. */
  readonly auditChains = new Map<string, string[]>();
  readonly alerts = new Map<string, SecurityAlertRecord>();
  /** `userId \0 dedupeKey` -> id of the open alert (the unique partial index). */
  readonly openAlertByDedupe = new Map<string, string>();
  readonly rotationJobs = new Map<string, RotationJobRecord>();
  readonly leases = new Map<string, LeaseRow>();
  /** `userId \0 credentialId \0 key` -> record (the primary key). */
  readonly proxyIdempotency = new Map<string, ProxyIdempotencyRecord>();
  /** `userId \0 sourceType \0 sourceId \0 stream` -> cursor (the primary key). */
  readonly syncCursors = new Map<string, SyncCursorRow>();
  readonly botTokens = new Map<string, BotTokenRecord>();
  readonly botTokenByHash = new Map<string, string>();
  /** `subjectType \0 subjectId` -> policy. */
  readonly tradePolicies = new Map<string, TradePolicyRecord>();
  /** Window key -> window (rows are replaced, never mutated, so the journal can undo them). */
  readonly policyWindows = new Map<string, PolicyWindowRow>();
  /** id -> signed-request journal entry. */
  readonly orderJournal = new Map<string, OrderJournalRecord>();
  readonly incidents = new Map<string, IncidentRecord>();
  /** Clerk deliveries by svix id; revoked sessions/users by id; memberships by `org \0 user`. */
  readonly identityEvents = new Map<string, IdentityEventRecord>();
  readonly revokedSubjects = new Map<string, RevokedSubjectRecord>();
  readonly memberships = new Map<string, MembershipStateRecord>();

  readonly #journal: (() => void)[] = [];

  constructor(readonly clock: Clock) {}

  /** Sets `map[key] = value`, journaling the previous entry. */
  put<K, V>(map: Map<K, V>, key: K, value: V): void {
    const prev: V | typeof ABSENT = map.has(key) ? (map.get(key) as V) : ABSENT;
    this.#journal.push(() => (prev === ABSENT ? map.delete(key) : map.set(key, prev)));
    map.set(key, value);
  }

  /** Deletes `map[key]`, journaling it; returns whether it existed. */
  remove<K, V>(map: Map<K, V>, key: K): boolean {
    if (!map.has(key)) return false;
    const prev = map.get(key) as V;
    this.#journal.push(() => map.set(key, prev));
    map.delete(key);
    return true;
  }

  /** Appends `value` to the list at `map[key]`, journaling the append. */
  append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
    let list = map.get(key);
    if (list === undefined) {
      list = [];
      this.put(map, key, list);
    }
    const target = list;
    this.#journal.push(() => void target.pop());
    target.push(value);
  }

  /** Runs `fn`; if it throws, every write it made is undone before the error propagates. */
  atomically<T>(fn: () => T): T {
    const mark = this.#journal.length;
    try {
      return fn();
    } catch (error) {
      this.rollbackTo(mark);
      throw error;
    }
  }

  /** The current journal position, for {@link MemoryState.rollbackTo}. */
  mark(): number {
    return this.#journal.length;
  }

  /** Undoes every write after `mark`. */
  rollbackTo(mark: number): void {
    while (this.#journal.length > mark) this.#journal.pop()?.();
  }

  /** Forgets the journal (a top-level transaction committed). */
  commit(): void {
    this.#journal.length = 0;
  }

  /** Every row of every table, keyed by the PostgreSQL table names, as JSON text. */
  dump(): string {
    return JSON.stringify(this.tables());
  }

  /** Rows per table, keyed by the PostgreSQL table names. */
  tables(): Record<string, unknown[]> {
    return {
      users: [...this.users.values()],
      api_credentials: [...this.credentials.values()],
      wallets: [...this.wallets.values()],
      siwe_nonces: [...this.nonces.values()],
      balance_snapshots: [...this.snapshots.values()],
      transactions: [...this.transactions.values()],
      audit_events: [...this.auditEvents.values()],
      security_alerts: [...this.alerts.values()],
      key_rotation_jobs: [...this.rotationJobs.values()],
      leases: [...this.leases.values()],
      proxy_idempotency: [...this.proxyIdempotency.values()],
      sync_cursors: [...this.syncCursors.values()],
      trade_policies: [...this.tradePolicies.values()],
      order_journal: [...this.orderJournal.values()],
      security_incidents: [...this.incidents.values()],
      identity_events: [...this.identityEvents.values()],
      revoked_subjects: [...this.revokedSubjects.values()],
      membership_states: [...this.memberships.values()],
      policy_window_entries: [...this.policyWindows.entries()].flatMap(([key, w]) => w.entries.map((e) => ({ key, ...e }))),
    };
  }
}
