import type { JsonObject } from "./common.js";

/** A wallet proven by signature and linked to a user. */
export interface WalletRecord {
  id: string;
  userId: string;
  /** CAIP-2 namespace, e.g. `"eip155"`. */
  chainNamespace: string;
  /** CAIP-2 reference within the namespace, e.g. `"1"` (the chain the proof was made on). */
  chainReference: string;
  /** EIP-55 checksummed address. Uniqueness is case-insensitive per namespace. */
  address: string;
  label: string | null;
  metadata: JsonObject;
  isPrimary: boolean;
  verifiedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** Fields a wallet update may change. */
export type WalletPatch = Partial<Pick<WalletRecord, "label" | "metadata">> & { updatedAt: Date };

/**
 * Persistence of linked wallets. One address (per namespace, case-insensitive) belongs to one
 * user. User-facing methods are scoped by `userId`; another user's wallet reads as missing.
 */
export interface WalletStore {
  /**
   * Links a wallet. Throws `WalletAuthError("CONFLICT")` with reason `"wallet-address-linked"`
   * when the address is already linked (to anyone); atomic, so of two concurrent links of one
   * address exactly one succeeds. A user has at most one primary wallet: inserting a primary
   * when the user already has one throws `CONFLICT` with reason `"wallet-primary-exists"`
   * (enforced by the store, so of concurrent first links exactly one becomes primary), and
   * leaves an open transaction usable so the caller can insert it as non-primary.
   * Throws `NOT_FOUND` when `userId` has no user row.
   */
  insert(record: WalletRecord): Promise<WalletRecord>;
  /** The wallet, or `null` when absent or another user's. */
  get(userId: string, id: string): Promise<WalletRecord | null>;
  /** The wallet holding `address` in `chainNamespace`, whoever owns it, or `null`. */
  findByAddress(chainNamespace: string, address: string): Promise<WalletRecord | null>;
  /** A user's wallets, primary first, then oldest first. */
  listByUser(userId: string): Promise<WalletRecord[]>;
  /** Applies `patch`; `null` when absent or another user's. */
  update(userId: string, id: string, patch: WalletPatch): Promise<WalletRecord | null>;
  /**
   * Makes `id` the user's only primary wallet (clears the flag on the others first; call it
   * inside a transaction). `false` when absent or another user's.
   */
  setPrimary(userId: string, id: string, now: Date): Promise<boolean>;
  /** Unlinks; `false` when absent or another user's. */
  delete(userId: string, id: string): Promise<boolean>;
  /** Unlinks every wallet of a user; returns how many. */
  deleteByUser(userId: string): Promise<number>;
}
