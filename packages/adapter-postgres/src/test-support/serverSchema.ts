import { randomBytes } from "node:crypto";
import type { Knex } from "knex";
import { createPostgresKnex } from "../createPostgresKnex.js";

/** A private schema on the server from `DATABASE_URL`, so parallel test files never collide. */
export interface ServerSchema {
  schema: string;
  knex: Knex;
  /** Drops the schema and closes the pools. */
  drop(): Promise<void>;
}

/** Creates schema `wa_test_<random>` and knex whose search path is it. */
export async function createServerSchema(connectionString: string, pool = { min: 0, max: 10 }): Promise<ServerSchema> {
  const schema = `wa_test_${randomBytes(6).toString("hex")}`;
  const admin = createPostgresKnex({ connectionString, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE SCHEMA ${schema}`);
  const knex = createPostgresKnex({ connectionString, pool, searchPath: [schema] });
  return {
    schema,
    knex,
    async drop() {
      await knex.destroy();
      await admin.raw(`DROP SCHEMA ${schema} CASCADE`);
      await admin.destroy();
    },
  };
}
