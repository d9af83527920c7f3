import { type Clock, type CredentialPermissions, type CredentialRecord, type CredentialStore, type KeyPermissions, WalletAuthError } from "@wallet-auth/core";
import { checkKeys } from "../internal/checkKeys.js";
import { type Db, type Row, query } from "../internal/Db.js";
import { date, dateOrNull, json, jsonParam, num, str } from "../internal/mappers.js";

const CREDENTIAL_STATUSES: ReadonlySet<string> = new Set(["active", "disabled", "invalid", "expired"]);

const COLUMNS = `id, user_id, exchange, label, status, fingerprint, key_hint, sealed_secret, key_id, format_version,
  permissions, key_permissions, permission_risk_accepted_at, expires_at, last_used_at, last_validated_at, created_at, updated_at`;

/** Maps a row to a record. */
export function toCredential(r: Row): CredentialRecord {
  return {
    id: str(r.id),
    userId: str(r.user_id),
    exchange: str(r.exchange),
    label: str(r.label),
    status: str(r.status) as CredentialRecord["status"],
    fingerprint: str(r.fingerprint),
    keyHint: str(r.key_hint),
    sealedSecret: str(r.sealed_secret),
    keyId: str(r.key_id),
    formatVersion: num(r.format_version),
    permissions: r.permissions === null || r.permissions === undefined ? null : json<CredentialPermissions>(r.permissions),
    keyPermissions: r.key_permissions === null || r.key_permissions === undefined ? null : json<KeyPermissions>(r.key_permissions),
    permissionRiskAcceptedAt: dateOrNull(r.permission_risk_accepted_at),
    expiresAt: dateOrNull(r.expires_at),
    lastUsedAt: dateOrNull(r.last_used_at),
    lastValidatedAt: dateOrNull(r.last_validated_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

// Patch field -> column and how its value is bound.
const PATCH_COLUMNS: Record<string, [string, (v: unknown) => unknown]> = {
  label: ["label", (v) => v],
  status: ["status", (v) => v],
  fingerprint: ["fingerprint", (v) => v],
  keyHint: ["key_hint", (v) => v],
  sealedSecret: ["sealed_secret", (v) => v],
  keyId: ["key_id", (v) => v],
  formatVersion: ["format_version", (v) => v],
  permissions: ["permissions", jsonParam],
  keyPermissions: ["key_permissions", jsonParam],
  permissionRiskAcceptedAt: ["permission_risk_accepted_at", (v) => v],
  expiresAt: ["expires_at", (v) => v],
  lastValidatedAt: ["last_validated_at", (v) => v],
  updatedAt: ["updated_at", (v) => v],
};

/** Items per statement of `replaceSealedManyIfKey` (5 bound values each, well under 65,535). */
const MANY_CHUNK = 1000;

function duplicate(): WalletAuthError {
  return new WalletAuthError("CREDENTIAL_DUPLICATE", { reason: "fingerprint-exists" });
}

/** The PostgreSQL {@link CredentialStore}. */
export function pgCredentials(db: Db, clock: Clock): CredentialStore {
  return {
    async insert(c) {
      // ON CONFLICT DO NOTHING instead of a raised unique violation, so a caller's transaction
      // stays usable after a duplicate.
      const { rows } = await query(
        db,
        `INSERT INTO api_credentials (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
        [
          c.id,
          c.userId,
          c.exchange,
          c.label,
          c.status,
          c.fingerprint,
          c.keyHint,
          c.sealedSecret,
          c.keyId,
          c.formatVersion,
          jsonParam(c.permissions),
          jsonParam(c.keyPermissions),
          c.permissionRiskAcceptedAt,
          c.expiresAt,
          c.lastUsedAt,
          c.lastValidatedAt,
          c.createdAt,
          c.updatedAt,
        ],
      );
      if (rows[0]) return toCredential(rows[0]);
      const clash = await query(db, `SELECT 1 FROM api_credentials WHERE fingerprint = ?`, [c.fingerprint]);
      if (clash.rows.length > 0) throw duplicate();
      throw new WalletAuthError("CONFLICT", { reason: "credential-id-exists" });
    },
    async get(userId, id) {
      checkKeys({ userId, id });
      const { rows } = await query(db, `SELECT ${COLUMNS} FROM api_credentials WHERE id = ? AND user_id = ?`, [id, userId]);
      return rows[0] ? toCredential(rows[0]) : null;
    },
    async listByUser(userId) {
      checkKeys({ userId });
      const { rows } = await query(
        db,
        `SELECT ${COLUMNS} FROM api_credentials WHERE user_id = ? ORDER BY created_at DESC, id DESC`,
        [userId],
      );
      return rows.map(toCredential);
    },
    async update(userId, id, patch, options) {
      checkKeys({ userId, id });
      const expected = options?.expectStatus;
      if (expected !== undefined && !CREDENTIAL_STATUSES.has(expected)) throw new WalletAuthError("INVALID_INPUT", { reason: "status" });
      const sets: string[] = [];
      const bindings: unknown[] = [];
      for (const [field, value] of Object.entries(patch)) {
        const column = PATCH_COLUMNS[field];
        if (column === undefined || value === undefined) continue;
        sets.push(column[0] === "permissions" || column[0] === "key_permissions" ? `${column[0]} = ?::jsonb` : `${column[0]} = ?`);
        bindings.push(column[1](value));
      }
      if (patch.fingerprint !== undefined) {
        const clash = await query(db, `SELECT 1 FROM api_credentials WHERE fingerprint = ? AND id <> ?`, [patch.fingerprint, id]);
        if (clash.rows.length > 0) {
          // Only a clash on a row the caller may see is reported; otherwise it is a missing row.
          const own = await query(db, `SELECT 1 FROM api_credentials WHERE id = ? AND user_id = ?`, [id, userId]);
          if (own.rows.length === 0) return null;
          throw duplicate();
        }
      }
      const { rows } = await query(
        db,
        `UPDATE api_credentials SET ${sets.join(", ")} WHERE id = ? AND user_id = ?${expected === undefined ? "" : " AND status = ?"} RETURNING ${COLUMNS}`,
        [...bindings, id, userId, ...(expected === undefined ? [] : [expected])],
      );
      return rows[0] ? toCredential(rows[0]) : null;
    },
    async touchLastUsed(userId, id, at, notAfter) {
      checkKeys({ userId, id });
      const { rowCount } = await query(
        db,
        `UPDATE api_credentials SET last_used_at = ?
         WHERE id = ? AND user_id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
        [at, id, userId, notAfter],
      );
      return rowCount > 0;
    },
    async delete(userId, id) {
      checkKeys({ userId, id });
      const { rowCount } = await query(db, `DELETE FROM api_credentials WHERE id = ? AND user_id = ?`, [id, userId]);
      return rowCount > 0;
    },
    async deleteByUser(userId) {
      checkKeys({ userId });
      return (await query(db, `DELETE FROM api_credentials WHERE user_id = ?`, [userId])).rowCount;
    },
    async claimForRewrap(primaryKeyId, limit) {
      const { rows } = await query(
        db,
        `SELECT id, user_id, exchange, sealed_secret, key_id FROM api_credentials
         WHERE key_id <> ? ORDER BY created_at, id LIMIT ? FOR UPDATE SKIP LOCKED`,
        [primaryKeyId, Math.max(0, Math.trunc(limit))],
      );
      return rows.map((r) => ({
        id: str(r.id),
        userId: str(r.user_id),
        exchange: str(r.exchange),
        sealedSecret: str(r.sealed_secret),
        keyId: str(r.key_id),
      }));
    },
    async replaceSealedIfKey(id, expectedKeyId, next) {
      const { rowCount } = await query(
        db,
        `UPDATE api_credentials SET sealed_secret = ?, key_id = ?, format_version = ?, updated_at = ?
         WHERE id = ? AND key_id = ?`,
        [next.sealedSecret, next.keyId, next.formatVersion, clock.now(), id, expectedKeyId],
      );
      return rowCount > 0;
    },
    async replaceSealedManyIfKey(items) {
      const changed: string[] = [];
      const now = clock.now();
      for (let start = 0; start < items.length; start += MANY_CHUNK) {
        const chunk = items.slice(start, start + MANY_CHUNK);
        const bindings: unknown[] = [now];
        for (const item of chunk) bindings.push(item.id, item.expectedKeyId, item.sealedSecret, item.keyId, item.formatVersion);
        // The compare-and-set of replaceSealedIfKey, one row of VALUES per item: a row already
        // moved off its expected key (a rerun, another worker) does not match and is left alone.
        const { rows } = await query(
          db,
          `UPDATE api_credentials AS c
           SET sealed_secret = v.sealed_secret, key_id = v.key_id, format_version = v.format_version, updated_at = ?
           FROM (VALUES ${chunk.map((_, i) => (i === 0 ? "(?::text, ?::text, ?::text, ?::text, ?::integer)" : "(?, ?, ?, ?, ?)")).join(", ")})
             AS v (id, expected_key_id, sealed_secret, key_id, format_version)
           WHERE c.id = v.id AND c.key_id = v.expected_key_id
           RETURNING c.id`,
          bindings,
        );
        for (const r of rows) changed.push(str(r.id));
      }
      return changed;
    },
    async countByKeyId() {
      const { rows } = await query(db, `SELECT key_id, count(*) AS n FROM api_credentials GROUP BY key_id`);
      return Object.fromEntries(rows.map((r) => [str(r.key_id), num(r.n)]));
    },
    async listExpiring(before, limit) {
      const { rows } = await query(
        db,
        `SELECT ${COLUMNS} FROM api_credentials
         WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?
         ORDER BY expires_at, id LIMIT ?`,
        [before, Math.max(0, Math.trunc(limit))],
      );
      return rows.map(toCredential);
    },
    async listDueForRevalidation(validatedBefore, limit) {
      const { rows } = await query(
        db,
        `SELECT ${COLUMNS} FROM api_credentials
         WHERE status = 'active' AND (last_validated_at IS NULL OR last_validated_at <= ?)
         ORDER BY last_validated_at ASC NULLS FIRST, id LIMIT ?`,
        [validatedBefore, Math.max(0, Math.trunc(limit))],
      );
      return rows.map(toCredential);
    },
  };
}
