import type { CredentialPermissions, CredentialRecord, CredentialStatus } from "../ports/CredentialStore.js";

/** What callers see of a stored credential: never a secret, a fingerprint or an envelope. */
export interface CredentialView {
  id: string;
  exchange: string;
  label: string;
  status: CredentialStatus;
  /** Last 4 characters of the API key. */
  keyHint: string;
  permissions: CredentialPermissions | null;
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
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    lastUsedAt: record.lastUsedAt,
    lastValidatedAt: record.lastValidatedAt,
    expiresAt: record.expiresAt,
  };
}
