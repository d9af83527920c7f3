import type { JsonObject, TradePolicyWrite, WindowReservation } from "@wallet-auth/core";
import { describe, expect, it } from "vitest";
import { at, id, rejection } from "./fixtures.js";
import type { HarnessRef, StoreCapabilities } from "./types.js";

const policyA: JsonObject = { symbols: ["BTC/USDT"], quoteCurrency: "USDT", maxOrderNotional: "100", window: { seconds: 60, maxNotional: "1000" } };
const policyB: JsonObject = { symbols: "*", quoteCurrency: "USDT", maxOrderNotional: null, window: null };

function write(userId: string, subjectId: string, policy: JsonObject = policyA, seconds = 0): TradePolicyWrite {
  return { userId, subjectType: "credential", subjectId, policy, updatedAt: at(seconds) };
}

function reservation(key: string, amount: string, seconds: number, overrides: Partial<WindowReservation> = {}): WindowReservation {
  return { key, id: id(), userId: "user_a", amount, cap: "1000", seconds: 60, at: at(seconds), ...overrides };
}

/** Trade policies (replaced whole, compare-and-set) and their rolling windows (atomic reserve). */
export function policiesContract(h: HarnessRef, capabilities: StoreCapabilities): void {
  describe("trade policies", () => {
    it("stores a policy at version 1, replaces it whole at version 2, and shows it to its owner only", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      expect(await store.tradePolicies.get("user_a", "credential", "cred_1")).toBeNull();
      const first = await store.tradePolicies.put(write("user_a", "cred_1"), 0);
      expect(first).toMatchObject({ version: 1, policy: policyA, userId: "user_a", subjectType: "credential", subjectId: "cred_1" });
      const second = await store.tradePolicies.put(write("user_a", "cred_1", policyB, 5), 1);
      // Replaced whole: no field of the old policy survives.
      expect(second).toEqual({ userId: "user_a", subjectType: "credential", subjectId: "cred_1", policy: policyB, version: 2, updatedAt: at(5) });
      expect(await store.tradePolicies.get("user_a", "credential", "cred_1")).toEqual(second);
      expect(await store.tradePolicies.get("user_b", "credential", "cred_1")).toBeNull();
      expect(await store.tradePolicies.get("user_a", "token", "cred_1")).toBeNull();
    });

    it("refuses a write expecting another version and leaves the policy as it was", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      await store.tradePolicies.put(write("user_a", "cred_1"), 0);
      expect(await store.tradePolicies.put(write("user_a", "cred_1", policyB), 0)).toBeNull();
      expect(await store.tradePolicies.put(write("user_a", "cred_1", policyB), 7)).toBeNull();
      // Another user cannot take the subject over.
      expect(await store.tradePolicies.put(write("user_b", "cred_1", policyB), 1)).toBeNull();
      expect(await store.tradePolicies.get("user_a", "credential", "cred_1")).toMatchObject({ version: 1, policy: policyA });
    });

    it("refuses a policy for a user with no row with NOT_FOUND", async () => {
      const { store } = h();
      expect(await rejection(store.tradePolicies.put(write("user_missing", "cred_1"), 0))).toMatchObject({ code: "NOT_FOUND" });
    });

    it("admits amounts up to the cap inclusive, refuses the next, and forgets amounts that left the window", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      expect(await store.tradePolicies.reserveWindow(reservation("w", "600", 0))).toEqual({ admitted: true, used: "0" });
      expect(await store.tradePolicies.reserveWindow(reservation("w", "400.00", 10))).toEqual({ admitted: true, used: "600" });
      expect(await store.tradePolicies.reserveWindow(reservation("w", "0.01", 20))).toEqual({ admitted: false, used: "1000" });
      // At 60 s the first amount (at 0) has left the 60-second window; the second has not.
      expect(await store.tradePolicies.reserveWindow(reservation("w", "600", 60))).toEqual({ admitted: true, used: "400" });
      expect(await store.tradePolicies.reserveWindow(reservation("w", "0.5", 61))).toEqual({ admitted: false, used: "1000" });
      // Windows are per key.
      expect(await store.tradePolicies.reserveWindow(reservation("other", "1000", 61))).toEqual({ admitted: true, used: "0" });
    });

    it("keeps decimals exact: 0.1 + 0.2 fills a 0.3 cap exactly", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const cap = { cap: "0.3" };
      expect((await store.tradePolicies.reserveWindow(reservation("w", "0.1", 0, cap))).admitted).toBe(true);
      expect((await store.tradePolicies.reserveWindow(reservation("w", "0.2", 1, cap))).admitted).toBe(true);
      expect(await store.tradePolicies.reserveWindow(reservation("w", "0.000000000000000001", 2, cap))).toEqual({ admitted: false, used: "0.3" });
    });

    it("a released reservation no longer counts; releasing twice is false", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const r = reservation("w", "1000", 0);
      expect((await store.tradePolicies.reserveWindow(r)).admitted).toBe(true);
      expect(await store.tradePolicies.releaseWindow("w", r.id)).toBe(true);
      expect(await store.tradePolicies.releaseWindow("w", r.id)).toBe(false);
      expect(await store.tradePolicies.reserveWindow(reservation("w", "1000", 1))).toEqual({ admitted: true, used: "0" });
    });

    it("a reservation inside a transaction that rolls back leaves nothing behind", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await rejection(
        store.transaction(async (tx) => {
          await tx.tradePolicies.reserveWindow(reservation("w", "1000", 0));
          throw new Error("rolled back");
        }),
      );
      expect(await store.tradePolicies.reserveWindow(reservation("w", "1000", 1))).toEqual({ admitted: true, used: "0" });
    });

    it("deleting a policy deletes its window; erasing a user deletes every policy and window", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      await store.tradePolicies.put(write("user_a", "cred_1"), 0);
      await store.tradePolicies.put(write("user_a", "cred_2"), 0);
      await store.tradePolicies.reserveWindow(reservation("credential:cred_1", "10", 0));
      await store.tradePolicies.reserveWindow(reservation("credential:cred_2", "10", 0));
      expect(await store.tradePolicies.delete("user_b", "credential", "cred_1")).toBe(false);
      expect(await store.tradePolicies.delete("user_a", "credential", "cred_1")).toBe(true);
      expect(await probe.countRows("policy_window_entries")).toBe(1);
      expect(await store.tradePolicies.deleteByUser("user_a")).toBe(1);
      expect(await probe.countRows("trade_policies")).toBe(0);
      expect(await probe.countRows("policy_window_entries")).toBe(0);
    });

    it("of parallel writes expecting the same version exactly one lands", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.tradePolicies.put(write("user_a", "cred_1", { n: i }), 0)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      const winner = results.find((r) => r !== null);
      expect(await store.tradePolicies.get("user_a", "credential", "cred_1")).toEqual(winner);
    });

    it(`${capabilities.concurrentTransactions === true ? "on concurrent connections, " : ""}30 parallel reservations of 100 against a cap of 1,000 admit exactly 10`, async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const results = await Promise.all(Array.from({ length: 30 }, () => store.tradePolicies.reserveWindow(reservation("hot", "100", 0))));
      expect(results.filter((r) => r.admitted)).toHaveLength(10);
      // Whatever order they ran in, the next one sees exactly the cap spent.
      expect(await store.tradePolicies.reserveWindow(reservation("hot", "0.01", 1))).toEqual({ admitted: false, used: "1000" });
    });
  });
}
