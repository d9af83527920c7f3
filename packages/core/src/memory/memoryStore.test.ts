import { describeStoreContract } from "@wallet-auth/testing/contract";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../memory.js";

describeStoreContract({
  name: "memory",
  setup: async () => {
    const store = createMemoryStore();
    return {
      store,
      probe: { dumpAllText: async () => store.dump(), countRows: async (table) => store.countRows(table) },
      teardown: () => store.close(),
    };
  },
});

describe("memory store specifics", () => {
  it("refuses the outer store inside its own transaction instead of deadlocking", async () => {
    const store = createMemoryStore();
    await expect(store.transaction(async () => store.users.get("u"))).rejects.toMatchObject({ code: "INTERNAL" });
    // The store is still usable afterwards.
    await expect(store.users.ensure("u", new Date(0))).resolves.toMatchObject({ id: "u" });
  });

  it("refuses calls after close with STORE_UNAVAILABLE", async () => {
    const store = createMemoryStore();
    await store.close();
    await store.close();
    await expect(store.users.get("u")).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
  });

  it("refuses a transaction's repositories once the transaction has finished", async () => {
    const store = createMemoryStore();
    let leaked: Parameters<Parameters<typeof store.transaction>[0]>[0] | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked?.users.get("u")).rejects.toMatchObject({ code: "INTERNAL" });
  });
});
