import type { OrderJournalRecord, WalletAuthStore } from "@wallet-auth/core";
import { describe, expect, it } from "vitest";
import { at, credential } from "./fixtures.js";
import type { HarnessRef } from "./types.js";

async function seed(store: WalletAuthStore, userId: string): Promise<string> {
  await store.users.ensure(userId, at(0));
  return (await store.credentials.insert(credential(userId))).id;
}

let n = 0;
function entry(userId: string, credentialId: string, overrides: Partial<OrderJournalRecord> = {}): OrderJournalRecord {
  n += 1;
  return {
    id: `journal_${n}_${Math.random().toString(36).slice(2, 10)}`,
    userId,
    credentialId,
    exchange: "binance",
    origin: "proxy",
    venueOrderId: null,
    clientOrderId: `wa${String(n).padStart(30, "0")}`,
    symbol: "BTC/USDT",
    side: "buy",
    placedAt: at(0),
    recordedAt: at(0),
    ...overrides,
  };
}

/** OrderJournal (signed-request journal, foreign orders) and IncidentStore. */
export function orderJournalContract(h: HarnessRef): void {
  describe("OrderJournal", () => {
    it("a retried proxy order (same client order id) is one entry; its venue order id is filled in once and never replaced", async () => {
      const { store } = h();
      const c = await seed(store, "user_journal");
      const first = entry("user_journal", c);
      expect(await store.orderJournal.record(first)).toEqual({ created: true });
      expect(await store.orderJournal.record({ ...first, id: "journal_retry_1", venueOrderId: "1001" })).toEqual({ created: false });
      expect(await store.orderJournal.record({ ...first, id: "journal_retry_2", venueOrderId: "9999" })).toEqual({ created: false });
      const byClient = await store.orderJournal.findProxyOrders("user_journal", c, { venueOrderIds: [], clientOrderIds: [first.clientOrderId!] });
      expect(byClient).toEqual([expect.objectContaining({ id: first.id, venueOrderId: "1001", origin: "proxy" })]);
      expect(await store.orderJournal.findProxyOrders("user_journal", c, { venueOrderIds: ["1001"], clientOrderIds: [] })).toHaveLength(1);
      expect(await store.orderJournal.findProxyOrders("user_journal", c, { venueOrderIds: ["9999"], clientOrderIds: [] })).toEqual([]);
      // Another user's credential id never matches.
      expect(await store.orderJournal.findProxyOrders("user_other", c, { venueOrderIds: ["1001"], clientOrderIds: [] })).toEqual([]);
    });

    it("foreign orders are unique per credential and venue order id, listed newest first, and never matched as the proxy's", async () => {
      const { store } = h();
      const c = await seed(store, "user_foreign");
      const f1 = entry("user_foreign", c, { origin: "foreign", venueOrderId: "77", clientOrderId: null, recordedAt: at(10) });
      expect(await store.orderJournal.record(f1)).toEqual({ created: true });
      expect(await store.orderJournal.record({ ...f1, id: "foreign_again" })).toEqual({ created: false });
      await store.orderJournal.record(entry("user_foreign", c, { origin: "foreign", venueOrderId: "78", clientOrderId: "x-foreign", recordedAt: at(20) }));
      expect((await store.orderJournal.listForeign("user_foreign", null, 10)).map((r) => r.venueOrderId)).toEqual(["78", "77"]);
      expect(await store.orderJournal.listForeign("user_foreign", c, 1)).toHaveLength(1);
      expect(await store.orderJournal.listForeign("user_nobody", null, 10)).toEqual([]);
      expect(await store.orderJournal.findProxyOrders("user_foreign", c, { venueOrderIds: ["77", "78"], clientOrderIds: ["x-foreign"] })).toEqual([]);
    });

    it("retention deletes old proxy entries only (foreign ones stay as evidence); recentSymbols and erasure", async () => {
      const { store } = h();
      const c = await seed(store, "user_retain");
      await store.orderJournal.record(entry("user_retain", c, { placedAt: at(0), symbol: "ETH/USDT" }));
      await store.orderJournal.record(entry("user_retain", c, { placedAt: at(100), symbol: "BTC/USDT" }));
      await store.orderJournal.record(entry("user_retain", c, { origin: "foreign", venueOrderId: "5", clientOrderId: null, placedAt: at(0) }));
      expect(await store.orderJournal.recentSymbols("user_retain", c, at(0), 10)).toEqual(["BTC/USDT", "ETH/USDT"]);
      expect(await store.orderJournal.recentSymbols("user_retain", c, at(50), 10)).toEqual(["BTC/USDT"]);
      expect(await store.orderJournal.deleteProxyBefore(at(50), 1000)).toBeGreaterThanOrEqual(1);
      expect(await store.orderJournal.recentSymbols("user_retain", c, at(0), 10)).toEqual(["BTC/USDT"]);
      expect(await store.orderJournal.listForeign("user_retain", null, 10)).toHaveLength(1);
      expect(await store.orderJournal.deleteByUser("user_retain")).toBe(2);
    });
  });

  describe("IncidentStore", () => {
    it("stores incidents with their details, lists a user's newest first, refuses a repeated id, erases per user", async () => {
      const { store } = h();
      await store.users.ensure("user_incident", at(0));
      await store.incidents.insert({ id: "incident_1", userId: "user_incident", kind: "kill_switch", createdAt: at(1), details: { credentialsDisabled: ["c1"], nested: { ok: true } } });
      await store.incidents.insert({ id: "incident_2", userId: "user_incident", kind: "foreign_orders", createdAt: at(2), details: {} });
      await expect(store.incidents.insert({ id: "incident_1", userId: "user_incident", kind: "kill_switch", createdAt: at(3), details: {} })).rejects.toMatchObject({ code: "CONFLICT" });
      const list = await store.incidents.list("user_incident", 10);
      expect(list.map((i) => i.id)).toEqual(["incident_2", "incident_1"]);
      expect(list[1]).toEqual({ id: "incident_1", userId: "user_incident", kind: "kill_switch", createdAt: at(1), details: { credentialsDisabled: ["c1"], nested: { ok: true } } });
      expect(await store.incidents.deleteByUser("user_incident")).toBe(2);
    });
  });
}
