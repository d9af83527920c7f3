import type { JsonObject } from "./common.js";

/** A user as wallet-auth knows them: the Clerk user id plus free metadata. */
export interface UserRecord {
  /** The Clerk user id (`user_...`). */
  id: string;
  metadata: JsonObject;
  createdAt: Date;
  updatedAt: Date;
}

/** Persistence of users. */
export interface UserStore {
  /**
   * Creates the user if absent and returns it; an existing user is returned unchanged.
   * Atomic: two concurrent calls for one id both succeed and see one row.
   */
  ensure(id: string, now: Date): Promise<UserRecord>;
  /** The user, or `null` when absent. */
  get(id: string): Promise<UserRecord | null>;
  /** Replaces the metadata; `null` when the user is absent. */
  updateMetadata(id: string, metadata: JsonObject, now: Date): Promise<UserRecord | null>;
  /**
   * Deletes the user and, by cascade, their credentials, wallets, nonces, snapshots,
   * transactions and rotation-free data. Audit events and alerts are NOT deleted (they are
   * pseudonymised by the privacy service first). Returns `false` when absent.
   */
  delete(id: string): Promise<boolean>;
}
