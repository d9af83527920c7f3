import { inspect } from "node:util";
import type { CredentialPatch, CredentialRecord } from "@wallet-auth/core";
import { describe, expect, it } from "vitest";
import { at, auditBuilder, credential, hex, nonce, rejection, wallet } from "./fixtures.js";
import type { HarnessRef } from "./types.js";

/** UnitOfWork and secrets at rest. */
export function unitOfWorkContract(h: HarnessRef): void {
  describe("UnitOfWork", () => {
    it("commits every write when the function resolves and passes its result through", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      const c = credential("user_a");
      const result = await store.transaction(async (tx) => {
        await tx.credentials.insert(c);
        await tx.audit.append("chain-a", auditBuilder("chain-a", { targetId: c.id }));
        return "done";
      });
      expect(result).toBe("done");
      expect(await probe.countRows("api_credentials")).toBe(1);
      expect(await probe.countRows("audit_events")).toBe(1);
    });

    it("a credential and its audit row written in one transaction: a throw midway leaves neither", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      const first = await store.audit.append("chain-a", auditBuilder("chain-a"));
      const failure = new Error("exchange validation failed");
      const thrown = await rejection(
        store.transaction(async (tx) => {
          const c = await tx.credentials.insert(credential("user_a"));
          await tx.audit.append("chain-a", auditBuilder("chain-a", { targetId: c.id }));
          expect(await tx.credentials.get("user_a", c.id)).not.toBeNull();
          throw failure;
        }),
      );
      expect(thrown).toBe(failure);
      expect(await probe.countRows("api_credentials")).toBe(0);
      expect(await probe.countRows("audit_events")).toBe(1);
      // The rolled-back append did not move the head.
      expect(await store.audit.append("chain-a", auditBuilder("chain-a"))).toMatchObject({ seq: 2, prevHash: first.hash });
      expect((await store.audit.listChain("chain-a", 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
    });

    it("rolls back updates and deletes too", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const c = await store.credentials.insert(credential("user_a"));
      const w = await store.wallets.insert(wallet("user_a"));
      await rejection(
        store.transaction(async (tx) => {
          await tx.credentials.update("user_a", c.id, { label: "changed", updatedAt: at(5) });
          await tx.wallets.delete("user_a", w.id);
          await tx.users.updateMetadata("user_a", { changed: true }, at(5));
          throw new Error("abort");
        }),
      );
      expect(await store.credentials.get("user_a", c.id)).toEqual(c);
      expect(await store.wallets.get("user_a", w.id)).toEqual(w);
      expect((await store.users.get("user_a"))?.metadata).toEqual({});
    });

    it("a coded error caught inside a transaction leaves the transaction usable", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      const existing = await store.credentials.insert(credential("user_a"));
      const w = await store.wallets.insert(wallet("user_a"));
      const n = nonce("user_a");
      await store.nonces.create(n);
      await store.transaction(async (tx) => {
        await expect(tx.credentials.insert(credential("user_a", { fingerprint: existing.fingerprint }))).rejects.toMatchObject({
          code: "CREDENTIAL_DUPLICATE",
        });
        await expect(tx.wallets.insert(wallet("user_a", { address: w.address }))).rejects.toMatchObject({ code: "CONFLICT" });
        await expect(tx.nonces.create(n)).rejects.toMatchObject({ code: "CONFLICT" });
        await tx.credentials.insert(credential("user_a"));
      });
      expect(await probe.countRows("api_credentials")).toBe(2);
    });
  });

  describe("secrets at rest", () => {
    it("a plaintext secret the caller slipped onto a record never reaches any table (text, hex or base64)", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      // Only this test knows the canary; the store is handed an opaque sealed blob plus the
      // canary on fields the port does not declare, as a buggy caller might.
      const canary = `CANARY-${hex(16)}`;
      const record = credential("user_a", { label: "Binance main", keyHint: "Qx7a" });
      const leaky = { ...record, apiKey: canary, secret: canary, plaintext: { secret: canary } } as CredentialRecord;
      await store.transaction(async (tx) => {
        await tx.credentials.insert(leaky);
        await tx.audit.append("chain-a", auditBuilder("chain-a", { targetId: record.id }));
      });
      await store.credentials.update("user_a", record.id, {
        label: "Binance main 2",
        updatedAt: at(1),
        secret: canary,
        userId: "user_other",
      } as CredentialPatch);
      const duplicate = await rejection(store.credentials.insert({ ...leaky, id: "another-id" }));

      expect((await store.credentials.get("user_a", record.id))?.label).toBe("Binance main 2");
      const dump = await probe.dumpAllText();
      // The probe does see what was stored, so the checks below can fail.
      expect(dump).toContain(record.sealedSecret);
      expect(dump).toContain("Binance main 2");
      const forms = [
        canary,
        Buffer.from(canary).toString("hex"),
        Buffer.from(canary).toString("base64"),
        Buffer.from(canary).toString("base64url"),
      ];
      for (const form of forms) {
        expect(dump.toLowerCase().includes(form.toLowerCase()), "canary found in a table").toBe(false);
        const shown = `${JSON.stringify(duplicate)} ${String(duplicate)} ${inspect(duplicate, { depth: 8 })}`;
        expect(shown.includes(form), "canary found in an error").toBe(false);
      }
      expect(duplicate).toMatchObject({ code: "CREDENTIAL_DUPLICATE" });
    });
  });
}
