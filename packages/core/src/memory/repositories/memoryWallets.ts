import { WalletAuthError } from "../../errors/index.js";
import type { WalletRecord, WalletStore } from "../../ports/WalletStore.js";
import type { MemoryState } from "../MemoryState.js";
import { sortBy } from "../paging.js";
import { copyWallet } from "../records.js";
import { type Exec, requireUser } from "./Exec.js";
import { definedOnly } from "./memoryCredentials.js";
import { walletAddressKey } from "./memoryUsers.js";

const primaryThenOldest = [
  { get: (w: WalletRecord) => (w.isPrimary ? 0 : 1), dir: 1 as const },
  { get: (w: WalletRecord) => w.createdAt.getTime(), dir: 1 as const },
  { get: (w: WalletRecord) => w.id, dir: 1 as const },
];

/** The memory {@link WalletStore}. */
export function memoryWallets(exec: Exec): WalletStore {
  const own = (s: MemoryState, userId: string, id: string) => {
    const row = s.wallets.get(id);
    return row !== undefined && row.userId === userId ? row : undefined;
  };
  return {
    insert: (record) =>
      exec((s) => {
        requireUser(s, record.userId);
        const key = walletAddressKey(record.chainNamespace, record.address);
        if (s.walletByAddress.has(key)) throw new WalletAuthError("CONFLICT", { reason: "wallet-address-linked" });
        if (s.wallets.has(record.id)) throw new WalletAuthError("CONFLICT", { reason: "wallet-id-exists" });
        if (record.isPrimary && [...s.wallets.values()].some((w) => w.userId === record.userId && w.isPrimary)) {
          throw new WalletAuthError("CONFLICT", { reason: "wallet-primary-exists" });
        }
        const row = copyWallet(record);
        s.put(s.wallets, row.id, row);
        s.put(s.walletByAddress, key, row.id);
        return copyWallet(row);
      }),
    get: (userId, id) =>
      exec((s) => {
        const row = own(s, userId, id);
        return row ? copyWallet(row) : null;
      }),
    findByAddress: (chainNamespace, address) =>
      exec((s) => {
        const id = s.walletByAddress.get(walletAddressKey(chainNamespace, address));
        const row = id === undefined ? undefined : s.wallets.get(id);
        return row ? copyWallet(row) : null;
      }),
    listByUser: (userId) =>
      exec((s) => sortBy([...s.wallets.values()].filter((w) => w.userId === userId), primaryThenOldest).map(copyWallet)),
    update: (userId, id, patch) =>
      exec((s) => {
        const row = own(s, userId, id);
        if (!row) return null;
        const next = copyWallet({ ...row, ...definedOnly(patch, ["label", "metadata", "updatedAt"]) });
        s.put(s.wallets, id, next);
        return copyWallet(next);
      }),
    setPrimary: (userId, id, now) =>
      exec((s) => {
        if (!own(s, userId, id)) return false;
        for (const [wid, w] of s.wallets) {
          if (w.userId !== userId) continue;
          const isPrimary = wid === id;
          if (w.isPrimary !== isPrimary) s.put(s.wallets, wid, copyWallet({ ...w, isPrimary, updatedAt: now }));
        }
        return true;
      }),
    delete: (userId, id) =>
      exec((s) => {
        const row = own(s, userId, id);
        if (!row) return false;
        s.remove(s.wallets, id);
        s.remove(s.walletByAddress, walletAddressKey(row.chainNamespace, row.address));
        return true;
      }),
    deleteByUser: (userId) =>
      exec((s) => {
        let n = 0;
        for (const [id, row] of s.wallets) {
          if (row.userId !== userId) continue;
          s.remove(s.wallets, id);
          s.remove(s.walletByAddress, walletAddressKey(row.chainNamespace, row.address));
          n++;
        }
        return n;
      }),
  };
}
