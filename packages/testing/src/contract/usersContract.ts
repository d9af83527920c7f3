import { describe, expect, it } from "vitest";
import { at, auditBuilder, alert, credential, id, nonce, snapshot, transaction, wallet } from "./fixtures.js";
import type { HarnessRef } from "./types.js";

/** UserStore: ensure is idempotent and race-free, delete cascades but spares audit and alerts. */
export function usersContract(h: HarnessRef): void {
  describe("UserStore", () => {
    it("ensure creates once and returns the existing user unchanged", async () => {
      const { store } = h();
      const created = await store.users.ensure("user_a", at(0));
      expect(created).toEqual({ id: "user_a", metadata: {}, createdAt: at(0), updatedAt: at(0) });
      await store.users.updateMetadata("user_a", { plan: "pro" }, at(5));
      const again = await store.users.ensure("user_a", at(10));
      expect(again).toEqual({ id: "user_a", metadata: { plan: "pro" }, createdAt: at(0), updatedAt: at(5) });
    });

    it("ensure called concurrently for one id succeeds everywhere and leaves one row", async () => {
      const { store, probe } = h();
      const results = await Promise.all(Array.from({ length: 10 }, () => store.users.ensure("user_race", at(0))));
      expect(new Set(results.map((u) => u.id))).toEqual(new Set(["user_race"]));
      expect(await probe.countRows("users")).toBe(1);
    });

    it("get returns null for an absent user and updateMetadata returns null without creating one", async () => {
      const { store, probe } = h();
      expect(await store.users.get("user_missing")).toBeNull();
      expect(await store.users.updateMetadata("user_missing", { a: 1 }, at(0))).toBeNull();
      expect(await probe.countRows("users")).toBe(0);
    });

    it("updateMetadata replaces the metadata (not a merge)", async () => {
      const { store } = h();
      await store.users.ensure("user_m", at(0));
      await store.users.updateMetadata("user_m", { a: 1, nested: { b: [1, "x", null, true] } }, at(1));
      const updated = await store.users.updateMetadata("user_m", { c: "z" }, at(2));
      expect(updated?.metadata).toEqual({ c: "z" });
      expect(updated?.updatedAt).toEqual(at(2));
      expect((await store.users.get("user_m"))?.metadata).toEqual({ c: "z" });
    });

    it("returned records are copies: mutating one never changes the store", async () => {
      const { store } = h();
      const user = await store.users.ensure("user_copy", at(0));
      user.metadata.injected = true;
      user.createdAt.setTime(0);
      const fresh = await store.users.get("user_copy");
      expect(fresh?.metadata).toEqual({});
      expect(fresh?.createdAt).toEqual(at(0));
    });

    it("delete cascades to credentials, wallets, nonces, snapshots and transactions, but keeps audit events and alerts", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_del", at(0));
      await store.users.ensure("user_keep", at(0));
      for (const userId of ["user_del", "user_keep"]) {
        await store.credentials.insert(credential(userId));
        await store.wallets.insert(wallet(userId));
        await store.nonces.create(nonce(userId));
        await store.snapshots.insertMany([snapshot(userId)]);
        await store.transactions.upsertMany([transaction(userId)]);
        await store.alerts.insert(alert(userId));
        await store.audit.append(`chain-${userId}`, auditBuilder(`chain-${userId}`, { subjectUserId: userId }));
      }
      expect(await store.users.delete("user_del")).toBe(true);
      expect(await store.users.get("user_del")).toBeNull();
      for (const table of ["api_credentials", "wallets", "siwe_nonces", "balance_snapshots", "transactions"] as const) {
        expect(await probe.countRows(table)).toBe(1);
      }
      expect(await store.credentials.listByUser("user_keep")).toHaveLength(1);
      expect(await probe.countRows("audit_events")).toBe(2);
      expect(await probe.countRows("security_alerts")).toBe(2);
      expect(await store.users.delete("user_del")).toBe(false);
    });

    it("refuses rows for a user that does not exist (NOT_FOUND), so nothing is orphaned", async () => {
      const { store, probe } = h();
      const ghost = `user_${id()}`;
      await expect(store.credentials.insert(credential(ghost))).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(store.wallets.insert(wallet(ghost))).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(store.nonces.create(nonce(ghost))).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect(await probe.countRows("api_credentials")).toBe(0);
      expect(await probe.countRows("wallets")).toBe(0);
      expect(await probe.countRows("siwe_nonces")).toBe(0);
    });
  });
}
