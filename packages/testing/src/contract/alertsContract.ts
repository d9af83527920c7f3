import { describe, expect, it } from "vitest";
import { alert, at } from "./fixtures.js";
import { collectPages } from "./paging.js";
import type { HarnessRef } from "./types.js";

/** AlertStore: one open alert per (user, dedupe key), listing and status changes. */
export function alertsContract(h: HarnessRef): void {
  describe("AlertStore", () => {
    it("an open alert with the same (userId, dedupeKey) suppresses a repeat", async () => {
      const { store, probe } = h();
      const first = await store.alerts.insert(alert("user_a", { severity: "medium" }));
      expect(first.created).toBe(true);
      const repeat = await store.alerts.insert(alert("user_a"));
      expect(repeat).toEqual({ alert: first.alert, created: false });
      expect((await store.alerts.insert(alert("user_b"))).created).toBe(true);
      expect((await store.alerts.insert(alert("user_a", { dedupeKey: "other" }))).created).toBe(true);
      expect(await probe.countRows("security_alerts")).toBe(3);
    });

    it("system-wide alerts (userId null) dedupe too; a null dedupeKey never does", async () => {
      const { store, probe } = h();
      expect((await store.alerts.insert(alert(null, { kind: "key.age", dedupeKey: "key.age:k1" }))).created).toBe(true);
      expect((await store.alerts.insert(alert(null, { kind: "key.age", dedupeKey: "key.age:k1" }))).created).toBe(false);
      expect((await store.alerts.insert(alert("user_a", { dedupeKey: null }))).created).toBe(true);
      expect((await store.alerts.insert(alert("user_a", { dedupeKey: null }))).created).toBe(true);
      expect(await probe.countRows("security_alerts")).toBe(3);
    });

    it("once the open alert is resolved, the same dedupe key raises a new one", async () => {
      const { store } = h();
      const first = await store.alerts.insert(alert("user_a"));
      const resolved = await store.alerts.setStatus("user_a", first.alert.id, "resolved", at(50));
      expect(resolved).toEqual({ ...first.alert, status: "resolved", updatedAt: at(50) });
      const again = await store.alerts.insert(alert("user_a", { createdAt: at(60) }));
      expect(again.created).toBe(true);
      expect(again.alert.id).not.toBe(first.alert.id);
    });

    it("setStatus on another user's or a missing alert returns null and changes nothing", async () => {
      const { store } = h();
      const { alert: a } = await store.alerts.insert(alert("user_a"));
      expect(await store.alerts.setStatus("user_b", a.id, "resolved", at(1))).toBeNull();
      expect(await store.alerts.setStatus("user_a", "no-such-id", "resolved", at(1))).toBeNull();
      expect((await store.alerts.list({ userId: "user_a" })).items).toEqual([a]);
    });

    it("list is newest first, filters by status, is scoped by user and pages", async () => {
      const { store } = h();
      const created = [];
      for (let i = 0; i < 9; i++) {
        created.push((await store.alerts.insert(alert("user_a", { dedupeKey: null, createdAt: at(i) }))).alert);
      }
      await store.alerts.insert(alert("user_b"));
      await store.alerts.setStatus("user_a", (created[0] as { id: string }).id, "acknowledged", at(20));
      const { items } = await collectPages((cursor) => store.alerts.list({ userId: "user_a", limit: 4, cursor }));
      expect(items.map((a) => a.id)).toEqual(created.map((a) => a.id).reverse());
      const acknowledged = await store.alerts.list({ userId: "user_a", status: "acknowledged" });
      expect(acknowledged.items.map((a) => a.id)).toEqual([(created[0] as { id: string }).id]);
      expect(await store.alerts.deleteByUser("user_a")).toBe(9);
      expect((await store.alerts.list({ userId: "user_b" })).items).toHaveLength(1);
    });
  });
}
