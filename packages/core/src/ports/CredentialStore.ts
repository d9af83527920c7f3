import type { KeyPermissions } from "./KeyPermissions.js";

/** Lifecycle state of a stored exchange credential. */
export type CredentialStatus = "active" | "disabled" | "invalid" | "expired";

/** What the exchange says a key may do, as last validated. */
export interface CredentialPermissions {
  read: boolean;
  trade: boolean;
  withdraw: boolean;
  /** Margin / futures trading, where the exchange reports it. */
  margin?: boolean;
  futures?: boolean;
  /** The exchange restricts the key to an IP allowlist. */
  ipRestricted?: boolean;
}

/**
 * A stored exchange API credential. The secret fields (API key, secret, passphrase, ...) live
 * only inside `sealedSecret`, an envelope produced by the key ring; nothing else here is
 * secret. `fingerprint` is a keyed HMAC of the API key, never the key itself.
 */
export interface CredentialRecord {
  id: string;
  userId: string;
  /** ccxt exchange id, e.g. `"binance"`. */
  exchange: string;
  label: string;
  status: CredentialStatus;
  /** Blind index of the API key (hex HMAC-SHA256 under a dedicated key). Unique across users. */
  fingerprint: string;
  /** Last 4 characters of the API key, for display. */
  keyHint: string;
  /** Self-describing sealed envelope (base64url), see `@wallet-auth/core/crypto`. */
  sealedSecret: string;
  /** Id of the key-ring key that wraps this record's data key (mirrors the envelope header). */
  keyId: string;
  /** Envelope format version (mirrors the envelope header). */
  formatVersion: number;
  permissions: CredentialPermissions | null;
  /**
   * The venue's own account of the key (normalised by its venue module) as last validated;
   * `null` when the key was never validated live.
   */
  keyPermissions: KeyPermissions | null;
  /**
   * When the owner explicitly accepted storing this key although its withdrawal permission could
   * not be determined; `null` when no such acceptance was needed.
   */
  permissionRiskAcceptedAt: Date | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastValidatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Fields a credential update may change. Absent fields are left as they are. */
export type CredentialPatch = Partial<
  Pick<
    CredentialRecord,
    | "label"
    | "status"
    | "fingerprint"
    | "keyHint"
    | "sealedSecret"
    | "keyId"
    | "formatVersion"
    | "permissions"
    | "keyPermissions"
    | "permissionRiskAcceptedAt"
    | "expiresAt"
    | "lastValidatedAt"
  >
> & { updatedAt: Date };

/** One compare-and-set of {@link CredentialStore.replaceSealedManyIfKey}. */
export interface SealedReplacement {
  id: string;
  /** Applied only while the row is still on this key id. */
  expectedKeyId: string;
  sealedSecret: string;
  keyId: string;
  formatVersion: number;
}

/** The parts of a credential the rewrap job needs. */
export type RewrapCandidate = Pick<CredentialRecord, "id" | "userId" | "exchange" | "sealedSecret" | "keyId">;

/**
 * Persistence of exchange credentials. Every user-facing method is scoped by `userId`: a
 * credential of another user is indistinguishable from a missing one (`null` / `false`).
 */
export interface CredentialStore {
  /**
   * Inserts a new credential. Throws `WalletAuthError("CREDENTIAL_DUPLICATE")` when another
   * credential (any user) has the same `fingerprint`; the check is atomic (unique index), so of
   * two concurrent inserts of one key exactly one succeeds. Throws `NOT_FOUND` when `userId` has no
   * user row (call `users.ensure` first). Inside a transaction, these coded errors leave it usable.
   */
  insert(record: CredentialRecord): Promise<CredentialRecord>;
  /** The credential, or `null` when absent or owned by another user. */
  get(userId: string, id: string): Promise<CredentialRecord | null>;
  /** All of a user's credentials, newest first. Empty when none. */
  listByUser(userId: string): Promise<CredentialRecord[]>;
  /**
   * Applies `patch`; returns the updated record, or `null` when absent / another user's.
   * A fingerprint clash throws `CREDENTIAL_DUPLICATE` and changes nothing.
   *
   * With `expectStatus`, a compare-and-set: the patch applies only while the stored status is
   * still that one (checked in the same statement, so a concurrent change always wins), else
   * nothing changes and the result is `null`.
   */
  update(userId: string, id: string, patch: CredentialPatch, options?: { expectStatus?: CredentialStatus | undefined }): Promise<CredentialRecord | null>;
  /**
   * Sets `lastUsedAt = at` only when the stored value is null or older than `notAfter`
   * (a throttle). Returns whether a row changed. Never fails for a missing row (`false`).
   */
  touchLastUsed(userId: string, id: string, at: Date, notAfter: Date): Promise<boolean>;
  /** Deletes; `false` when absent or another user's. */
  delete(userId: string, id: string): Promise<boolean>;
  /** Deletes every credential of a user; returns how many. */
  deleteByUser(userId: string): Promise<number>;
  /**
   * Takes up to `limit` credentials whose `keyId` is not `primaryKeyId`, oldest first, for a
   * rewrap batch. Inside a transaction on PostgreSQL the rows are locked
   * `FOR UPDATE SKIP LOCKED`: two concurrent workers never receive the same row.
   */
  claimForRewrap(primaryKeyId: string, limit: number): Promise<RewrapCandidate[]>;
  /**
   * Replaces the sealed secret only if the row is still on `expectedKeyId` (compare-and-set,
   * so a rerun or a concurrent worker cannot apply a stale rewrap). Returns whether it changed.
   */
  replaceSealedIfKey(
    id: string,
    expectedKeyId: string,
    next: Pick<CredentialRecord, "sealedSecret" | "keyId" | "formatVersion">,
  ): Promise<boolean>;
  /**
   * {@link CredentialStore.replaceSealedIfKey} for many rows at once (one statement on
   * PostgreSQL): each item is applied only if its row is still on its `expectedKeyId`; items
   * whose row moved meanwhile or is gone are left alone. Ids should be distinct (a repeated id
   * is applied at most once). Returns the ids that changed, in no particular order.
   */
  replaceSealedManyIfKey(items: readonly SealedReplacement[]): Promise<string[]>;
  /** How many credentials each key id protects (`{ [keyId]: count }`, ids with 0 omitted). */
  countByKeyId(): Promise<Record<string, number>>;
  /**
   * Active credentials with `expiresAt` at or before `before`, soonest first, at most `limit`
   * (all users; for the expiry job).
   */
  listExpiring(before: Date, limit: number): Promise<CredentialRecord[]>;
  /**
   * Active credentials last validated at or before `validatedBefore`, or never validated, least
   * recently validated first (never-validated ones first, then by id), at most `limit` (all
   * users; for the permission-drift job). A plain read, no lock: two replicas may get the same
   * rows, which is safe because what the job writes is compare-and-set.
   */
  listDueForRevalidation(validatedBefore: Date, limit: number): Promise<CredentialRecord[]>;
}
