import { describe, expect, it } from "vitest";
import { at, nonce } from "./fixtures.js";
import type { HarnessRef } from "./types.js";

/** NonceStore: single use, bound to a user, expiring. */
export function noncesContract(h: HarnessRef): void {
  describe("NonceStore", () => {
    it("create refuses an existing nonce with CONFLICT", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      const n = nonce("user_a");
      await store.nonces.create(n);
      await expect(store.nonces.create({ ...n, message: "other" })).rejects.toMatchObject({ code: "CONFLICT" });
      expect(await probe.countRows("siwe_nonces")).toBe(1);
    });

    it("consume returns the record with consumedAt = now, once", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const n = nonce("user_a");
      await store.nonces.create(n);
      expect(await store.nonces.consume(n.nonce, "user_a", at(10))).toEqual({ ...n, consumedAt: at(10) });
      expect(await store.nonces.consume(n.nonce, "user_a", at(11))).toBeNull();
      expect(await store.nonces.consume("never-issued", "user_a", at(11))).toBeNull();
    });

    it("another user's consume returns null and leaves the nonce usable by its owner", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const n = nonce("user_a");
      await store.nonces.create(n);
      expect(await store.nonces.consume(n.nonce, "user_b", at(1))).toBeNull();
      expect(await store.nonces.consume(n.nonce, "user_a", at(2))).not.toBeNull();
    });

    it("an expired nonce cannot be consumed (expiresAt must be after now)", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const n = nonce("user_a", { expiresAt: at(60) });
      await store.nonces.create(n);
      expect(await store.nonces.consume(n.nonce, "user_a", at(60))).toBeNull();
      expect(await store.nonces.consume(n.nonce, "user_a", at(61))).toBeNull();
    });

    it("deleteExpired removes expired and consumed nonces and keeps live ones", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      const live = nonce("user_a", { expiresAt: at(500) });
      const used = nonce("user_a", { expiresAt: at(500) });
      await store.nonces.create(live);
      await store.nonces.create(used);
      await store.nonces.create(nonce("user_a", { expiresAt: at(50) }));
      await store.nonces.consume(used.nonce, "user_a", at(10));
      expect(await store.nonces.deleteExpired(at(100))).toBe(2);
      expect(await probe.countRows("siwe_nonces")).toBe(1);
      expect(await store.nonces.consume(live.nonce, "user_a", at(101))).not.toBeNull();
    });

    it("deleteByUser removes only that user's nonces", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      await store.nonces.create(nonce("user_a"));
      await store.nonces.create(nonce("user_a"));
      const b = nonce("user_b");
      await store.nonces.create(b);
      expect(await store.nonces.deleteByUser("user_a")).toBe(2);
      expect(await store.nonces.consume(b.nonce, "user_b", at(1))).not.toBeNull();
    });
  });
}
