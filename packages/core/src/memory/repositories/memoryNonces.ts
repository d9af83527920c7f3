import { WalletAuthError } from "../../errors/index.js";
import type { NonceStore } from "../../ports/NonceStore.js";
import { copyNonce } from "../records.js";
import { type Exec, requireUser } from "./Exec.js";

/** The memory {@link NonceStore}. */
export function memoryNonces(exec: Exec): NonceStore {
  return {
    create: (record) =>
      exec((s) => {
        requireUser(s, record.userId);
        if (s.nonces.has(record.nonce)) throw new WalletAuthError("CONFLICT", { reason: "nonce-exists" });
        s.put(s.nonces, record.nonce, copyNonce(record));
      }),
    consume: (nonce, userId, now) =>
      exec((s) => {
        const row = s.nonces.get(nonce);
        if (!row || row.userId !== userId || row.consumedAt !== null || row.expiresAt.getTime() <= now.getTime()) {
          return null;
        }
        const next = copyNonce({ ...row, consumedAt: now });
        s.put(s.nonces, nonce, next);
        return copyNonce(next);
      }),
    deleteExpired: (now) =>
      exec((s) => {
        let n = 0;
        for (const [key, row] of s.nonces) {
          if (row.consumedAt !== null || row.expiresAt.getTime() <= now.getTime()) {
            s.remove(s.nonces, key);
            n++;
          }
        }
        return n;
      }),
    deleteByUser: (userId) =>
      exec((s) => {
        let n = 0;
        for (const [key, row] of s.nonces) {
          if (row.userId === userId) {
            s.remove(s.nonces, key);
            n++;
          }
        }
        return n;
      }),
  };
}
