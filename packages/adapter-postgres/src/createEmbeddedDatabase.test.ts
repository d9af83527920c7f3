import { chmodSync, lstatSync, readdirSync } from "node:fs";
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

  it("creates its data folder 0700 and leaves no database file readable or writable by other users (PGlite extracts them 0666)", async () => {
    const parent = await mkdtemp(join(tmpdir(), "wallet-auth-pglite-modes-"));
    try {
      const folder = join(parent, "nested", "pglite");
      const started = performance.now();
      const db = await createEmbeddedDatabase({ dataDir: folder });
      const openMs = performance.now() - started;
      await migrateLatest(db.knex);
      await db.close();
      const entries = readdirSync(folder, { recursive: true }).map(String);
      console.log(`[pglite modes] ${entries.length} entries owner-only; open took ${Math.round(openMs)} ms`);
      expect(lstatSync(folder).mode & 0o777).toBe(0o700);
      expect(entries.length).toBeGreaterThan(100);
      expect(entries.filter((e) => lstatSync(join(folder, e)).mode & 0o077)).toEqual([]);

      // A folder left world-readable by an older version is tightened, contents included, when opened again.
      chmodSync(folder, 0o755);
      chmodSync(join(folder, entries.find((e) => lstatSync(join(folder, e)).isFile())!), 0o666);
      const again = await createEmbeddedDatabase({ dataDir: folder });
      await again.close();
      expect(lstatSync(folder).mode & 0o777).toBe(0o700);
      expect(readdirSync(folder, { recursive: true }).filter((e) => lstatSync(join(folder, String(e))).mode & 0o077)).toEqual([]);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
