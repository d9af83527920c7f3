import { describe, expect, it } from "vitest";
import { at, credential, hex, rejection } from "./fixtures.js";
import type { HarnessRef } from "./types.js";

/** CredentialStore: per-user scoping, the fingerprint unique index, throttled touch, rewrap CAS. */
export function credentialsContract(h: HarnessRef): void {
  describe("CredentialStore", () => {
    it("insert then get returns every field as written", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const record = credential("user_a", {
        permissions: { read: true, trade: false, withdraw: false, margin: true, ipRestricted: true },
        expiresAt: at(3600),
        lastUsedAt: at(30),
      });
      expect(await store.credentials.insert(record)).toEqual(record);
      expect(await store.credentials.get("user_a", record.id)).toEqual(record);
      const noPermissions = credential("user_a", { permissions: null, lastValidatedAt: null });
      await store.credentials.insert(noPermissions);
      expect(await store.credentials.get("user_a", noPermissions.id)).toEqual(noPermissions);
    });

    it("keeps the venue's permission record and the owner's risk acceptance, on insert and on update", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const keyPermissions = {
        read: true,
        spotTrade: true,
        margin: "unknown",
        futures: false,
        internalTransfer: false,
        withdraw: "unknown",
        ipRestricted: true,
        allowedIps: ["203.0.113.9", "2001:db8::/32"],
        expiresAt: "2027-01-01T00:00:00.000Z",
        account: "sub",
      } as const;
      const record = credential("user_a", { keyPermissions: { ...keyPermissions, allowedIps: [...keyPermissions.allowedIps] }, permissionRiskAcceptedAt: at(5) });
      expect(await store.credentials.insert(record)).toEqual(record);
      expect(await store.credentials.get("user_a", record.id)).toEqual(record);
      const renewed = { ...keyPermissions, withdraw: false, allowedIps: [] } as const;
      const updated = await store.credentials.update("user_a", record.id, { keyPermissions: { ...renewed, allowedIps: [] }, permissionRiskAcceptedAt: null, updatedAt: at(9) });
      expect(updated).toEqual({ ...record, keyPermissions: renewed, permissionRiskAcceptedAt: null, updatedAt: at(9) });
      expect(await store.credentials.get("user_a", record.id)).toEqual(updated);
      // A patch without them leaves them alone.
      await store.credentials.update("user_a", record.id, { label: "x", updatedAt: at(10) });
      expect((await store.credentials.get("user_a", record.id))?.keyPermissions).toEqual(renewed);
    });

    it("another user's credential reads, updates and deletes as missing, and stays unchanged", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const record = await store.credentials.insert(credential("user_a"));
      expect(await store.credentials.get("user_b", record.id)).toBeNull();
      expect(await store.credentials.update("user_b", record.id, { label: "stolen", updatedAt: at(1) })).toBeNull();
      expect(await store.credentials.touchLastUsed("user_b", record.id, at(1), at(1))).toBe(false);
      expect(await store.credentials.delete("user_b", record.id)).toBe(false);
      expect(await store.credentials.get("user_a", record.id)).toEqual(record);
      expect(await store.credentials.get("user_a", "no-such-id")).toBeNull();
    });

    it("a fingerprint already stored (any user) throws CREDENTIAL_DUPLICATE and adds nothing", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const first = await store.credentials.insert(credential("user_a"));
      const error = await rejection(store.credentials.insert(credential("user_b", { fingerprint: first.fingerprint })));
      expect(error).toMatchObject({ code: "CREDENTIAL_DUPLICATE" });
      expect(await probe.countRows("api_credentials")).toBe(1);
    });

    it("listByUser returns only the user's credentials, newest first, and [] for none", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const older = await store.credentials.insert(credential("user_a", { createdAt: at(1) }));
      const newer = await store.credentials.insert(credential("user_a", { createdAt: at(2) }));
      await store.credentials.insert(credential("user_b"));
      expect((await store.credentials.listByUser("user_a")).map((c) => c.id)).toEqual([newer.id, older.id]);
      expect(await store.credentials.listByUser("user_nobody")).toEqual([]);
    });

    it("update changes only the patched fields; a fingerprint clash throws and changes nothing", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const a = await store.credentials.insert(credential("user_a"));
      const b = await store.credentials.insert(credential("user_a"));
      const updated = await store.credentials.update("user_a", a.id, {
        label: "Renamed",
        status: "disabled",
        permissions: { read: true, trade: false, withdraw: false },
        updatedAt: at(9),
      });
      expect(updated).toEqual({
        ...a,
        label: "Renamed",
        status: "disabled",
        permissions: { read: true, trade: false, withdraw: false },
        updatedAt: at(9),
      });
      const clash = await rejection(store.credentials.update("user_a", b.id, { fingerprint: a.fingerprint, label: "x", updatedAt: at(10) }));
      expect(clash).toMatchObject({ code: "CREDENTIAL_DUPLICATE" });
      expect(await store.credentials.get("user_a", b.id)).toEqual(b);
      const refingerprinted = await store.credentials.update("user_a", b.id, { fingerprint: hex(), updatedAt: at(11) });
      // The old fingerprint is free again once b moved off it.
      await expect(store.credentials.insert(credential("user_a", { fingerprint: b.fingerprint }))).resolves.toBeTruthy();
      expect(refingerprinted?.fingerprint).not.toBe(b.fingerprint);
    });

    it("touchLastUsed sets lastUsedAt only when null or older than notAfter", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const c = await store.credentials.insert(credential("user_a"));
      expect(await store.credentials.touchLastUsed("user_a", c.id, at(100), at(40))).toBe(true);
      expect((await store.credentials.get("user_a", c.id))?.lastUsedAt).toEqual(at(100));
      // Throttled: the stored 100 is not older than 90.
      expect(await store.credentials.touchLastUsed("user_a", c.id, at(130), at(90))).toBe(false);
      expect((await store.credentials.get("user_a", c.id))?.lastUsedAt).toEqual(at(100));
      expect(await store.credentials.touchLastUsed("user_a", c.id, at(200), at(150))).toBe(true);
      expect((await store.credentials.get("user_a", c.id))?.lastUsedAt).toEqual(at(200));
      expect(await store.credentials.touchLastUsed("user_a", "no-such-id", at(1), at(1))).toBe(false);
    });

    it("delete and deleteByUser remove only what they name and report counts", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const a1 = await store.credentials.insert(credential("user_a"));
      await store.credentials.insert(credential("user_a"));
      await store.credentials.insert(credential("user_b"));
      expect(await store.credentials.delete("user_a", a1.id)).toBe(true);
      expect(await store.credentials.delete("user_a", a1.id)).toBe(false);
      expect(await store.credentials.deleteByUser("user_a")).toBe(1);
      expect(await store.credentials.deleteByUser("user_a")).toBe(0);
      expect(await store.credentials.listByUser("user_b")).toHaveLength(1);
      // A deleted credential's fingerprint can be registered again.
      await expect(store.credentials.insert(credential("user_b", { fingerprint: a1.fingerprint }))).resolves.toBeTruthy();
    });

    it("claimForRewrap returns rows not on the primary key, oldest first, at most limit", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const old3 = await store.credentials.insert(credential("user_a", { keyId: "k1", createdAt: at(3) }));
      const old1 = await store.credentials.insert(credential("user_a", { keyId: "k0", createdAt: at(1) }));
      const old2 = await store.credentials.insert(credential("user_a", { keyId: "k1", createdAt: at(2) }));
      await store.credentials.insert(credential("user_a", { keyId: "k2", createdAt: at(0) }));
      const batch = await store.credentials.claimForRewrap("k2", 2);
      expect(batch).toEqual([
        { id: old1.id, userId: "user_a", exchange: "binance", sealedSecret: old1.sealedSecret, keyId: "k0" },
        { id: old2.id, userId: "user_a", exchange: "binance", sealedSecret: old2.sealedSecret, keyId: "k1" },
      ]);
      expect((await store.credentials.claimForRewrap("k2", 10)).map((c) => c.id)).toEqual([old1.id, old2.id, old3.id]);
    });

    it("replaceSealedIfKey is a compare-and-set on the key id", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const c = await store.credentials.insert(credential("user_a", { keyId: "k1" }));
      const next = { sealedSecret: "rewrapped-blob", keyId: "k2", formatVersion: 2 };
      expect(await store.credentials.replaceSealedIfKey(c.id, "k1", next)).toBe(true);
      // A stale rerun (still expecting k1) must not apply.
      expect(await store.credentials.replaceSealedIfKey(c.id, "k1", { ...next, sealedSecret: "stale" })).toBe(false);
      expect(await store.credentials.replaceSealedIfKey("no-such-id", "k1", next)).toBe(false);
      const stored = await store.credentials.get("user_a", c.id);
      expect(stored).toMatchObject({ sealedSecret: "rewrapped-blob", keyId: "k2", formatVersion: 2, label: c.label });
      expect(await store.credentials.claimForRewrap("k2", 10)).toEqual([]);
    });

    it("replaceSealedManyIfKey applies each compare-and-set on its own and returns the ids that changed", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const a = await store.credentials.insert(credential("user_a", { keyId: "k1" }));
      const b = await store.credentials.insert(credential("user_b", { keyId: "k0" }));
      const moved = await store.credentials.insert(credential("user_a", { keyId: "k1" }));
      const untouched = await store.credentials.insert(credential("user_a", { keyId: "k1" }));
      // Another worker already moved `moved` to k2: a stale item for it must not overwrite that.
      expect(await store.credentials.replaceSealedIfKey(moved.id, "k1", { sealedSecret: "winner-blob", keyId: "k2", formatVersion: 2 })).toBe(true);
      const item = (id: string, expectedKeyId: string, sealedSecret: string) => ({ id, expectedKeyId, sealedSecret, keyId: "k2", formatVersion: 2 });
      const changed = await store.credentials.replaceSealedManyIfKey([
        item(a.id, "k1", "a-blob"),
        item(b.id, "k0", "b-blob"),
        item(moved.id, "k1", "stale-blob"),
        item("no-such-id", "k1", "ghost-blob"),
      ]);
      expect([...changed].sort()).toEqual([a.id, b.id].sort());
      expect(await store.credentials.get("user_a", a.id)).toMatchObject({ sealedSecret: "a-blob", keyId: "k2", formatVersion: 2, label: a.label });
      expect(await store.credentials.get("user_b", b.id)).toMatchObject({ sealedSecret: "b-blob", keyId: "k2", formatVersion: 2 });
      expect(await store.credentials.get("user_a", moved.id)).toMatchObject({ sealedSecret: "winner-blob", keyId: "k2" });
      expect(await store.credentials.get("user_a", untouched.id)).toEqual(untouched);
      expect(await store.credentials.countByKeyId()).toEqual({ k1: 1, k2: 3 });
      // A rerun of the same batch changes nothing.
      expect(await store.credentials.replaceSealedManyIfKey([item(a.id, "k1", "again"), item(b.id, "k0", "again")])).toEqual([]);
      expect(await store.credentials.replaceSealedManyIfKey([])).toEqual([]);
      expect((await store.credentials.get("user_a", a.id))?.sealedSecret).toBe("a-blob");
    });

    it("replaceSealedManyIfKey inside a transaction that rolls back leaves every row as it was", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const a = await store.credentials.insert(credential("user_a", { keyId: "k1" }));
      await expect(
        store.transaction(async (tx) => {
          expect(await tx.credentials.replaceSealedManyIfKey([{ id: a.id, expectedKeyId: "k1", sealedSecret: "x", keyId: "k2", formatVersion: 2 }])).toEqual([a.id]);
          throw new Error("crash after the write");
        }),
      ).rejects.toThrow("crash after the write");
      expect(await store.credentials.get("user_a", a.id)).toEqual(a);
    });

    it("countByKeyId counts rows per key id and omits unused ids", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      expect(await store.credentials.countByKeyId()).toEqual({});
      await store.credentials.insert(credential("user_a", { keyId: "k1" }));
      await store.credentials.insert(credential("user_a", { keyId: "k1" }));
      const c = await store.credentials.insert(credential("user_a", { keyId: "k2" }));
      expect(await store.credentials.countByKeyId()).toEqual({ k1: 2, k2: 1 });
      await store.credentials.delete("user_a", c.id);
      expect(await store.credentials.countByKeyId()).toEqual({ k1: 2 });
    });

    it("listExpiring returns active credentials expiring at or before the bound, soonest first", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const soon = await store.credentials.insert(credential("user_b", { expiresAt: at(10) }));
      const edge = await store.credentials.insert(credential("user_a", { expiresAt: at(20) }));
      await store.credentials.insert(credential("user_a", { expiresAt: at(21) }));
      await store.credentials.insert(credential("user_a", { expiresAt: at(5), status: "disabled" }));
      await store.credentials.insert(credential("user_a", { expiresAt: null }));
      expect((await store.credentials.listExpiring(at(20), 10)).map((c) => c.id)).toEqual([soon.id, edge.id]);
      expect((await store.credentials.listExpiring(at(20), 1)).map((c) => c.id)).toEqual([soon.id]);
    });

    it("listDueForRevalidation returns active credentials validated at or before the bound (never first), least recent first, all users", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const never = await store.credentials.insert(credential("user_b", { lastValidatedAt: null }));
      const oldest = await store.credentials.insert(credential("user_a", { lastValidatedAt: at(10) }));
      const edge = await store.credentials.insert(credential("user_b", { lastValidatedAt: at(20) }));
      await store.credentials.insert(credential("user_a", { lastValidatedAt: at(21) }));
      await store.credentials.insert(credential("user_a", { lastValidatedAt: at(1), status: "disabled" }));
      await store.credentials.insert(credential("user_a", { lastValidatedAt: null, status: "invalid" }));
      expect((await store.credentials.listDueForRevalidation(at(20), 10)).map((c) => c.id)).toEqual([never.id, oldest.id, edge.id]);
      expect((await store.credentials.listDueForRevalidation(at(20), 2)).map((c) => c.id)).toEqual([never.id, oldest.id]);
      expect(await store.credentials.listDueForRevalidation(at(0), 0)).toEqual([]);
    });

    it("keeps a record it was given even if the caller mutates its own object afterwards", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const record = credential("user_a");
      const snapshotOfRecord = structuredClone(record);
      await store.credentials.insert(record);
      record.label = "mutated";
      (record.permissions as { withdraw: boolean }).withdraw = true;
      const returned = await store.credentials.get("user_a", record.id);
      expect(returned).toEqual(snapshotOfRecord);
      if (returned) returned.sealedSecret = "tampered";
      expect((await store.credentials.get("user_a", record.id))?.sealedSecret).toBe(snapshotOfRecord.sealedSecret);
    });
  });
}
