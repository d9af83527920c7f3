import type { WalletAuthStore } from "@wallet-auth/core";
import { createMemoryStore } from "@wallet-auth/core/memory";
import { afterAll } from "vitest";
import { createPostgresStore } from "../createPostgresStore.js";
import { type EmbeddedDatabase, createEmbeddedDatabase } from "../createEmbeddedDatabase.js";
import { migrateLatest } from "../migrate.js";
import { truncateAll } from "./probe.js";
import { type ServerSchema, createServerSchema } from "./serverSchema.js";

/**
 * One migrated PGlite for the calling test file, started on first use (start-up costs seconds
 * and hundreds of MB) and closed after the file.
 */
export function sharedPglite(): () => Promise<EmbeddedDatabase> {
  let database: Promise<EmbeddedDatabase> | undefined;
  afterAll(async () => {
    await (await database)?.close();
  });
  return () =>
    (database ??= createEmbeddedDatabase().then(async (db) => {
      await migrateLatest(db.knex);
      return db;
    }));
}

/**
 * One migrated private schema on the server at `connectionString` for the calling test file,
 * created on first use and dropped after the file.
 */
export function sharedServerSchema(): (connectionString: string) => Promise<ServerSchema> {
  let schema: Promise<ServerSchema> | undefined;
  afterAll(async () => {
    await (await schema)?.drop();
  });
  return (connectionString) =>
    (schema ??= createServerSchema(connectionString).then(async (s) => {
      await migrateLatest(s.knex);
      return s;
    }));
}

/**
 * The stores a service test runs on, each emptied when opened: memory, one shared PGlite, and the
 * real server (a schema of `DATABASE_URL`) when it is set.
 */
export function serviceStores(): [string, () => Promise<WalletAuthStore>][] {
  const pglite = sharedPglite();
  const server = sharedServerSchema();
  const url = process.env.DATABASE_URL;
  const stores: [string, () => Promise<WalletAuthStore>][] = [
    ["memory", async () => createMemoryStore()],
    ["PGlite", async () => ((db) => truncateAll(db.knex).then(() => createPostgresStore({ knex: db.knex, kind: "pglite" })))(await pglite())],
  ];
  if (url) stores.push(["PostgreSQL server", async () => ((s) => truncateAll(s.knex).then(() => createPostgresStore({ knex: s.knex })))(await server(url))]);
  return stores;
}
