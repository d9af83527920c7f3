import type { ProxyIdempotencyRecord, ProxyIdempotencyStore } from "../../ports/ProxyIdempotencyStore.js";
import type { Exec } from "./Exec.js";

const keyOf = (userId: string, credentialId: string, key: string) => `${userId}\0${credentialId}\0${key}`;

const copy = (r: ProxyIdempotencyRecord): ProxyIdempotencyRecord => ({
  ...r,
  response: r.response === null ? null : (structuredClone(r.response) as unknown),
  lockedUntil: new Date(r.lockedUntil),
  createdAt: new Date(r.createdAt),
  expiresAt: new Date(r.expiresAt),
});

/** The memory {@link ProxyIdempotencyStore}. */
export function memoryProxyIdempotency(exec: Exec): ProxyIdempotencyStore {
  return {
    claim: (claim, now) =>
      exec((s) => {
        const id = keyOf(claim.userId, claim.credentialId, claim.key);
        const held = s.proxyIdempotency.get(id);
        const at = now.getTime();
        const free =
          held === undefined ||
          held.expiresAt.getTime() <= at ||
          (held.state === "pending" && held.lockedUntil.getTime() <= at && held.requestHash === claim.requestHash);
        if (!free) return { claimed: false as const, existing: copy(held) };
        s.put(s.proxyIdempotency, id, copy({ ...claim, state: "pending", response: null }));
        return { claimed: true as const };
      }),
    complete: (userId, credentialId, key, response) =>
      exec((s) => {
        const id = keyOf(userId, credentialId, key);
        const held = s.proxyIdempotency.get(id);
        if (held === undefined) return false;
        s.put(s.proxyIdempotency, id, copy({ ...held, state: "done", response: JSON.parse(JSON.stringify(response ?? null)) as unknown }));
        return true;
      }),
    release: (userId, credentialId, key) =>
      exec((s) => {
        const id = keyOf(userId, credentialId, key);
        if (s.proxyIdempotency.get(id)?.state === "pending") s.remove(s.proxyIdempotency, id);
      }),
    deleteExpired: (now, limit) =>
      exec((s) => {
        let n = 0;
        for (const [id, r] of [...s.proxyIdempotency]) {
          if (n >= limit) break;
          if (r.expiresAt.getTime() < now.getTime()) {
            s.remove(s.proxyIdempotency, id);
            n++;
          }
        }
        return n;
      }),
    deleteByUser: (userId) =>
      exec((s) => {
        let n = 0;
        for (const [id, r] of [...s.proxyIdempotency]) {
          if (r.userId === userId) {
            s.remove(s.proxyIdempotency, id);
            n++;
          }
        }
        return n;
      }),
  };
}
