/**
 * The credential service's leak and atomicity scenarios of core, on embedded PostgreSQL (PGlite)
 * and, when DATABASE_URL is set, on a real server: the dump searched is every table's rows as
 * PostgreSQL stores them.
 */
import { atomicCreateScenario, type Harness, harness, secretLeakScenario } from "@wallet-auth/testing/scenarios";
import type { Knex } from "knex";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createPostgresStore } from "./createPostgresStore.js";
import { createProbe } from "./test-support/probe.js";
import { sharedPglite, sharedServerSchema } from "./test-support/sharedDatabases.js";

const pglite = sharedPglite();
const server = sharedServerSchema();

function onKnex(knex: Knex): Promise<Harness> {
  const probe = createProbe(knex);
  return harness({ store: createPostgresStore({ knex }), dump: () => probe.dumpAllText(), countCredentials: () => probe.countRows("api_credentials") });
}

describe("credential service on PGlite", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await onKnex((await pglite()).knex);
  });
  afterAll(async () => {
    await h?.loop.close();
  });
  it("planted secrets appear in no returned object, error, log line, audit row or table", () => secretLeakScenario(h));
  it("create is atomic with its audit event", () => atomicCreateScenario(h));
});

describe.skipIf(!process.env.DATABASE_URL)("credential service on the PostgreSQL server (DATABASE_URL)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await onKnex((await server(process.env.DATABASE_URL as string)).knex);
  });
  afterAll(async () => {
    await h?.loop.close();
  });
  it("planted secrets appear in no returned object, error, log line, audit row or table", () => secretLeakScenario(h));
  it("create is atomic with its audit event", () => atomicCreateScenario(h));
});
