/**
 * What a wrapped ring key is bound to. The provider passes it to the key service as the
 * encryption context (AWS KMS) or the key-derivation context (Vault transit), so a wrapped key
 * opens only under the key id it was wrapped for: presenting key A's ciphertext as key B is
 * refused by the key service itself.
 */
export interface KeyWrapContext {
  /** The ring key id (the `id` of a `WALLET_AUTH_WRAPPED_KEYS` entry). */
  readonly keyId: string;
  /** Always `"key-ring"` today; a different purpose can never open a ring key. */
  readonly purpose: "key-ring";
}

/** The context for ring key `keyId`. */
export function keyRingWrapContext(keyId: string): KeyWrapContext {
  return { keyId, purpose: "key-ring" };
}

/**
 * The port between the key ring and an external key-management service that wraps the ring's
 * keys (Vault/OpenBao transit, AWS KMS). The ring's keys are stored only wrapped; at start-up
 * each is unwrapped once, turned into the ring's derived keys and zeroed.
 *
 * Every method talks to the service and may take up to the provider's timeout. None retries a
 * refusal. Errors are always coded:
 * - `KEY_PROVIDER_UNAVAILABLE`: the service did not answer in time, could not be reached, or
 *   failed on its side (5xx, throttling). Retrying later may succeed.
 * - `KEY_PROVIDER_REFUSED`: the service answered and refused: disabled or deleted key, key
 *   version below the minimum, wrong context, a ciphertext it did not make, access denied.
 *   `reason` names which (never the service's message text).
 * No method ever falls back to anything else: there is no plaintext path.
 */
export interface KeyProvider {
  /** `"vault-transit"` or `"aws-kms"`; printed in logs. */
  readonly kind: string;

  /**
   * Wraps a 32-byte ring key under the service's current key version, bound to `context`.
   *
   * @returns The wrapped key as printable text (no commas), for `WALLET_AUTH_WRAPPED_KEYS`.
   * @throws {WalletAuthError} `KEY_PROVIDER_UNAVAILABLE`, `KEY_PROVIDER_REFUSED`, `INVALID_INPUT`.
   */
  wrap(key: Uint8Array, context: KeyWrapContext): Promise<string>;

  /**
   * Unwraps a key made by {@link KeyProvider.wrap} (or {@link KeyProvider.generate}) for the
   * same `context`.
   *
   * @returns A fresh buffer the caller owns and must zero.
   * @throws {WalletAuthError} `KEY_PROVIDER_REFUSED` for a wrong context or a foreign ciphertext
   * (reason `invalid-ciphertext`), a disabled key (`key-disabled`), ...; `KEY_PROVIDER_UNAVAILABLE`.
   */
  unwrap(wrapped: string, context: KeyWrapContext): Promise<Uint8Array>;

  /**
   * Re-wraps a wrapped key under the service's current key (version), for the same context,
   * after the service's key was rotated. Vault does this without returning the plaintext; AWS
   * KMS decrypts and encrypts again under the configured key id (which may be a new key).
   *
   * @returns The new wrapped text (the old one stays valid until its key version is retired).
   */
  rewrap(wrapped: string, context: KeyWrapContext): Promise<string>;

  /**
   * Makes a new random 32-byte ring key and returns it wrapped (AWS: `GenerateDataKey`; Vault:
   * local random bytes, then encrypt). The plaintext is zeroed before this returns.
   */
  generate(context: KeyWrapContext): Promise<string>;

  /** Releases connections. The provider holds no key material between calls. */
  close(): Promise<void>;
}
