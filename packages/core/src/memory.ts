/**
 * In-memory reference implementation of every store port, transactions included.
 *
 * @module
 */
export { createMemoryStore, type MemoryStoreOptions, type MemoryWalletAuthStore } from "./memory/createMemoryStore.js";
