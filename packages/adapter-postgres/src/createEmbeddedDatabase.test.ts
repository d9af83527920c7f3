import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createEmbeddedDatabase } from "./createEmbeddedDatabase.js";
import { createPostgresStore } from "./createPostgresStore.js";
import { migrateLatest } from "./migrate.js";

describe("createEmbeddedDatabase", () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("keeps data in its folder across a restart, and a closed database reports STORE_UNAVAILABLE", async () => {
    dir = await mkdtemp(join(tmpdir(), "wallet-auth-pglite-"));
    const first = await createEmbeddedDatabase({ dataDir: dir });
    await migrateLatest(first.knex);
    const store = createPostgresStore({ knex: first.knex, kind: "pglite" });
    await store.users.ensure("user_persisted", new Date("2024-01-01T00:00:00Z"));
    await first.close();
    await first.close();
    await expect(store.users.get("user_persisted")).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });

    const second = await createEmbeddedDatabase({ dataDir: dir });
    try {
      expect((await migrateLatest(second.knex)).migrations).toEqual([]);
      const reopened = createPostgresStore({ knex: second.knex, kind: "pglite" });
      expect(await reopened.users.get("user_persisted")).toMatchObject({ createdAt: new Date("2024-01-01T00:00:00Z") });
    } finally {
      await second.close();
    }
  });
});
