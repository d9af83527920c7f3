import { type JsonObject, type WalletRecord, type WalletStore, WalletAuthError } from "@wallet-auth/core";
import { type Db, type Row, query } from "../internal/Db.js";
import { date, json, jsonParam, str, strOrNull } from "../internal/mappers.js";

const COLUMNS = `id, user_id, chain_namespace, chain_reference, address, label, metadata, is_primary, verified_at, created_at, updated_at`;

function toWallet(r: Row): WalletRecord {
  return {
    id: str(r.id),
    userId: str(r.user_id),
    chainNamespace: str(r.chain_namespace),
    chainReference: str(r.chain_reference),
    address: str(r.address),
    label: strOrNull(r.label),
    metadata: json<JsonObject>(r.metadata),
    isPrimary: r.is_primary === true,
    verifiedAt: date(r.verified_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

/** The PostgreSQL {@link WalletStore}; the unique index is on `(chain_namespace, lower(address))`. */
export function pgWallets(db: Db): WalletStore {
  return {
    async insert(w) {
      const { rows } = await query(
        db,
        `INSERT INTO wallets (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
        [
          w.id,
          w.userId,
          w.chainNamespace,
          w.chainReference,
          w.address,
          w.label,
          jsonParam(w.metadata),
          w.isPrimary,
          w.verifiedAt,
          w.createdAt,
          w.updatedAt,
        ],
      );
      if (rows[0]) return toWallet(rows[0]);
      // DO NOTHING covers both unique indexes (address; one primary per user, m002) and leaves the
      // transaction usable, so tell the caller which one it hit.
      const { rows: owner } = await query(db, `SELECT 1 FROM wallets WHERE chain_namespace = ? AND lower(address) = lower(?)`, [
        w.chainNamespace,
        w.address,
      ]);
      if (owner.length === 0 && w.isPrimary) throw new WalletAuthError("CONFLICT", { reason: "wallet-primary-exists" });
      throw new WalletAuthError("CONFLICT", { reason: "wallet-address-linked" });
    },
    async get(userId, id) {
      const { rows } = await query(db, `SELECT ${COLUMNS} FROM wallets WHERE id = ? AND user_id = ?`, [id, userId]);
      return rows[0] ? toWallet(rows[0]) : null;
    },
    async findByAddress(chainNamespace, address) {
      const { rows } = await query(db, `SELECT ${COLUMNS} FROM wallets WHERE chain_namespace = ? AND lower(address) = lower(?)`, [
        chainNamespace,
        address,
      ]);
      return rows[0] ? toWallet(rows[0]) : null;
    },
    async listByUser(userId) {
      const { rows } = await query(
        db,
        `SELECT ${COLUMNS} FROM wallets WHERE user_id = ? ORDER BY is_primary DESC, created_at, id`,
        [userId],
      );
      return rows.map(toWallet);
    },
    async update(userId, id, patch) {
      const sets = ["updated_at = ?"];
      const bindings: unknown[] = [patch.updatedAt];
      if (patch.label !== undefined) {
        sets.push("label = ?");
        bindings.push(patch.label);
      }
      if (patch.metadata !== undefined) {
        sets.push("metadata = ?::jsonb");
        bindings.push(jsonParam(patch.metadata));
      }
      const { rows } = await query(db, `UPDATE wallets SET ${sets.join(", ")} WHERE id = ? AND user_id = ? RETURNING ${COLUMNS}`, [
        ...bindings,
        id,
        userId,
      ]);
      return rows[0] ? toWallet(rows[0]) : null;
    },
    async setPrimary(userId, id, now) {
      // Two statements, cleared first: the one-primary index (m002) is checked row by row, so a
      // single UPDATE that sets the new flag before clearing the old one could trip it.
      const { rows } = await query(db, `SELECT is_primary FROM wallets WHERE id = ? AND user_id = ? FOR UPDATE`, [id, userId]);
      if (!rows[0]) return false;
      if (rows[0].is_primary === true) return true;
      await query(db, `UPDATE wallets SET is_primary = false, updated_at = ? WHERE user_id = ? AND is_primary AND id <> ?`, [now, userId, id]);
      await query(db, `UPDATE wallets SET is_primary = true, updated_at = ? WHERE id = ? AND user_id = ?`, [now, id, userId]);
      return true;
    },
    async delete(userId, id) {
      return (await query(db, `DELETE FROM wallets WHERE id = ? AND user_id = ?`, [id, userId])).rowCount > 0;
    },
    async deleteByUser(userId) {
      return (await query(db, `DELETE FROM wallets WHERE user_id = ?`, [userId])).rowCount;
    },
  };
}
