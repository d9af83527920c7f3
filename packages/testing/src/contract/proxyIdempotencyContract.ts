import type { ProxyIdempotencyClaim, WalletAuthStore } from "@wallet-auth/core";
import { describe, expect, it } from "vitest";
import { at, credential, hex } from "./fixtures.js";
import type { HarnessRef } from "./types.js";

async function seed(store: WalletAuthStore, userId: string): Promise<string> {
  await store.users.ensure(userId, at(0));
  return (await store.credentials.insert(credential(userId))).id;
}

function claimOf(userId: string, credentialId: string, overrides: Partial<ProxyIdempotencyClaim> = {}): ProxyIdempotencyClaim {
  return {
    userId,
    credentialId,
    key: "order-key-1",
    requestHash: "a".repeat(64),
    clientOrderId: "wa0123456789abcdef",
    lockedUntil: at(120),
    createdAt: at(0),
    expiresAt: at(86_400),
    ...overrides,
  };
}

/** ProxyIdempotencyStore (exchange proxy Idempotency-Key) and SyncCursorStore (history cursors). */
export function proxyIdempotencyContract(h: HarnessRef): void {
  describe("ProxyIdempotencyStore", () => {
    it("claims a new key once; a second claim gets the pending record, then the stored result", async () => {
      const { store } = h();
      const credentialId = await seed(store, "user_idem");
      expect(await store.proxyIdempotency.claim(claimOf("user_idem", credentialId), at(0))).toEqual({ claimed: true });
      const second = await store.proxyIdempotency.claim(claimOf("user_idem", credentialId), at(1));
      expect(second).toMatchObject({ claimed: false, existing: { state: "pending", response: null, clientOrderId: "wa0123456789abcdef", requestHash: "a".repeat(64) } });
      const response = { id: "42", clientOrderId: "wa0123456789abcdef", amount: "0.299999999999999999", nested: { ok: true } };
      expect(await store.proxyIdempotency.complete("user_idem", credentialId, "order-key-1", response)).toBe(true);
      const third = await store.proxyIdempotency.claim(claimOf("user_idem", credentialId), at(2));
      expect(third).toMatchObject({ claimed: false, existing: { state: "done", response, expiresAt: at(86_400) } });
    });

    it("keys are per user and credential; release frees a pending claim but never a stored result", async () => {
      const { store } = h();
      const a = await seed(store, "user_idem_a");
      const b = await store.credentials.insert(credential("user_idem_a")).then((c) => c.id);
      expect(await store.proxyIdempotency.claim(claimOf("user_idem_a", a), at(0))).toEqual({ claimed: true });
      expect(await store.proxyIdempotency.claim(claimOf("user_idem_a", b), at(0))).toEqual({ claimed: true });
      await store.proxyIdempotency.release("user_idem_a", a, "order-key-1");
      expect(await store.proxyIdempotency.claim(claimOf("user_idem_a", a), at(1))).toEqual({ claimed: true });
      await store.proxyIdempotency.complete("user_idem_a", a, "order-key-1", { id: "1" });
      await store.proxyIdempotency.release("user_idem_a", a, "order-key-1");
      expect(await store.proxyIdempotency.claim(claimOf("user_idem_a", a), at(2))).toMatchObject({ claimed: false, existing: { state: "done" } });
    });

    it("a lapsed pending claim is taken over only by the same request; an expired record by anyone", async () => {
      const { store } = h();
      const c = await seed(store, "user_idem_lapse");
      await store.proxyIdempotency.claim(claimOf("user_idem_lapse", c), at(0));
      const other = claimOf("user_idem_lapse", c, { requestHash: "b".repeat(64), createdAt: at(200), lockedUntil: at(320), expiresAt: at(90_000) });
      expect(await store.proxyIdempotency.claim(other, at(200))).toMatchObject({ claimed: false });
      const same = claimOf("user_idem_lapse", c, { createdAt: at(200), lockedUntil: at(320), expiresAt: at(90_000) });
      expect(await store.proxyIdempotency.claim(same, at(200))).toEqual({ claimed: true });
      await store.proxyIdempotency.complete("user_idem_lapse", c, "order-key-1", { id: "1" });
      const later = claimOf("user_idem_lapse", c, { requestHash: "b".repeat(64), createdAt: at(90_001), lockedUntil: at(90_100), expiresAt: at(180_000) });
      expect(await store.proxyIdempotency.claim(later, at(90_001))).toEqual({ claimed: true });
    });

    it("concurrent claims of one key: exactly one wins", async () => {
      const { store } = h();
      const c = await seed(store, "user_idem_race");
      const results = await Promise.all(Array.from({ length: 12 }, () => store.proxyIdempotency.claim(claimOf("user_idem_race", c), at(0))));
      expect(results.filter((r) => r.claimed)).toHaveLength(1);
    });

    it("deleteExpired removes records past their retention, at most limit; deleteByUser a user's", async () => {
      const { store, probe } = h();
      const c = await seed(store, "user_idem_exp");
      for (let i = 0; i < 5; i++) {
        await store.proxyIdempotency.claim(claimOf("user_idem_exp", c, { key: `k${i}`, requestHash: hex(), expiresAt: at(i < 3 ? 100 : 10_000) }), at(0));
      }
      expect(await store.proxyIdempotency.deleteExpired(at(500), 2)).toBe(2);
      expect(await store.proxyIdempotency.deleteExpired(at(500), 100)).toBe(1);
      expect(await probe.countRows("proxy_idempotency")).toBe(2);
      expect(await store.proxyIdempotency.deleteByUser("user_idem_exp")).toBe(2);
      expect(await probe.countRows("proxy_idempotency")).toBe(0);
    });
  });

  describe("SyncCursorStore", () => {
    it("stores one cursor per user, source and stream; set replaces; deleteByUser removes", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_cursor", at(0));
      expect(await store.syncCursors.get("user_cursor", "wallet", "w1", "erc20")).toBeNull();
      await store.syncCursors.set("user_cursor", "wallet", "w1", "erc20", "2001", at(1));
      await store.syncCursors.set("user_cursor", "wallet", "w1", "erc20", "4001", at(2));
      await store.syncCursors.set("user_cursor", "exchange", "c1", "history", "1700000000000", at(2));
      expect(await store.syncCursors.get("user_cursor", "wallet", "w1", "erc20")).toBe("4001");
      expect(await store.syncCursors.get("user_cursor", "wallet", "w2", "erc20")).toBeNull();
      expect(await store.syncCursors.get("user_cursor", "exchange", "c1", "history")).toBe("1700000000000");
      expect(await probe.countRows("sync_cursors")).toBe(2);
      expect(await store.syncCursors.deleteByUser("user_cursor")).toBe(2);
      expect(await store.syncCursors.get("user_cursor", "wallet", "w1", "erc20")).toBeNull();
    });
  });
}
