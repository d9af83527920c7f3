import { WalletAuthError } from "../../errors/index.js";
import { windowAdmits } from "../../policy/decideTradePolicy.js";
import { type PolicySubjectType, type TradePolicyRecord, type TradePolicyStore, policyWindowKey } from "../../ports/TradePolicyStore.js";
import type { PolicyWindowEntry } from "../MemoryState.js";
import { type Exec, requireUser } from "./Exec.js";

const copy = (r: TradePolicyRecord): TradePolicyRecord => structuredClone(r);
const subjectKey = (type: PolicySubjectType, id: string) => `${type}\u0000${id}`;
/** Entries older than the longest window are pruned on the next reservation of their key. */
const KEEP_MS = 30 * 86_400_000;

/** The memory {@link TradePolicyStore}: every call runs under the store's one mutex, so reservations are serialised. */
export function memoryTradePolicies(exec: Exec): TradePolicyStore {
  return {
    get: (userId, subjectType, subjectId) =>
      exec((s) => {
        const r = s.tradePolicies.get(subjectKey(subjectType, subjectId));
        return r && r.userId === userId ? copy(r) : null;
      }),
    put: (record, expectedVersion) =>
      exec((s) => {
        requireUser(s, record.userId);
        const key = subjectKey(record.subjectType, record.subjectId);
        const current = s.tradePolicies.get(key);
        if (current === undefined ? expectedVersion !== 0 : current.userId !== record.userId || current.version !== expectedVersion) return null;
        // Declared fields only, copied in: a caller mutating its object later changes nothing here.
        const next: TradePolicyRecord = {
          userId: record.userId,
          subjectType: record.subjectType,
          subjectId: record.subjectId,
          policy: structuredClone(record.policy),
          version: expectedVersion + 1,
          updatedAt: new Date(record.updatedAt),
        };
        s.put(s.tradePolicies, key, next);
        return copy(next);
      }),
    delete: (userId, subjectType, subjectId) =>
      exec((s) => {
        const key = subjectKey(subjectType, subjectId);
        const current = s.tradePolicies.get(key);
        if (current === undefined || current.userId !== userId) return false;
        s.remove(s.tradePolicies, key);
        s.remove(s.policyWindows, policyWindowKey(subjectType, subjectId));
        return true;
      }),
    reserveWindow: (r) =>
      exec((s) => {
        requireUser(s, r.userId);
        if (!(r.at instanceof Date) || !Number.isFinite(r.at.getTime())) throw new WalletAuthError("INVALID_INPUT", { reason: "window-at" });
        const now = r.at.getTime();
        const window = s.policyWindows.get(r.key);
        if (window !== undefined && window.userId !== r.userId) throw new WalletAuthError("CONFLICT", { reason: "window-owner" });
        const kept = (window?.entries ?? []).filter((e) => e.at > now - KEEP_MS);
        const result = windowAdmits(kept, now, r.seconds, r.cap, r.amount);
        const entries: PolicyWindowEntry[] = result.admitted ? [...kept, { id: r.id, at: now, amount: r.amount }] : kept;
        s.put(s.policyWindows, r.key, { userId: r.userId, entries });
        return result;
      }),
    releaseWindow: (key, id) =>
      exec((s) => {
        const window = s.policyWindows.get(key);
        if (window === undefined || !window.entries.some((e) => e.id === id)) return false;
        s.put(s.policyWindows, key, { ...window, entries: window.entries.filter((e) => e.id !== id) });
        return true;
      }),
    deleteByUser: (userId) =>
      exec((s) => {
        let n = 0;
        for (const [key, r] of [...s.tradePolicies]) if (r.userId === userId && s.remove(s.tradePolicies, key)) n += 1;
        for (const [key, w] of [...s.policyWindows]) if (w.userId === userId) s.remove(s.policyWindows, key);
        return n;
      }),
  };
}
