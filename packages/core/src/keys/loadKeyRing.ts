import { KeyRing } from "../crypto/KeyRing.js";
import { keyRingInvalid } from "../crypto/keyRingConfig.js";
import type { KeyRingKey } from "../crypto/types.js";
import { type KeyProvider, keyRingWrapContext } from "./KeyProvider.js";
import { parseWrappedKeys } from "./wrappedKeys.js";

/** Options of {@link loadKeyRing}. */
export interface LoadKeyRingOptions {
  /**
   * The key service that wrapped the ring's keys. Omitted: today's default, plaintext keys from
   * `WALLET_AUTH_KEYS` ({@link KeyRing.fromEnv}), unchanged.
   */
  provider?: KeyProvider | undefined;
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv | undefined;
}

/**
 * Builds the key ring at start-up. With a provider, reads `WALLET_AUTH_WRAPPED_KEYS`
 * (`id:<wrapped>[:YYYY-MM-DD],...`) and `WALLET_AUTH_PRIMARY_KEY_ID`, has the provider unwrap
 * every key (in parallel, each bound to its key id), builds the ring and zeroes the unwrapped
 * bytes before returning: afterwards the keys exist only as the ring's derived keys in native
 * memory. Any refusal or outage fails the whole load; there is no fallback to plaintext keys,
 * and `WALLET_AUTH_KEYS` set beside a provider is refused.
 *
 * @returns The immutable ring.
 * @throws {WalletAuthError} `KEY_RING_INVALID` (as {@link KeyRing.fromEnv}, plus
 * `plaintext-keys-with-provider`), `KEY_PROVIDER_REFUSED`, `KEY_PROVIDER_UNAVAILABLE`.
 * @example
 * ```ts
 * import { loadKeyRing } from "@wallet-auth/core";
 * import { createVaultTransitKeyProvider } from "@wallet-auth/core/vault";
 * const provider = createVaultTransitKeyProvider({ address: process.env.VAULT_ADDR!, token: process.env.VAULT_TOKEN!, keyName: "wallet-auth" });
 * const keyRing = await loadKeyRing({ provider });
 * ```
 */
export async function loadKeyRing(options: LoadKeyRingOptions = {}): Promise<KeyRing> {
  const env = options.env ?? process.env;
  const provider = options.provider;
  if (provider === undefined) return KeyRing.fromEnv(env);
  if (env.WALLET_AUTH_KEYS?.trim()) throw keyRingInvalid("plaintext-keys-with-provider");
  const entries = parseWrappedKeys(env.WALLET_AUTH_WRAPPED_KEYS);
  const primary = env.WALLET_AUTH_PRIMARY_KEY_ID?.trim();
  const primaryKeyId = primary ? primary : entries.length === 1 ? entries[0]!.id : undefined;
  if (primaryKeyId === undefined) throw keyRingInvalid("missing-primary");
  const results = await Promise.allSettled(entries.map((entry) => provider.unwrap(entry.wrapped, keyRingWrapContext(entry.id))));
  const keys: KeyRingKey[] = [];
  try {
    results.forEach((result, index) => {
      if (result.status === "fulfilled") {
        const { id, createdAt } = entries[index]!;
        keys.push(createdAt === undefined ? { id, key: result.value } : { id, key: result.value, createdAt });
      }
    });
    const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failure) throw failure.reason;
    return KeyRing.fromKeys({ keys, primaryKeyId });
  } finally {
    for (const { key } of keys) key.fill(0);
  }
}
