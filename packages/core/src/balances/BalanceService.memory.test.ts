import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../memory.js";
import { BalanceService } from "./BalanceService.js";

const ctx = { userId: "user_embedder" };

describe("BalanceService memory bound (no refresher running)", () => {
  it("remembers at most maxActiveSources read sources when no refresher drains them", async () => {
    const balances = new BalanceService({ store: createMemoryStore(), maxActiveSources: 100 });
    for (let i = 0; i < 1_000; i++) {
      // An unknown wallet fails upstream, but the read was still remembered for the refresher.
      await balances.get(ctx, { source: { type: "wallet", walletId: randomUUID() } }).catch(() => undefined);
    }
    const remembered = balances.activeSources(new Date(0));
    expect(remembered).toHaveLength(100);
  });

  it("forgets a read source activeSourceTtlMs after its last read", async () => {
    let now = Date.UTC(2026, 0, 1);
    const balances = new BalanceService({ store: createMemoryStore(), activeSourceTtlMs: 60_000, clock: { now: () => new Date(now) } });
    await balances.get(ctx, { source: { type: "wallet", walletId: randomUUID() } }).catch(() => undefined);
    expect(balances.activeSources(new Date(0))).toHaveLength(1);
    now += 60_001;
    expect(balances.activeSources(new Date(0))).toHaveLength(0);
  });

  it("remembers 10,000 sources by default, not every one ever read", async () => {
    const balances = new BalanceService({ store: createMemoryStore() });
    for (let i = 0; i < 10_050; i++) await balances.get(ctx, { source: { type: "wallet", walletId: randomUUID() } }).catch(() => undefined);
    expect(balances.activeSources(new Date(0))).toHaveLength(10_000);
  });
});
