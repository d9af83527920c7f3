import { type NonceRecord, type NonceStore, WalletAuthError } from "@wallet-auth/core";
import { checkKeys } from "../internal/checkKeys.js";
import { type Db, type Row, query } from "../internal/Db.js";
import { date, dateOrNull, str } from "../internal/mappers.js";

const COLUMNS = `nonce, user_id, address, chain_id, message, issued_at, expires_at, consumed_at`;

function toNonce(r: Row): NonceRecord {
  return {
    nonce: str(r.nonce),
    userId: str(r.user_id),
    address: str(r.address),
    chainId: str(r.chain_id),
    message: str(r.message),
    issuedAt: date(r.issued_at),
    expiresAt: date(r.expires_at),
    consumedAt: dateOrNull(r.consumed_at),
  };
}

/** The PostgreSQL {@link NonceStore}: consumption is one conditional UPDATE. */
export function pgNonces(db: Db): NonceStore {
  return {
    async create(n) {
      const { rowCount } = await query(
        db,
        `INSERT INTO siwe_nonces (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (nonce) DO NOTHING`,
        [n.nonce, n.userId, n.address, n.chainId, n.message, n.issuedAt, n.expiresAt, n.consumedAt],
      );
      if (rowCount === 0) throw new WalletAuthError("CONFLICT", { reason: "nonce-exists" });
    },
    async consume(nonce, userId, now) {
      checkKeys({ nonce, userId });
      const { rows } = await query(
        db,
        `UPDATE siwe_nonces SET consumed_at = ?
         WHERE nonce = ? AND user_id = ? AND consumed_at IS NULL AND expires_at > ?
         RETURNING ${COLUMNS}`,
        [now, nonce, userId, now],
      );
      return rows[0] ? toNonce(rows[0]) : null;
    },
    async deleteExpired(now) {
      return (await query(db, `DELETE FROM siwe_nonces WHERE expires_at <= ? OR consumed_at IS NOT NULL`, [now])).rowCount;
    },
    async deleteByUser(userId) {
      checkKeys({ userId });
      return (await query(db, `DELETE FROM siwe_nonces WHERE user_id = ?`, [userId])).rowCount;
    },
  };
}
