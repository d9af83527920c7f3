import { describe, expect, it } from "vitest";
import { at, wallet } from "./fixtures.js";
import type { HarnessRef } from "./types.js";

/** WalletStore: one owner per address (case-insensitive per namespace), one primary per user. */
export function walletsContract(h: HarnessRef): void {
  describe("WalletStore", () => {
    it("insert then get returns every field; another user's wallet reads as missing", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const w = wallet("user_a", { label: "Ledger", metadata: { ens: "a.eth", tags: ["cold"] }, isPrimary: true });
      expect(await store.wallets.insert(w)).toEqual(w);
      expect(await store.wallets.get("user_a", w.id)).toEqual(w);
      expect(await store.wallets.get("user_b", w.id)).toBeNull();
      expect(await store.wallets.update("user_b", w.id, { label: "x", updatedAt: at(1) })).toBeNull();
      expect(await store.wallets.setPrimary("user_b", w.id, at(1))).toBe(false);
      expect(await store.wallets.delete("user_b", w.id)).toBe(false);
      expect(await store.wallets.get("user_a", w.id)).toEqual(w);
    });

    it("an address already linked (any case, any user) throws CONFLICT; another namespace is a different address", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const w = await store.wallets.insert(wallet("user_a"));
      await expect(store.wallets.insert(wallet("user_b", { address: w.address.toLowerCase() }))).rejects.toMatchObject({
        code: "CONFLICT",
      });
      await expect(store.wallets.insert(wallet("user_a", { address: w.address.toUpperCase().replace("0X", "0x") }))).rejects.toMatchObject({
        code: "CONFLICT",
      });
      expect(await probe.countRows("wallets")).toBe(1);
      await store.wallets.insert(wallet("user_b", { address: w.address, chainNamespace: "solana" }));
      expect(await probe.countRows("wallets")).toBe(2);
    });

    it("findByAddress is case-insensitive and returns the owner's wallet, or null", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const w = await store.wallets.insert(wallet("user_a"));
      expect(await store.wallets.findByAddress("eip155", w.address.toLowerCase())).toEqual(w);
      expect(await store.wallets.findByAddress("solana", w.address)).toBeNull();
      expect(await store.wallets.findByAddress("eip155", "0x0000000000000000000000000000000000000001")).toBeNull();
    });

    it("listByUser puts the primary first, then oldest first", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const first = await store.wallets.insert(wallet("user_a", { createdAt: at(1) }));
      const second = await store.wallets.insert(wallet("user_a", { createdAt: at(2) }));
      const third = await store.wallets.insert(wallet("user_a", { createdAt: at(3) }));
      expect((await store.wallets.listByUser("user_a")).map((w) => w.id)).toEqual([first.id, second.id, third.id]);
      expect(await store.wallets.setPrimary("user_a", third.id, at(4))).toBe(true);
      expect((await store.wallets.listByUser("user_a")).map((w) => w.id)).toEqual([third.id, first.id, second.id]);
      expect(await store.wallets.listByUser("user_nobody")).toEqual([]);
    });

    it("setPrimary leaves exactly one primary wallet", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const a = await store.wallets.insert(wallet("user_a", { isPrimary: true }));
      const b = await store.wallets.insert(wallet("user_a"));
      expect(await store.wallets.setPrimary("user_a", b.id, at(5))).toBe(true);
      const list = await store.wallets.listByUser("user_a");
      expect(list.filter((w) => w.isPrimary).map((w) => w.id)).toEqual([b.id]);
      expect((await store.wallets.get("user_a", a.id))?.isPrimary).toBe(false);
      expect(await store.wallets.setPrimary("user_a", "no-such-id", at(6))).toBe(false);
      expect((await store.wallets.get("user_a", b.id))?.isPrimary).toBe(true);
    });

    it("a second primary for one user throws CONFLICT wallet-primary-exists, and the transaction stays usable", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const a = await store.wallets.insert(wallet("user_a", { isPrimary: true }));
      const second = wallet("user_a", { isPrimary: true });
      const linked = await store.transaction(async (tx) => {
        await expect(tx.wallets.insert(second)).rejects.toMatchObject({ code: "CONFLICT", reason: "wallet-primary-exists" });
        return tx.wallets.insert({ ...second, isPrimary: false });
      });
      expect(linked.isPrimary).toBe(false);
      expect((await store.wallets.listByUser("user_a")).filter((w) => w.isPrimary).map((w) => w.id)).toEqual([a.id]);
      // Another user's primary is independent.
      expect((await store.wallets.insert(wallet("user_b", { isPrimary: true }))).isPrimary).toBe(true);
      expect(await probe.countRows("wallets")).toBe(3);
    });

    it("update patches label and metadata only", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const w = await store.wallets.insert(wallet("user_a", { label: "old" }));
      const updated = await store.wallets.update("user_a", w.id, { metadata: { k: "v" }, updatedAt: at(7) });
      expect(updated).toEqual({ ...w, metadata: { k: "v" }, updatedAt: at(7) });
      expect(await store.wallets.update("user_a", w.id, { label: null, updatedAt: at(8) })).toEqual({
        ...w,
        label: null,
        metadata: { k: "v" },
        updatedAt: at(8),
      });
    });

    it("delete frees the address; deleteByUser reports how many", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const w = await store.wallets.insert(wallet("user_a"));
      await store.wallets.insert(wallet("user_a"));
      expect(await store.wallets.delete("user_a", w.id)).toBe(true);
      expect(await store.wallets.delete("user_a", w.id)).toBe(false);
      await store.wallets.insert(wallet("user_b", { address: w.address }));
      expect(await store.wallets.deleteByUser("user_a")).toBe(1);
      expect(await store.wallets.deleteByUser("user_a")).toBe(0);
      expect((await store.wallets.findByAddress("eip155", w.address))?.userId).toBe("user_b");
    });
  });
}
