import type { SecurityAlertRecord } from "../ports/AlertStore.js";
import type { AuditEventRecord } from "../ports/AuditLog.js";
import type { BalanceSnapshotRecord } from "../ports/BalanceSnapshotStore.js";
import type { CredentialRecord } from "../ports/CredentialStore.js";
import type { NonceRecord } from "../ports/NonceStore.js";
import type { RotationJobRecord } from "../ports/RotationJobStore.js";
import type { TransactionRecord } from "../ports/TransactionStore.js";
import type { UserRecord } from "../ports/UserStore.js";
import type { WalletRecord } from "../ports/WalletStore.js";

// The memory store keeps exactly the declared columns, like a table would: an extra property a
// caller slipped onto a record (a plaintext secret, say) is dropped, never stored.
type Columns<T> = { readonly [K in keyof Required<T>]: true };

function columns<T>(cols: Columns<T>): readonly (keyof T)[] {
  return Object.keys(cols) as (keyof T)[];
}

function picker<T>(cols: readonly (keyof T)[]): (record: T) => T {
  return (record) => {
    const out = {} as T;
    for (const key of cols) {
      const value = record[key];
      out[key] = (value !== null && typeof value === "object" ? structuredClone(value) : value) as T[keyof T];
    }
    return out;
  };
}

export const copyUser = picker<UserRecord>(columns<UserRecord>({ id: true, metadata: true, createdAt: true, updatedAt: true }));

export const copyCredential = picker<CredentialRecord>(
  columns<CredentialRecord>({
    id: true,
    userId: true,
    exchange: true,
    label: true,
    status: true,
    fingerprint: true,
    keyHint: true,
    sealedSecret: true,
    keyId: true,
    formatVersion: true,
    permissions: true,
    keyPermissions: true,
    permissionRiskAcceptedAt: true,
    expiresAt: true,
    lastUsedAt: true,
    lastValidatedAt: true,
    createdAt: true,
    updatedAt: true,
  }),
);

export const copyWallet = picker<WalletRecord>(
  columns<WalletRecord>({
    id: true,
    userId: true,
    chainNamespace: true,
    chainReference: true,
    address: true,
    label: true,
    metadata: true,
    isPrimary: true,
    verifiedAt: true,
    createdAt: true,
    updatedAt: true,
  }),
);

export const copyNonce = picker<NonceRecord>(
  columns<NonceRecord>({
    nonce: true,
    userId: true,
    address: true,
    chainId: true,
    message: true,
    issuedAt: true,
    expiresAt: true,
    consumedAt: true,
  }),
);

export const copySnapshot = picker<BalanceSnapshotRecord>(
  columns<BalanceSnapshotRecord>({
    id: true,
    userId: true,
    sourceType: true,
    sourceId: true,
    asset: true,
    free: true,
    locked: true,
    total: true,
    usdValue: true,
    takenAt: true,
  }),
);

export const copyTransaction = picker<TransactionRecord>(
  columns<TransactionRecord>({
    id: true,
    userId: true,
    sourceType: true,
    sourceId: true,
    externalId: true,
    type: true,
    asset: true,
    amount: true,
    fee: true,
    feeAsset: true,
    status: true,
    occurredAt: true,
    txid: true,
    info: true,
  }),
);

export const copyAuditEvent = picker<AuditEventRecord>(
  columns<AuditEventRecord>({
    id: true,
    chainKey: true,
    seq: true,
    subjectUserId: true,
    actorType: true,
    actorId: true,
    action: true,
    targetType: true,
    targetId: true,
    outcome: true,
    requestId: true,
    ipHash: true,
    userAgent: true,
    details: true,
    personalDigest: true,
    occurredAt: true,
    prevHash: true,
    hash: true,
  }),
);

export const copyAlert = picker<SecurityAlertRecord>(
  columns<SecurityAlertRecord>({
    id: true,
    userId: true,
    kind: true,
    severity: true,
    status: true,
    details: true,
    dedupeKey: true,
    createdAt: true,
    updatedAt: true,
  }),
);

export const copyRotationJob = picker<RotationJobRecord>(
  columns<RotationJobRecord>({
    id: true,
    targetKeyId: true,
    status: true,
    processed: true,
    failed: true,
    lastErrorCode: true,
    startedAt: true,
    updatedAt: true,
    completedAt: true,
  }),
);
