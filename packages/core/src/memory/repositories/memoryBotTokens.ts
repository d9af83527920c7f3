import { WalletAuthError } from "../../errors/index.js";
import type { BotTokenRecord, BotTokenStore } from "../../ports/BotTokenStore.js";
import type { Exec } from "./Exec.js";

const copy = (r: BotTokenRecord): BotTokenRecord => structuredClone(r);

/** The memory {@link BotTokenStore}. */
export function memoryBotTokens(exec: Exec): BotTokenStore {
  return {
    insert: (record) =>
      exec((s) => {
        if (s.botTokens.has(record.id) || s.botTokenByHash.has(record.hash)) throw new WalletAuthError("CONFLICT", { reason: "bot-token-exists" });
        s.put(s.botTokens, record.id, copy(record));
        s.put(s.botTokenByHash, record.hash, record.id);
      }),
    listByUser: (userId) =>
      exec((s) =>
        [...s.botTokens.values()]
          .filter((t) => t.userId === userId)
          .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
          .map(copy),
      ),
    getByHash: (hash) =>
      exec((s) => {
        const id = s.botTokenByHash.get(hash);
        const t = id === undefined ? undefined : s.botTokens.get(id);
        return t ? copy(t) : null;
      }),
    rehash: (id, from, to) =>
      exec((s) => {
        const t = s.botTokens.get(id);
        if (!t || t.hash !== from.hash || t.keyId !== from.keyId) return false;
        if (s.botTokenByHash.has(to.hash)) throw new WalletAuthError("CONFLICT", { reason: "bot-token-exists" });
        s.remove(s.botTokenByHash, t.hash);
        s.put(s.botTokens, id, { ...t, hash: to.hash, keyId: to.keyId });
        s.put(s.botTokenByHash, to.hash, id);
        return true;
      }),
    listUnkeyed: (limit) =>
      exec((s) =>
        [...s.botTokens.values()]
          .filter((t) => t.keyId === null)
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
          .slice(0, limit)
          .map((t) => ({ id: t.id, hash: t.hash })),
      ),
    revoke: (userId, id, at) =>
      exec((s) => {
        const t = s.botTokens.get(id);
        if (!t || t.userId !== userId || t.revokedAt !== null) return null;
        const next = { ...t, revokedAt: new Date(at) };
        s.put(s.botTokens, id, next);
        return copy(next);
      }),
    touchLastUsed: (id, at, olderThan) =>
      exec((s) => {
        const t = s.botTokens.get(id);
        if (!t || (t.lastUsedAt !== null && t.lastUsedAt.getTime() >= olderThan.getTime())) return false;
        s.put(s.botTokens, id, { ...t, lastUsedAt: new Date(at) });
        return true;
      }),
    deleteByUser: (userId) =>
      exec((s) => {
        let n = 0;
        for (const t of [...s.botTokens.values()]) {
          if (t.userId !== userId) continue;
          s.remove(s.botTokens, t.id);
          s.remove(s.botTokenByHash, t.hash);
          n += 1;
        }
        return n;
      }),
  };
}
