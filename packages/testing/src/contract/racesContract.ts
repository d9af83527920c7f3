import { describe, expect, it } from "vitest";
import { at, auditBuilder, alert, credential, deferred, hex, nonce, wallet } from "./fixtures.js";
import type { HarnessRef, StoreCapabilities } from "./types.js";

/** Races, run for real with parallel calls. */
export function racesContract(h: HarnessRef, capabilities: StoreCapabilities): void {
  describe("races", () => {
    it("a nonce consumed by 20 parallel calls is consumed exactly once", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      const n = nonce("user_a");
      await store.nonces.create(n);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.nonces.consume(n.nonce, "user_a", at(5))));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it("an address linked by two users at once ends with exactly one owner", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const w = wallet("user_a");
      const results = await Promise.allSettled([
        store.wallets.insert(w),
        store.wallets.insert(wallet("user_b", { address: w.address.toLowerCase() })),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected");
      expect(rejected && (rejected as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT" });
      expect(await probe.countRows("wallets")).toBe(1);
      expect(await store.wallets.findByAddress("eip155", w.address)).not.toBeNull();
    });

    it("two concurrent inserts of one fingerprint: exactly one lands", async () => {
      const { store, probe } = h();
      await store.users.ensure("user_a", at(0));
      await store.users.ensure("user_b", at(0));
      const fingerprint = hex();
      const results = await Promise.allSettled([
        store.credentials.insert(credential("user_a", { fingerprint })),
        store.credentials.insert(credential("user_b", { fingerprint })),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected");
      expect(rejected && (rejected as PromiseRejectedResult).reason).toMatchObject({ code: "CREDENTIAL_DUPLICATE" });
      expect(await probe.countRows("api_credentials")).toBe(1);
    });

    it("parallel audit appends to one chain produce seq 1..N with no fork", async () => {
      const { store } = h();
      const n = 30;
      await Promise.all([
        ...Array.from({ length: n }, () => store.audit.append("chain-hot", auditBuilder("chain-hot"))),
        // Appends to other chains interleave without disturbing it.
        ...Array.from({ length: 10 }, (_, i) => store.audit.append(`chain-${i % 3}`, auditBuilder(`chain-${i % 3}`))),
      ]);
      const chain = await store.audit.listChain("chain-hot", 0, 1000);
      expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      chain.forEach((e, i) => {
        if (i > 0) expect(e.prevHash).toBe((chain[i - 1] as { hash: string }).hash);
      });
      expect((await store.audit.listChain("chain-0", 0, 100)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    });

    it("parallel transactions that each append to one chain never fork it", async () => {
      const { store } = h();
      await store.users.ensure("user_a", at(0));
      await Promise.all(
        Array.from({ length: 8 }, () =>
          store.transaction(async (tx) => {
            const c = await tx.credentials.insert(credential("user_a"));
            await tx.audit.append("chain-a", auditBuilder("chain-a", { targetId: c.id }));
          }),
        ),
      );
      const chain = await store.audit.listChain("chain-a", 0, 100);
      expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      chain.forEach((e, i) => {
        if (i > 0) expect(e.prevHash).toBe((chain[i - 1] as { hash: string }).hash);
      });
    });

    it("concurrent alerts with one dedupe key create exactly one", async () => {
      const { store, probe } = h();
      const results = await Promise.all(Array.from({ length: 10 }, () => store.alerts.insert(alert("user_a"))));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.alert.id)).size).toBe(1);
      expect(await probe.countRows("security_alerts")).toBe(1);
    });

    it.skipIf(!capabilities.concurrentTransactions)(
      "two workers claiming rewrap batches in concurrent transactions never take the same row",
      async () => {
        const { store } = h();
        await store.users.ensure("user_a", at(0));
        for (let i = 0; i < 10; i++) await store.credentials.insert(credential("user_a", { keyId: "k-old", createdAt: at(i) }));
        const bothClaimed = [deferred(), deferred()];
        const worker = (me: 0 | 1) =>
          store.transaction(async (tx) => {
            if (me === 1) await bothClaimed[0]?.promise;
            const batch = await tx.credentials.claimForRewrap("k-new", 4);
            bothClaimed[me]?.resolve();
            // Hold the row locks until the other worker has claimed too.
            await bothClaimed[1 - me]?.promise;
            return batch.map((c) => c.id);
          });
        const [a, b] = await Promise.all([worker(0), worker(1)]);
        expect(a).toHaveLength(4);
        expect(b).toHaveLength(4);
        expect(a.filter((x) => b.includes(x))).toEqual([]);
      },
    );

    it.skipIf(!capabilities.concurrentTransactions)(
      "an open transaction appending to one chain does not block appends to another",
      async () => {
        const { store } = h();
        const otherDone = deferred();
        await store.transaction(async (tx) => {
          await tx.audit.append("chain-a", auditBuilder("chain-a"));
          void store.audit.append("chain-b", auditBuilder("chain-b")).then(otherDone.resolve, otherDone.reject);
          // If chain-b waited for chain-a's lock this would never resolve (the test times out).
          await otherDone.promise;
        });
        expect(await store.audit.listChain("chain-b", 0, 10)).toHaveLength(1);
      },
    );

    it.skipIf(!capabilities.concurrentTransactions)(
      "appends started together: the one on a chain an open transaction holds waits, the others land",
      async () => {
        const { store } = h();
        const othersDone = deferred();
        let heldDone = false;
        let held: Promise<unknown> = Promise.resolve();
        await store.transaction(async (tx) => {
          await tx.audit.append("chain-a", auditBuilder("chain-a"));
          held = store.audit.append("chain-a", auditBuilder("chain-a")).then(() => {
            heldDone = true;
          });
          void Promise.all(["chain-b", "chain-c", "chain-d"].map((c) => store.audit.append(c, auditBuilder(c)))).then(othersDone.resolve, othersDone.reject);
          // Never resolves if the other chains' appends wait for this transaction.
          await othersDone.promise;
          expect(heldDone).toBe(false);
        });
        await held;
        expect((await store.audit.listChain("chain-a", 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
        for (const c of ["chain-b", "chain-c", "chain-d"]) expect(await store.audit.listChain(c, 0, 10)).toHaveLength(1);
      },
    );
  });
}
