import type { WalletAuthStore } from "@wallet-auth/core";

/** The tables every store adapter keeps (PostgreSQL names; the memory store mirrors them). */
export type StoreTable =
  | "users"
  | "api_credentials"
  | "wallets"
  | "siwe_nonces"
  | "balance_snapshots"
  | "transactions"
  | "audit_events"
  | "security_alerts"
  | "key_rotation_jobs"
  | "leases"
  | "proxy_idempotency"
  | "sync_cursors"
  | "trade_policies"
  | "policy_window_entries";

/**
 * Reads the backing database directly, around the store, so the contract can prove what
 * actually landed (no plaintext secret at rest, rows written in one transaction).
 */
export interface StoreProbe {
  /** Every row of every table rendered as text (binary columns as hex), concatenated. */
  dumpAllText(): Promise<string>;
  /** How many rows `table` holds. */
  countRows(table: StoreTable): Promise<number>;
}

/** What `setup` hands each test: an empty store, its probe, and how to clean up. */
export interface StoreHarness {
  store: WalletAuthStore;
  probe: StoreProbe;
  teardown(): Promise<void>;
}

/** What the backend can do, so the suite skips what it cannot test. */
export interface StoreCapabilities {
  /**
   * Two transactions can be open at the same time on different connections (a real PostgreSQL
   * server). False for the memory store and PGlite, which serialise transactions.
   */
  concurrentTransactions?: boolean;
}

/** Options for {@link describeStoreContract}. */
export interface DescribeStoreContractOptions {
  /** Shown in the suite name, e.g. `"pglite"`. */
  name: string;
  /** Called before each test; must return an empty store. */
  setup: () => Promise<StoreHarness>;
  capabilities?: StoreCapabilities;
}

/** Gives a sub-suite the current test's harness. */
export type HarnessRef = () => StoreHarness;
