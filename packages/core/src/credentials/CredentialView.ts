import type { CredentialPermissions, CredentialRecord, CredentialStatus } from "../ports/CredentialStore.js";
import type { KeyPermissions } from "../ports/KeyPermissions.js";

/** What callers see of a stored credential: never a secret, a fingerprint or an envelope. */
export interface CredentialView {
  id: string;
  exchange: string;
  label: string;
  status: CredentialStatus;
  /** Last 4 characters of the API key. */
  keyHint: string;
  permissions: CredentialPermissions | null;
  /** What the venue reports the key may do (read, trade, margin, futures, transfer, withdraw, IP list, expiry, account level); `null` when never validated. */
  keyPermissions: KeyPermissions | null;
  /** When the owner accepted storing the key although its withdrawal permission is unknown. */
  permissionRiskAcceptedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  lastUsedAt: Date | null;
  lastValidatedAt: Date | null;
  expiresAt: Date | null;
}

/** Projects a record to its view (an allowlist of fields, so new secret columns never leak). */
export function toCredentialView(record: CredentialRecord): CredentialView {
  return {
    id: record.id,
    exchange: record.exchange,
    label: record.label,
    status: record.status,
    keyHint: record.keyHint,
    permissions: record.permissions === null ? null : { ...record.permissions },
    keyPermissions: record.keyPermissions == null ? null : structuredClone(record.keyPermissions),
    permissionRiskAcceptedAt: record.permissionRiskAcceptedAt ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    lastUsedAt: record.lastUsedAt,
    lastValidatedAt: record.lastValidatedAt,
    expiresAt: record.expiresAt,
  };
}
