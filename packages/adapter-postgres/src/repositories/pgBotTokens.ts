import type { BotTokenRecord, BotTokenScope, BotTokenStore } from "@wallet-auth/core";
import { type Db, type Row, query } from "../internal/Db.js";
import { date, dateOrNull, str } from "../internal/mappers.js";

const COLUMNS = `id, user_id, label, prefix, hash, key_id, scopes, credential_ids, created_at, expires_at, last_used_at, revoked_at`;

function textArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  // PGlite may hand back the array literal `{a,b}`.
  const text = String(value ?? "{}");
  return text === "{}" ? [] : text.slice(1, -1).split(",");
}

function toToken(r: Row): BotTokenRecord {
  return {
    id: str(r.id),
    userId: str(r.user_id),
    label: str(r.label),
    prefix: str(r.prefix),
    hash: str(r.hash),
    keyId: r.key_id === null || r.key_id === undefined ? null : str(r.key_id),
    scopes: textArray(r.scopes) as BotTokenScope[],
    credentialIds: textArray(r.credential_ids),
    createdAt: date(r.created_at),
    expiresAt: date(r.expires_at),
    lastUsedAt: dateOrNull(r.last_used_at),
    revokedAt: dateOrNull(r.revoked_at),
  };
}

/** The PostgreSQL {@link BotTokenStore}: revocation and last-use are conditional UPDATEs. */
export function pgBotTokens(db: Db): BotTokenStore {
  return {
    async insert(t) {
      await query(db, `INSERT INTO bot_tokens (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?::text[], ?::text[], ?, ?, ?, ?)`, [
        t.id,
        t.userId,
        t.label,
        t.prefix,
        t.hash,
        t.keyId,
        `{${t.scopes.join(",")}}`,
        `{${t.credentialIds.join(",")}}`,
        t.createdAt,
        t.expiresAt,
        t.lastUsedAt,
        t.revokedAt,
      ]);
    },
    async listByUser(userId) {
      const { rows } = await query(db, `SELECT ${COLUMNS} FROM bot_tokens WHERE user_id = ? ORDER BY created_at DESC, id DESC`, [userId]);
      return rows.map(toToken);
    },
    async getByHash(hash) {
      const { rows } = await query(db, `SELECT ${COLUMNS} FROM bot_tokens WHERE hash = ?`, [hash]);
      return rows[0] ? toToken(rows[0]) : null;
    },
    async rehash(id, from, to) {
      const { rowCount } = await query(db, `UPDATE bot_tokens SET hash = ?, key_id = ? WHERE id = ? AND hash = ? AND key_id IS NOT DISTINCT FROM ?`, [
        to.hash,
        to.keyId,
        id,
        from.hash,
        from.keyId,
      ]);
      return rowCount > 0;
    },
    async listUnkeyed(limit) {
      const { rows } = await query(db, `SELECT id, hash FROM bot_tokens WHERE key_id IS NULL ORDER BY created_at, id LIMIT ?`, [limit]);
      return rows.map((r) => ({ id: str(r.id), hash: str(r.hash) }));
    },
    async revoke(userId, id, at) {
      const { rows } = await query(db, `UPDATE bot_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL RETURNING ${COLUMNS}`, [at, id, userId]);
      return rows[0] ? toToken(rows[0]) : null;
    },
    async touchLastUsed(id, at, olderThan) {
      const { rowCount } = await query(db, `UPDATE bot_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`, [at, id, olderThan]);
      return rowCount > 0;
    },
    async deleteByUser(userId) {
      return (await query(db, `DELETE FROM bot_tokens WHERE user_id = ?`, [userId])).rowCount;
    },
  };
}
