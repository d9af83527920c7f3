import { afterEach, beforeEach, describe } from "vitest";
import { alertsContract } from "./alertsContract.js";
import { auditContract } from "./auditContract.js";
import { credentialsContract } from "./credentialsContract.js";
import { jobsContract } from "./jobsContract.js";
import { noncesContract } from "./noncesContract.js";
import { policiesContract } from "./policiesContract.js";
import { proxyIdempotencyContract } from "./proxyIdempotencyContract.js";
import { orderJournalContract } from "./orderJournalContract.js";
import { racesContract } from "./racesContract.js";
import { historyContract } from "./snapshotsContract.js";
import type { DescribeStoreContractOptions, StoreHarness } from "./types.js";
import { unitOfWorkContract } from "./unitOfWorkContract.js";
import { usersContract } from "./usersContract.js";
import { walletsContract } from "./walletsContract.js";

/**
 * Registers the store contract suite (vitest `describe`/`it`): one named sub-suite per port,
 * plus transactions, secrets at rest and real races. Every store adapter must pass it.
 *
 * `setup` runs before each test and must hand back an empty store with a probe that reads the
 * backing database directly; `teardown` runs after each test.
 *
 * @param options - the adapter's name, `setup`, and its {@link StoreCapabilities}.
 * @returns nothing; registers tests in the current vitest file.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from "@wallet-auth/core/memory";
 * import { describeStoreContract } from "@wallet-auth/testing/contract";
 *
 * describeStoreContract({
 *   name: "memory",
 *   setup: async () => {
 *     const store = createMemoryStore();
 *     return {
 *       store,
 *       probe: { dumpAllText: async () => store.dump(), countRows: async (t) => store.countRows(t) },
 *       teardown: () => store.close(),
 *     };
 *   },
 * });
 * ```
 */
export function describeStoreContract(options: DescribeStoreContractOptions): void {
  describe(`store contract: ${options.name}`, () => {
    let current: StoreHarness | undefined;
    beforeEach(async () => {
      current = await options.setup();
    });
    afterEach(async () => {
      const harness = current;
      current = undefined;
      await harness?.teardown();
    });
    const harness = () => {
      if (current === undefined) throw new Error("store contract: setup did not run");
      return current;
    };

    usersContract(harness);
    credentialsContract(harness);
    walletsContract(harness);
    noncesContract(harness);
    historyContract(harness);
    auditContract(harness);
    alertsContract(harness);
    jobsContract(harness);
    unitOfWorkContract(harness);
    racesContract(harness, options.capabilities ?? {});
    policiesContract(harness, options.capabilities ?? {});
    proxyIdempotencyContract(harness);
    orderJournalContract(harness);
  });
}
