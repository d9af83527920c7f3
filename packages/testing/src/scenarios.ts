/**
 * Service scenarios an adapter author runs against their own store: the same credential,
 * audit-chain and rotation scenarios wallet-auth runs on its memory store, embedded PGlite and
 * the real PostgreSQL server (races included).
 *
 * @example
 * ```ts
 * import { concurrentAppendScenario, rewrapCrashScenario } from "@wallet-auth/testing/scenarios";
 * it("audit appends never fork a chain", () => concurrentAppendScenario(myStore, { users: 8, perUser: 25 }));
 * it("rotation survives being killed", () => rewrapCrashScenario(myStore, { runs: 20, perRun: 10, seed: 1 }));
 * ```
 *
 * @packageDocumentation
 */
export * from "./scenarios/auditScenarios.js";
export * from "./scenarios/credentialHarness.js";
export * from "./scenarios/credentialScenarios.js";
export * from "./scenarios/rotationScenarios.js";
