import { describeStoreContract } from "@wallet-auth/testing/contract";
import { afterAll } from "vitest";
import { type EmbeddedDatabase, createEmbeddedDatabase } from "./createEmbeddedDatabase.js";
import { migrateLatest } from "./migrate.js";
import { harnessOn } from "./test-support/probe.js";

// One PGlite per file: start-up costs seconds and hundreds of MB.
let database: Promise<EmbeddedDatabase> | undefined;
const shared = () =>
  (database ??= createEmbeddedDatabase().then(async (db) => {
    await migrateLatest(db.knex);
    return db;
  }));

afterAll(async () => {
  await (await database)?.close();
});

describeStoreContract({
  name: "pglite",
  setup: async () => harnessOn((await shared()).knex, "pglite"),
  capabilities: { concurrentTransactions: false },
});
