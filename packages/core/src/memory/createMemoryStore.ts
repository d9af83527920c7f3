import { AsyncLocalStorage } from "node:async_hooks";
import { WalletAuthError } from "../errors/index.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { StoreRepositories, WalletAuthStore } from "../ports/UnitOfWork.js";
import { MemoryState } from "./MemoryState.js";
import { Mutex } from "./Mutex.js";
import type { Exec } from "./repositories/Exec.js";
import { memoryAlerts } from "./repositories/memoryAlerts.js";
import { memoryAudit } from "./repositories/memoryAudit.js";
import { memoryCredentials } from "./repositories/memoryCredentials.js";
import { memoryLeases } from "./repositories/memoryLeases.js";
import { memoryIncidents, memoryOrderJournal } from "./repositories/memoryOrderJournal.js";
import { memoryIdentityEvents } from "./repositories/memoryIdentityEvents.js";
import { memoryProxyIdempotency } from "./repositories/memoryProxyIdempotency.js";
import { memorySyncCursors } from "./repositories/memorySyncCursors.js";
import { memoryBotTokens } from "./repositories/memoryBotTokens.js";
import { memoryNonces } from "./repositories/memoryNonces.js";
import { memoryRotationJobs } from "./repositories/memoryRotationJobs.js";
import { memorySnapshots } from "./repositories/memorySnapshots.js";
import { memoryTradePolicies } from "./repositories/memoryTradePolicies.js";
import { memoryTransactions } from "./repositories/memoryTransactions.js";
import { memoryUsers } from "./repositories/memoryUsers.js";
import { memoryWallets } from "./repositories/memoryWallets.js";

/** Options for {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Time source for the few writes that take no `now` (e.g. `replaceSealedIfKey`). */
  clock?: Clock;
}

/** The memory store, with test-only access to its raw rows. */
export interface MemoryWalletAuthStore extends WalletAuthStore {
  readonly kind: "memory";
  /**
   * Every row of every table as JSON text, keyed by the PostgreSQL table names. For tests that
   * check what actually landed (e.g. that no plaintext secret did); not for production use.
   */
  dump(): string;
  /** Number of rows in `table` (a PostgreSQL table name, e.g. `"api_credentials"`). */
  countRows(table: string): number;
}

function repositories(exec: Exec): StoreRepositories {
  return {
    users: memoryUsers(exec),
    credentials: memoryCredentials(exec),
    wallets: memoryWallets(exec),
    nonces: memoryNonces(exec),
    snapshots: memorySnapshots(exec),
    transactions: memoryTransactions(exec),
    audit: memoryAudit(exec),
    alerts: memoryAlerts(exec),
    rotationJobs: memoryRotationJobs(exec),
    leases: memoryLeases(exec),
    proxyIdempotency: memoryProxyIdempotency(exec),
    syncCursors: memorySyncCursors(exec),
    botTokens: memoryBotTokens(exec),
    tradePolicies: memoryTradePolicies(exec),
    orderJournal: memoryOrderJournal(exec),
    incidents: memoryIncidents(exec),
    identityEvents: memoryIdentityEvents(exec),
  };
}

/**
 * Creates the in-memory reference store: every store port, with the same promises as the
 * PostgreSQL adapter. Transactions are all-or-nothing (an undo journal rolls back a failed one)
 * and serialised with every other call by one mutex, so races resolve exactly as the ports say.
 * Unique constraints throw the ports' coded errors, records are copied in and out (mutating a
 * returned object never changes the store) and only declared fields are kept.
 *
 * Data lives in the process and is lost on exit: use it for tests, demos and single-process
 * tools, and `@wallet-auth/adapter-postgres` for anything that must persist.
 *
 * @param options - optional {@link MemoryStoreOptions}.
 * @returns a {@link MemoryWalletAuthStore} (kind `"memory"`).
 * @throws WalletAuthError `STORE_UNAVAILABLE` from any call after `close()`; `INTERNAL` when the
 * outer store is used from inside one of its own transactions (that would deadlock on PGlite).
 *
 * @example
 * ```ts
 * import { createMemoryStore } from "@wallet-auth/core/memory";
 * const store = createMemoryStore();
 * await store.transaction(async (tx) => {
 *   await tx.users.ensure("user_1", new Date());
 * });
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryWalletAuthStore {
  const state = new MemoryState(options.clock ?? systemClock);
  const mutex = new Mutex();
  // Marks async work started by a transaction body, to catch calls on the outer store there.
  const insideTransaction = new AsyncLocalStorage<{ open: boolean }>();
  let closed = false;

  const assertUsable = () => {
    if (closed) throw new WalletAuthError("STORE_UNAVAILABLE", { reason: "store-closed" });
  };

  const topLevel: Exec = (fn) => {
    if (insideTransaction.getStore()?.open === true) {
      return Promise.reject(new WalletAuthError("INTERNAL", { reason: "outer-store-used-inside-transaction" }));
    }
    return mutex.run(() => {
      assertUsable();
      const mark = state.mark();
      try {
        const result = fn(state);
        state.commit();
        return result;
      } catch (error) {
        state.rollbackTo(mark);
        throw error;
      }
    });
  };

  const outer = repositories(topLevel);

  return {
    kind: "memory",
    ...outer,
    transaction<T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T> {
      if (insideTransaction.getStore()?.open === true) {
        return Promise.reject(new WalletAuthError("INTERNAL", { reason: "outer-store-used-inside-transaction" }));
      }
      return mutex.run(async () => {
        assertUsable();
        const token = { open: true };
        const inTx: Exec = async (stmt) => {
          if (!token.open) throw new WalletAuthError("INTERNAL", { reason: "transaction-finished" });
          // Each statement is atomic on its own; the transaction's journal spans all of them.
          return state.atomically(() => stmt(state));
        };
        const mark = state.mark();
        try {
          const result = await insideTransaction.run(token, () => fn(repositories(inTx)));
          state.commit();
          return result;
        } catch (error) {
          state.rollbackTo(mark);
          throw error;
        } finally {
          token.open = false;
        }
      });
    },
    async close() {
      closed = true;
    },
    dump: () => state.dump(),
    countRows: (table) => {
      const rows = state.tables()[table];
      if (rows === undefined) throw new WalletAuthError("INVALID_INPUT", { reason: "unknown-table" });
      return rows.length;
    },
  };
}
