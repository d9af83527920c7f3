import { describeStoreContract } from "@wallet-auth/testing/contract";
import { auditBuilder } from "@wallet-auth/testing/contract/fixtures";
import { describe, expect, it, vi } from "vitest";
import { createPostgresKnex } from "./createPostgresKnex.js";
import { createPostgresStore } from "./createPostgresStore.js";
import { harnessOn, truncateAll } from "./test-support/probe.js";
import { sharedServerSchema } from "./test-support/sharedDatabases.js";

const url = process.env.DATABASE_URL;

const shared = sharedServerSchema();

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

describe.skipIf(url === undefined)("postgres audit appends from two processes", () => {
  it("a batch holding a chain another process's open transaction holds gives way: other chains land", async () => {
    const { knex } = await shared(url as string);
    await truncateAll(knex);
    // Two stores on one database stand for two processes: neither knows the other's transactions.
    const first = createPostgresStore({ knex });
    const second = createPostgresStore({ knex });
    let held: Promise<unknown> = Promise.resolve();
    await first.transaction(async (tx) => {
      await tx.audit.append("chain-a", auditBuilder("chain-a"));
      // Started together, so they share one batched insert, which must not wait for this transaction.
      held = second.audit.append("chain-a", auditBuilder("chain-a"));
      await Promise.all(["chain-b", "chain-c"].map((c) => second.audit.append(c, auditBuilder(c))));
    });
    expect(await held).toMatchObject({ seq: 2 });
    const chain = await second.audit.listChain("chain-a", 0, 10);
    expect(chain.map((e) => e.seq)).toEqual([1, 2]);
    expect(chain[1]?.prevHash).toBe(chain[0]?.hash);
    expect(await second.audit.listChain("chain-b", 0, 10)).toHaveLength(1);
  });

  it("many writers in two processes on shared chains never fork them", async () => {
    const { knex } = await shared(url as string);
    await truncateAll(knex);
    const stores = [createPostgresStore({ knex }), createPostgresStore({ knex })];
    const chains = ["chain-0", "chain-1", "chain-2", "chain-3", "chain-4"];
    await Promise.all(
      Array.from({ length: 120 }, (_, i) => {
        const chain = chains[i % chains.length] as string;
        return (stores[i % 2] as (typeof stores)[number]).audit.append(chain, auditBuilder(chain));
      }),
    );
    for (const chain of chains) {
      const events = await stores[0]?.audit.listChain(chain, 0, 100);
      expect(events?.map((e) => e.seq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
      events?.forEach((e, i) => {
        if (i > 0) expect(e.prevHash).toBe(events[i - 1]?.hash);
      });
    }
  });
});

describe("postgres store errors", () => {
  it("maps an unreachable server to STORE_UNAVAILABLE without driver text in the message", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const warnings: string[] = [];
    const knex = createPostgresKnex({ connectionString: "postgres://nobody:hunter2pw@127.0.0.1:1/none",
      pool: { min: 0, max: 1 },
      acquireTimeoutMs: 1000,
      onWarning: (line) => warnings.push(line),
    });
    const store = createPostgresStore({ knex, destroyKnexOnClose: true });
    const consoled: string[] = [];
    const spies = (["log", "warn", "error"] as const).map((m) => vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void consoled.push(a.join(" "))));
    try {
      const error = await store.users.get("user_a").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", message: "The data store is unavailable. Try again later." });
      expect(JSON.stringify(error)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|select/i);
      // knex's own warning (with a stack) never reaches the console; the host's hook gets one line.
      expect(consoled).toEqual([]);
      expect(warnings.length).toBeGreaterThan(0);
      for (const line of warnings) {
        expect(line).not.toMatch(/\n|\bat \S+ \(|hunter2pw/);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
      await store.close();
    }
  });
});
