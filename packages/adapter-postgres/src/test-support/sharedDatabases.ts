import { afterAll } from "vitest";
import { type EmbeddedDatabase, createEmbeddedDatabase } from "../createEmbeddedDatabase.js";
import { migrateLatest } from "../migrate.js";
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
