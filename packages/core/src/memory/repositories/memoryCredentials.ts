import { WalletAuthError } from "../../errors/index.js";
import type { CredentialRecord, CredentialStore } from "../../ports/CredentialStore.js";
import { sortBy } from "../paging.js";
import { copyCredential } from "../records.js";
import { type Exec, requireUser } from "./Exec.js";

const newestFirst = [
  { get: (c: CredentialRecord) => c.createdAt.getTime(), dir: -1 as const },
  { get: (c: CredentialRecord) => c.id, dir: -1 as const },
];
const oldestFirst = [
  { get: (c: CredentialRecord) => c.createdAt.getTime(), dir: 1 as const },
  { get: (c: CredentialRecord) => c.id, dir: 1 as const },
];

function duplicate(): WalletAuthError {
  return new WalletAuthError("CREDENTIAL_DUPLICATE", { reason: "fingerprint-exists" });
}

/** The memory {@link CredentialStore}. */
export function memoryCredentials(exec: Exec): CredentialStore {
  const own = (s: Parameters<Parameters<Exec>[0]>[0], userId: string, id: string) => {
    const row = s.credentials.get(id);
    return row !== undefined && row.userId === userId ? row : undefined;
  };
  return {
    insert: (record) =>
      exec((s) => {
        requireUser(s, record.userId);
        if (s.credentialByFingerprint.has(record.fingerprint)) throw duplicate();
        if (s.credentials.has(record.id)) throw new WalletAuthError("CONFLICT", { reason: "credential-id-exists" });
        const row = copyCredential(record);
        s.put(s.credentials, row.id, row);
        s.put(s.credentialByFingerprint, row.fingerprint, row.id);
        return copyCredential(row);
      }),
    get: (userId, id) =>
      exec((s) => {
        const row = own(s, userId, id);
        return row ? copyCredential(row) : null;
      }),
    listByUser: (userId) =>
      exec((s) => sortBy([...s.credentials.values()].filter((c) => c.userId === userId), newestFirst).map(copyCredential)),
    update: (userId, id, patch, options) =>
      exec((s) => {
        const row = own(s, userId, id);
        if (!row) return null;
        if (options?.expectStatus !== undefined && row.status !== options.expectStatus) return null;
        const next = copyCredential({ ...row, ...definedOnly(patch, patchable) });
        if (next.fingerprint !== row.fingerprint) {
          if (s.credentialByFingerprint.has(next.fingerprint)) throw duplicate();
          s.remove(s.credentialByFingerprint, row.fingerprint);
          s.put(s.credentialByFingerprint, next.fingerprint, id);
        }
        s.put(s.credentials, id, next);
        return copyCredential(next);
      }),
    touchLastUsed: (userId, id, at, notAfter) =>
      exec((s) => {
        const row = own(s, userId, id);
        if (!row) return false;
        if (row.lastUsedAt !== null && row.lastUsedAt.getTime() >= notAfter.getTime()) return false;
        s.put(s.credentials, id, copyCredential({ ...row, lastUsedAt: at }));
        return true;
      }),
    delete: (userId, id) =>
      exec((s) => {
        const row = own(s, userId, id);
        if (!row) return false;
        s.remove(s.credentials, id);
        s.remove(s.credentialByFingerprint, row.fingerprint);
        return true;
      }),
    deleteByUser: (userId) =>
      exec((s) => {
        let n = 0;
        for (const [id, row] of s.credentials) {
          if (row.userId !== userId) continue;
          s.remove(s.credentials, id);
          s.remove(s.credentialByFingerprint, row.fingerprint);
          n++;
        }
        return n;
      }),
    claimForRewrap: (primaryKeyId, limit) =>
      exec((s) =>
        sortBy([...s.credentials.values()].filter((c) => c.keyId !== primaryKeyId), oldestFirst)
          .slice(0, Math.max(0, Math.trunc(limit)))
          .map((c) => ({ id: c.id, userId: c.userId, exchange: c.exchange, sealedSecret: c.sealedSecret, keyId: c.keyId })),
      ),
    replaceSealedIfKey: (id, expectedKeyId, next) =>
      exec((s) => {
        const row = s.credentials.get(id);
        if (!row || row.keyId !== expectedKeyId) return false;
        s.put(
          s.credentials,
          id,
          copyCredential({
            ...row,
            sealedSecret: next.sealedSecret,
            keyId: next.keyId,
            formatVersion: next.formatVersion,
            updatedAt: s.clock.now(),
          }),
        );
        return true;
      }),
    replaceSealedManyIfKey: (items) =>
      exec((s) => {
        const changed = new Set<string>();
        const now = s.clock.now();
        for (const item of items) {
          const row = s.credentials.get(item.id);
          if (!row || row.keyId !== item.expectedKeyId) continue;
          // A repeated id: the first item moved the row, so the second no longer matches (unless
          // it expects the new key, which PostgreSQL would not apply either: one update per row).
          if (changed.has(item.id)) continue;
          s.put(
            s.credentials,
            item.id,
            copyCredential({ ...row, sealedSecret: item.sealedSecret, keyId: item.keyId, formatVersion: item.formatVersion, updatedAt: now }),
          );
          changed.add(item.id);
        }
        return [...changed];
      }),
    countByKeyId: () =>
      exec((s) => {
        const counts: Record<string, number> = {};
        for (const c of s.credentials.values()) counts[c.keyId] = (counts[c.keyId] ?? 0) + 1;
        return counts;
      }),
    listExpiring: (before, limit) =>
      exec((s) =>
        sortBy(
          [...s.credentials.values()].filter(
            (c) => c.status === "active" && c.expiresAt !== null && c.expiresAt.getTime() <= before.getTime(),
          ),
          [
            { get: (c: CredentialRecord) => (c.expiresAt as Date).getTime(), dir: 1 },
            { get: (c: CredentialRecord) => c.id, dir: 1 },
          ],
        )
          .slice(0, Math.max(0, Math.trunc(limit)))
          .map(copyCredential),
      ),
    listDueForRevalidation: (validatedBefore, limit) =>
      exec((s) =>
        sortBy(
          [...s.credentials.values()].filter(
            (c) => c.status === "active" && (c.lastValidatedAt === null || c.lastValidatedAt.getTime() <= validatedBefore.getTime()),
          ),
          [
            { get: (c: CredentialRecord) => c.lastValidatedAt?.getTime() ?? Number.NEGATIVE_INFINITY, dir: 1 },
            { get: (c: CredentialRecord) => c.id, dir: 1 },
          ],
        )
          .slice(0, Math.max(0, Math.trunc(limit)))
          .map(copyCredential),
      ),
  };
}

const patchable = [
  "label",
  "status",
  "fingerprint",
  "keyHint",
  "sealedSecret",
  "keyId",
  "formatVersion",
  "permissions",
  "keyPermissions",
  "permissionRiskAcceptedAt",
  "expiresAt",
  "lastValidatedAt",
  "updatedAt",
] as const;

/**
 * The `allowed` fields of `patch` that are not `undefined`: an absent field leaves the stored
 * value alone, and a field outside the patch type (an id, an owner) is ignored.
 */
export function definedOnly<T extends object>(patch: T, allowed: readonly string[]): Partial<T> {
  return Object.fromEntries(
    Object.entries(patch).filter(([k, v]) => v !== undefined && allowed.includes(k)),
  ) as Partial<T>;
}
