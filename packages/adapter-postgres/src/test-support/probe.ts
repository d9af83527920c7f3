import type { StoreHarness, StoreProbe, StoreTable } from "@wallet-auth/testing/contract";
import type { Knex } from "knex";
import { createPostgresStore } from "../createPostgresStore.js";

/** Every table the store writes, children first. */
export const TABLES: readonly string[] = [
  "order_journal",
  "security_incidents",
  "proxy_idempotency",
  "sync_cursors",
  "policy_window_entries",
  "policy_windows",
  "trade_policies",
  "bot_tokens",
  "leases",
  "key_rotation_jobs",
  "security_alerts",
  "audit_events",
  "transactions",
  "balance_snapshots",
  "siwe_nonces",
  "wallets",
  "api_credentials",
  "users",
];

/** Reads the tables directly: whole rows as PostgreSQL's text form (bytea as hex). */
export function createProbe(knex: Knex): StoreProbe {
  return {
    async dumpAllText() {
      const parts: string[] = [];
      for (const table of TABLES) {
        const result = (await knex.raw(`SELECT coalesce(string_agg(t::text, E'\\n'), '') AS dump FROM ${table} t`)) as {
          rows: { dump: string }[];
        };
        parts.push(`-- ${table}\n${result.rows[0]?.dump ?? ""}`);
      }
      return parts.join("\n");
    },
    async countRows(table: StoreTable) {
      if (!TABLES.includes(table)) throw new Error(`unknown table ${table}`);
      const result = (await knex.raw(`SELECT count(*) AS n FROM ${table}`)) as { rows: { n: unknown }[] };
      return Number(result.rows[0]?.n ?? 0);
    },
  };
}

/** Empties every table (fast; triggers on row deletes do not fire). */
export async function truncateAll(knex: Knex): Promise<void> {
  await knex.raw(`TRUNCATE ${TABLES.join(", ")}`);
}

/** A contract harness on an already migrated knex: empties the tables first. */
export async function harnessOn(knex: Knex, kind: string): Promise<StoreHarness> {
  await truncateAll(knex);
  return { store: createPostgresStore({ knex, kind }), probe: createProbe(knex), teardown: async () => {} };
}
