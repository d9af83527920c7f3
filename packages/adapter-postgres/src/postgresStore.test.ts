import { describeStoreContract } from "@wallet-auth/testing/contract";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresKnex } from "./createPostgresKnex.js";
import { createPostgresStore } from "./createPostgresStore.js";
import { migrateLatest } from "./migrate.js";
import { harnessOn } from "./test-support/probe.js";
import { type ServerSchema, createServerSchema } from "./test-support/serverSchema.js";

const url = process.env.DATABASE_URL;

let schema: Promise<ServerSchema> | undefined;
const shared = (connectionString: string) =>
  (schema ??= createServerSchema(connectionString).then(async (s) => {
    await migrateLatest(s.knex);
    return s;
  }));

afterAll(async () => {
  await (await schema)?.drop();
});

if (url === undefined) {
  describe.skip("store contract: postgres (set DATABASE_URL)", () => {
    it("needs a server", () => {});
  });
} else {
  describeStoreContract({
    name: "postgres",
    setup: async () => harnessOn((await shared(url)).knex, "postgres"),
    capabilities: { concurrentTransactions: true },
  });
}

describe("postgres store errors", () => {
  it("maps an unreachable server to STORE_UNAVAILABLE without driver text in the message", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const knex = createPostgresKnex({ connectionString: "postgres://nobody@127.0.0.1:1/none",
      pool: { min: 0, max: 1 },
      acquireTimeoutMs: 1000,
    });
    const store = createPostgresStore({ knex, destroyKnexOnClose: true });
    try {
      const error = await store.users.get("user_a").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", message: "The data store is unavailable. Try again later." });
      expect(JSON.stringify(error)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|select/i);
    } finally {
      await store.close();
    }
  });
});
