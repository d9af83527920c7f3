import { describeStoreContract } from "@wallet-auth/testing/contract";
import type { StoreRepositories } from "@wallet-auth/core";
import { describe, expect, it } from "vitest";
import { sharedPglite } from "./test-support/sharedDatabases.js";
import { harnessOn } from "./test-support/probe.js";

// One PGlite per file: start-up costs seconds and hundreds of MB.
const shared = sharedPglite();

describeStoreContract({
  name: "pglite",
  setup: async () => harnessOn((await shared()).knex, "pglite"),
  capabilities: { concurrentTransactions: false },
});

describe("pglite store specifics", () => {
  it("refuses a transaction's repositories once the transaction has finished", async () => {
    const { store } = await harnessOn((await shared()).knex, "pglite");
    let leaked: StoreRepositories | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked?.users.get("user_a")).rejects.toMatchObject({ code: "INTERNAL" });
  });
});
