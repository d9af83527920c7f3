import type { JsonObject } from "../../ports/common.js";
import type { UserRecord, UserStore } from "../../ports/UserStore.js";
import { copyUser } from "../records.js";
import type { Exec } from "./Exec.js";

/** The memory {@link UserStore}. Deleting a user cascades like the PostgreSQL foreign keys. */
export function memoryUsers(exec: Exec): UserStore {
  return {
    ensure: (id, now) =>
      exec((s) => {
        const existing = s.users.get(id);
        if (existing) return copyUser(existing);
        const row: UserRecord = { id, metadata: {}, createdAt: new Date(now), updatedAt: new Date(now) };
        s.put(s.users, id, row);
        return copyUser(row);
      }),
    get: (id) => exec((s) => (s.users.has(id) ? copyUser(s.users.get(id) as UserRecord) : null)),
    updateMetadata: (id, metadata: JsonObject, now) =>
      exec((s) => {
        const existing = s.users.get(id);
        if (!existing) return null;
        const row = copyUser({ ...existing, metadata, updatedAt: now });
        s.put(s.users, id, row);
        return copyUser(row);
      }),
    delete: (id) =>
      exec((s) => {
        if (!s.users.has(id)) return false;
        for (const [cid, c] of s.credentials) {
          if (c.userId !== id) continue;
          s.remove(s.credentials, cid);
          s.remove(s.credentialByFingerprint, c.fingerprint);
        }
        for (const [wid, w] of s.wallets) {
          if (w.userId !== id) continue;
          s.remove(s.wallets, wid);
          s.remove(s.walletByAddress, walletAddressKey(w.chainNamespace, w.address));
        }
        for (const [nid, n] of s.nonces) if (n.userId === id) s.remove(s.nonces, nid);
        for (const [sid, snap] of s.snapshots) if (snap.userId === id) s.remove(s.snapshots, sid);
        for (const [tid, t] of s.transactions) {
          if (t.userId !== id) continue;
          s.remove(s.transactions, tid);
          s.remove(s.transactionByExternal, transactionKey(t.sourceType, t.sourceId, t.externalId));
        }
        s.remove(s.users, id);
        return true;
      }),
  };
}

/** Key of the wallets' unique index: namespace and lower-cased address. */
export function walletAddressKey(namespace: string, address: string): string {
  return `${namespace}\u0000${address.toLowerCase()}`;
}

/** Key of the transactions' unique index. */
export function transactionKey(sourceType: string, sourceId: string, externalId: string): string {
  return `${sourceType}\u0000${sourceId}\u0000${externalId}`;
}
