import type { BotTokenStore } from "./BotTokenStore.js";
import type { AlertStore } from "./AlertStore.js";
import type { AuditLog } from "./AuditLog.js";
import type { BalanceSnapshotStore } from "./BalanceSnapshotStore.js";
import type { CredentialStore } from "./CredentialStore.js";
import type { LeaseStore } from "./LeaseStore.js";
import type { ProxyIdempotencyStore } from "./ProxyIdempotencyStore.js";
import type { IncidentStore, OrderJournal } from "./OrderJournal.js";
import type { IdentityEventStore } from "./IdentityEventStore.js";
import type { SyncCursorStore } from "./SyncCursorStore.js";
import type { NonceStore } from "./NonceStore.js";
import type { RotationJobStore } from "./RotationJobStore.js";
import type { TradePolicyStore } from "./TradePolicyStore.js";
import type { TransactionStore } from "./TransactionStore.js";
import type { UserStore } from "./UserStore.js";
import type { WalletStore } from "./WalletStore.js";

/** Every repository of a store, bound to one connection or transaction. */
export interface StoreRepositories {
  users: UserStore;
  credentials: CredentialStore;
  wallets: WalletStore;
  nonces: NonceStore;
  snapshots: BalanceSnapshotStore;
  transactions: TransactionStore;
  audit: AuditLog;
  alerts: AlertStore;
  rotationJobs: RotationJobStore;
  leases: LeaseStore;
  /** `Idempotency-Key`s of exchange proxy calls (retried orders return the first result). */
  proxyIdempotency: ProxyIdempotencyStore;
  /** Where each source's history sync stopped (chain blocks, exchange history time). */
  syncCursors: SyncCursorStore;
  botTokens: BotTokenStore;
  tradePolicies: TradePolicyStore;
  /** The signed-request journal: orders the proxy signed and foreign orders reconciliation found. */
  orderJournal: OrderJournal;
  /** Security incidents (kill switch runs, foreign orders found). */
  incidents: IncidentStore;
  /** Clerk webhook deliveries, revoked sessions and users, organization membership states. */
  identityEvents: IdentityEventStore;
}

/** Runs work atomically across repositories. */
export interface UnitOfWork {
  /**
   * Runs `fn` in one transaction with repositories bound to it: when `fn` resolves everything it
   * wrote commits; when it throws, nothing it wrote remains and the error is rethrown as is.
   * Calling the outer store's repositories from inside `fn` is a bug (on PGlite it deadlocks);
   * nested `transaction` calls on `tx` are not supported.
   */
  transaction<T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T>;
}

/** A complete store: repositories, transactions, and a way to close connections. */
export interface WalletAuthStore extends StoreRepositories, UnitOfWork {
  /** Which backend this is (`"memory"`, `"postgres"`, `"pglite"`), for diagnostics. */
  readonly kind: string;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
