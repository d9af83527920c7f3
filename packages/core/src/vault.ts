/**
 * The Vault / OpenBao transit key provider: the key ring's keys stored wrapped by a transit key,
 * unwrapped once at start-up (see `loadKeyRing`). Uses the global `fetch`; no dependency.
 *
 * @module
 */
export { createVaultTransitKeyProvider, type VaultTransitKeyProviderOptions } from "./keys/vaultTransitKeyProvider.js";
export type { KeyProvider, KeyWrapContext } from "./keys/KeyProvider.js";
