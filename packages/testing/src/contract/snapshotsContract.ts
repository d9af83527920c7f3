import { describe, expect, it } from "vitest";
import { at, id, snapshot, transaction } from "./fixtures.js";
import { collectPages } from "./paging.js";
import type { HarnessRef } from "./types.js";

/** BalanceSnapshotStore and TransactionStore: exact decimals, all-or-nothing batches, paging. */
export function historyContract(h: HarnessRef): void {
  describe("BalanceSnapshotStore", () => {
    it("insertMany keeps decimal strings exactly and is all-or-nothing", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      const precise = snapshot("user_a", {
        free: "123456789012345678901234.123456789012345678",
        locked: "0.000000000000000001",
        total: "123456789012345678901234.123456789012345679",
        usdValue: null,
      });
      await store.snapshots.insertMany([precise]);
      expect((await store.snapshots.list({ userId: "user_a" })).items).toEqual([precise]);
      const dup = snapshot("user_a");
      await expect(store.snapshots.insertMany([snapshot("user_a"), dup, { ...dup }])).rejects.toBeTruthy();
      expect(await probe.countRows("balance_snapshots")).toBe(1);
      await store.snapshots.insertMany([]);
      expect(await probe.countRows("balance_snapshots")).toBe(1);
    });

    it("list filters by source, asset and [from, to), ascending by takenAt, scoped by user", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const s1 = snapshot("user_a", { takenAt: at(1) });
      const s2 = snapshot("user_a", { takenAt: at(2), asset: "ETH" });
      const s3 = snapshot("user_a", { takenAt: at(3), sourceType: "wallet", sourceId: "w-1" });
      const s4 = snapshot("user_a", { takenAt: at(4) });
      await store.snapshots.insertMany([s4, s3, s2, s1, snapshot("user_b", { takenAt: at(2) })]);
      const ids = async (q: Omit<Parameters<typeof store.snapshots.list>[0], "userId">) =>
        (await store.snapshots.list({ userId: "user_a", ...q })).items.map((s) => s.id);
      expect(await ids({})).toEqual([s1.id, s2.id, s3.id, s4.id]);
      expect(await ids({ sourceType: "exchange", sourceId: "src-1" })).toEqual([s1.id, s2.id, s4.id]);
      expect(await ids({ asset: "ETH" })).toEqual([s2.id]);
      expect(await ids({ from: at(2), to: at(4) })).toEqual([s2.id, s3.id]);
    });

    it("pages with an opaque cursor without gaps or repeats, also among equal timestamps", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const rows = Array.from({ length: 25 }, (_, i) => snapshot("user_a", { takenAt: at(Math.floor(i / 4)) }));
      await store.snapshots.insertMany(rows);
      const { items, pages } = await collectPages((cursor) => store.snapshots.list({ userId: "user_a", limit: 7, cursor }));
      expect(pages).toBe(4);
      expect(items.map((s) => s.id).sort()).toEqual(rows.map((s) => s.id).sort());
      const times = items.map((s) => s.takenAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
      await expect(store.snapshots.list({ userId: "user_a", cursor: "not-a-cursor" })).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
    });

    it("deleteBySource and deleteByUser remove only what they name", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      await store.snapshots.insertMany([
        snapshot("user_a"),
        snapshot("user_a"),
        snapshot("user_a", { sourceId: "src-2" }),
        snapshot("user_b"),
      ]);
      expect(await store.snapshots.deleteBySource("user_a", "exchange", "src-1")).toBe(2);
      expect(await store.snapshots.deleteBySource("user_a", "wallet", "src-2")).toBe(0);
      expect(await store.snapshots.deleteByUser("user_a")).toBe(1);
      expect((await store.snapshots.list({ userId: "user_b" })).items).toHaveLength(1);
    });
  });

  describe("TransactionStore", () => {
    it("upsertMany is idempotent by (sourceType, sourceId, externalId) and updates in place", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      const t = transaction("user_a", { status: "pending", amount: "-0.000000000000000001" });
      await store.transactions.upsertMany([t]);
      await store.transactions.upsertMany([t]);
      await store.transactions.upsertMany([{ ...t, id: id(), status: "ok", fee: null, feeAsset: null }]);
      expect(await probe.countRows("transactions")).toBe(1);
      const [stored] = (await store.transactions.list({ userId: "user_a" })).items;
      expect(stored).toEqual({ ...t, status: "ok", fee: null, feeAsset: null });
      // Same external id on another source is another entry.
      await store.transactions.upsertMany([{ ...t, id: id(), sourceId: "src-2" }]);
      expect(await probe.countRows("transactions")).toBe(2);
    });

    it("upsertMany is all-or-nothing", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      const ok = transaction("user_a");
      const orphan = transaction("user_missing");
      await expect(store.transactions.upsertMany([ok, orphan])).rejects.toBeTruthy();
      expect(await probe.countRows("transactions")).toBe(0);
    });

    it("list is newest first with filters, scoped by user, and pages", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const rows = Array.from({ length: 12 }, (_, i) =>
        transaction("user_a", { occurredAt: at(i % 5), type: i % 2 === 0 ? "trade" : "deposit" }),
      );
      await store.transactions.upsertMany([...rows, transaction("user_b")]);
      const { items } = await collectPages((cursor) => store.transactions.list({ userId: "user_a", limit: 5, cursor }));
      expect(items.map((t) => t.id).sort()).toEqual(rows.map((t) => t.id).sort());
      const times = items.map((t) => t.occurredAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const deposits = (await store.transactions.list({ userId: "user_a", type: "deposit", from: at(1), to: at(3) })).items;
      expect(deposits.every((t) => t.type === "deposit" && t.occurredAt >= at(1) && t.occurredAt < at(3))).toBe(true);
      expect(deposits).toHaveLength(rows.filter((t) => t.type === "deposit" && t.occurredAt >= at(1) && t.occurredAt < at(3)).length);
      expect(await store.transactions.deleteByUser("user_a")).toBe(12);
      expect((await store.transactions.list({ userId: "user_b" })).items).toHaveLength(1);
    });
  });
}
