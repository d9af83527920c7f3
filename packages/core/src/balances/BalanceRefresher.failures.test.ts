import { describe, expect, it } from "vitest";
import { WalletAuthError } from "../errors/index.js";
import { createMemoryStore } from "../memory.js";
import { type BackgroundFailure, FailureReporter } from "../observe/FailureReporter.js";
import type { LeaseStore } from "../ports/LeaseStore.js";
import { BalanceRefresher } from "./BalanceRefresher.js";
import { BalanceService } from "./BalanceService.js";

describe("BalanceRefresher when its store fails", () => {
  it("counts each lease store failure and logs it once per interval, instead of dropping the whole pass silently", async () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = { now: () => new Date(now) };
    const balances = new BalanceService({ store: createMemoryStore({ clock }), clock });
    for (const walletId of ["w-1", "w-2", "w-3"]) await balances.get({ userId: "user_r" }, { source: { type: "wallet", walletId } }).catch(() => undefined);
    const down: LeaseStore = {
      tryAcquire: () => Promise.reject(new WalletAuthError("STORE_UNAVAILABLE", { reason: "connection-lost" })),
      release: () => Promise.reject(new WalletAuthError("STORE_UNAVAILABLE", { reason: "connection-lost" })),
    };
    const failures: BackgroundFailure[] = [];
    const lines: Record<string, unknown>[] = [];
    const refresher = new BalanceRefresher({
      balances,
      leases: down,
      owner: "replica-a",
      clock,
      failures: new FailureReporter({ clock, observer: { backgroundFailure: (f) => void failures.push(f) }, logger: { warn: () => undefined, error: (f) => void lines.push(f) } }),
    });
    expect(await refresher.runOnce()).toEqual({ refreshed: 0, skipped: 0, failed: 3 });
    expect(failures).toEqual(Array.from({ length: 3 }, () => ({ operation: "balance_refresh", errorCode: "STORE_UNAVAILABLE", errorReason: "connection-lost" })));
    expect(lines).toHaveLength(1);
    now += 60_000;
    await refresher.runOnce();
    expect(failures).toHaveLength(6);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ operation: "balance_refresh", suppressed: 2 });
  });
});
