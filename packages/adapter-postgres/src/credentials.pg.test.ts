/**
 * The credential service's leak and atomicity scenarios of core, on embedded PostgreSQL (PGlite)
 * and, when DATABASE_URL is set, on a real server: the dump searched is every table's rows as
 * PostgreSQL stores them.
 */
import { atomicCreateScenario, secretLeakScenario } from "@wallet-auth/core/credentials/credentialScenarios";
import { harness, type Harness } from "@wallet-auth/core/credentials/testSupport";
import type { Knex } from "knex";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createEmbeddedDatabase, type EmbeddedDatabase } from "./createEmbeddedDatabase.js";
import { createPostgresStore } from "./createPostgresStore.js";
import { migrateLatest } from "./migrate.js";
import { createProbe } from "./test-support/probe.js";
import { createServerSchema, type ServerSchema } from "./test-support/serverSchema.js";

function onKnex(knex: Knex): Promise<Harness> {
  const probe = createProbe(knex);
  return harness({ store: createPostgresStore({ knex }), dump: () => probe.dumpAllText(), countCredentials: () => probe.countRows("api_credentials") });
}

describe("credential service on PGlite", () => {
  let db: EmbeddedDatabase;
  let h: Harness;
  beforeAll(async () => {
    db = await createEmbeddedDatabase();
    await migrateLatest(db.knex);
    h = await onKnex(db.knex);
  });
  afterAll(async () => {
    await h?.loop.close();
    await db?.close();
  });
  it("planted secrets appear in no returned object, error, log line, audit row or table", () => secretLeakScenario(h));
  it("create is atomic with its audit event", () => atomicCreateScenario(h));
});

describe.skipIf(!process.env.DATABASE_URL)("credential service on the PostgreSQL server (DATABASE_URL)", () => {
  let server: ServerSchema;
  let h: Harness;
  beforeAll(async () => {
    server = await createServerSchema(process.env.DATABASE_URL as string);
    await migrateLatest(server.knex);
    h = await onKnex(server.knex);
  });
  afterAll(async () => {
    await h?.loop.close();
    await server?.drop();
  });
  it("planted secrets appear in no returned object, error, log line, audit row or table", () => secretLeakScenario(h));
  it("create is atomic with its audit event", () => atomicCreateScenario(h));
});
