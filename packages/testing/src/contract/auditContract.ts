import { describe, expect, it } from "vitest";
import { at, auditBuilder } from "./fixtures.js";
import { collectPages } from "./paging.js";
import type { HarnessRef } from "./types.js";

/** AuditLog: chained appends, reads by chain and by subject, erasure that keeps the chain. */
export function auditContract(h: HarnessRef): void {
  describe("AuditLog", () => {
    it("append hands the builder the head (null for an empty chain) and stores what it returns", async () => {
      const { store } = h();
      const heads: unknown[] = [];
      const build = auditBuilder("chain-a");
      const first = await store.audit.append("chain-a", (head) => {
        heads.push(head);
        return build(head);
      });
      const second = await store.audit.append("chain-a", (head) => {
        heads.push(head);
        return build(head);
      });
      expect(heads).toEqual([null, { seq: 1, hash: first.hash }]);
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
      expect(await store.audit.listChain("chain-a", 0, 10)).toEqual([first, second]);
      const other = await store.audit.append("chain-b", auditBuilder("chain-b"));
      expect(other.seq).toBe(1);
    });

    it("a builder that throws appends nothing; one that does not extend the head is refused", async () => {
      const { store, probe } = h();
      await store.audit.append("chain-a", auditBuilder("chain-a"));
      await expect(
        store.audit.append("chain-a", () => {
          throw new Error("builder failed");
        }),
      ).rejects.toThrow("builder failed");
      await expect(store.audit.append("chain-a", (head) => auditBuilder("chain-a", { seq: 1 })(head))).rejects.toBeTruthy();
      await expect(store.audit.append("chain-a", (head) => auditBuilder("chain-other")(head))).rejects.toBeTruthy();
      expect(await probe.countRows("audit_events")).toBe(1);
      const next = await store.audit.append("chain-a", auditBuilder("chain-a"));
      expect(next.seq).toBe(2);
    });

    it("listChain returns seq > afterSeq ascending, at most limit", async () => {
      const { store } = h();
      for (let i = 0; i < 7; i++) await store.audit.append("chain-a", auditBuilder("chain-a"));
      expect((await store.audit.listChain("chain-a", 2, 3)).map((e) => e.seq)).toEqual([3, 4, 5]);
      expect((await store.audit.listChain("chain-a", 5, 100)).map((e) => e.seq)).toEqual([6, 7]);
      expect(await store.audit.listChain("chain-a", 7, 100)).toEqual([]);
      expect(await store.audit.listChain("chain-none", 0, 100)).toEqual([]);
    });

    it("query filters by subject, action(s), outcome and [from, to), newest first, and pages", async () => {
      const { store } = h();
      const actions = ["credential.create", "credential.use", "wallet.link"];
      for (let i = 0; i < 12; i++) {
        await store.audit.append(
          "chain-a",
          auditBuilder("chain-a", {
            subjectUserId: "user_a",
            action: actions[i % 3] as string,
            outcome: i % 4 === 0 ? "failure" : "success",
            occurredAt: at(100 + i),
          }),
        );
      }
      await store.audit.append("chain-b", auditBuilder("chain-b", { subjectUserId: "user_b" }));
      const { items } = await collectPages((cursor) => store.audit.query({ subjectUserId: "user_a", limit: 5, cursor }));
      expect(items.map((e) => e.seq)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      const uses = await store.audit.query({ subjectUserId: "user_a", action: "credential.use" });
      expect(uses.items.map((e) => e.seq)).toEqual([11, 8, 5, 2]);
      const two = await store.audit.query({ subjectUserId: "user_a", action: ["credential.use", "wallet.link"], outcome: "failure" });
      expect(two.items.map((e) => e.seq)).toEqual([9, 5]);
      const window = await store.audit.query({ subjectUserId: "user_a", from: at(102), to: at(105) });
      expect(window.items.map((e) => e.seq)).toEqual([5, 4, 3]);
    });

    it("erasePersonalData nulls personal fields on the chain only, keeping hashes and digests", async () => {
      const { store } = h();
      const a1 = await store.audit.append("chain-a", auditBuilder("chain-a", { subjectUserId: "user_a", actorId: "user_a" }));
      const a2 = await store.audit.append(
        "chain-a",
        auditBuilder("chain-a", { subjectUserId: "user_a", actorType: "operator", actorId: "op_1" }),
      );
      const b1 = await store.audit.append("chain-b", auditBuilder("chain-b", { subjectUserId: "user_b", actorId: "user_b" }));
      expect(await store.audit.erasePersonalData("chain-a", "user_a")).toBe(2);
      const erased = await store.audit.listChain("chain-a", 0, 10);
      expect(erased).toEqual([
        { ...a1, subjectUserId: null, actorId: null, ipHash: null, userAgent: null },
        { ...a2, subjectUserId: null, actorId: "op_1", ipHash: null, userAgent: null },
      ]);
      expect(await store.audit.listChain("chain-b", 0, 10)).toEqual([b1]);
      expect((await store.audit.query({ subjectUserId: "user_a" })).items).toEqual([]);
      expect(await store.audit.erasePersonalData("chain-a", "user_a")).toBe(0);
    });
  });
}
