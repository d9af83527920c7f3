/**
 * The store contract suite: every store adapter (memory, PGlite, PostgreSQL) runs it to prove
 * it keeps the ports' promises, reading the database directly through a {@link StoreProbe}.
 *
 * @module
 */
export { describeStoreContract } from "./contract/describeStoreContract.js";
export type {
  DescribeStoreContractOptions,
  StoreCapabilities,
  StoreHarness,
  StoreProbe,
  StoreTable,
} from "./contract/types.js";
