import type { LeaseStore } from "../../ports/LeaseStore.js";
import type { Exec } from "./Exec.js";

/** The memory {@link LeaseStore}. */
export function memoryLeases(exec: Exec): LeaseStore {
  return {
    tryAcquire: (name, owner, now, expiresAt) =>
      exec((s) => {
        const held = s.leases.get(name);
        if (held && held.owner !== owner && held.expiresAt.getTime() > now.getTime()) return false;
        s.put(s.leases, name, { name, owner, expiresAt: new Date(expiresAt) });
        return true;
      }),
    release: (name, owner) =>
      exec((s) => {
        const held = s.leases.get(name);
        if (!held || held.owner !== owner) return false;
        s.remove(s.leases, name);
        return true;
      }),
  };
}
