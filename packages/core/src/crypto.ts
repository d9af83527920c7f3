/**
 * Envelope encryption for secrets at rest: AES-256-GCM with a fresh data key per record,
 * wrapped by a rotating key ring, key-committing on both layers, bound to the record's user,
 * id and purpose, in a versioned self-describing format.
 *
 * ```ts
 * import { KeyRing } from "@wallet-auth/core/crypto";
 * const ring = KeyRing.fromEnv(); // WALLET_AUTH_KEYS, WALLET_AUTH_PRIMARY_KEY_ID
 * const context = { userId, recordId, purpose: "credential:binance" };
 * const { sealed, keyId } = ring.seal(secret, context);
 * ring.openWith(sealed, context, (plaintext) => use(plaintext));
 * ```
 *
 * @module
 */
export { KeyRing } from "./crypto/KeyRing.js";
export { generateKey, type GenerateKeyOptions, type GenerateKeyResult } from "./crypto/generateKey.js";
export { SEALED_FORMAT_VERSION } from "./crypto/sealedFormat.js";
export type { KeyRingProblem } from "./crypto/keyRingConfig.js";
export type { EnvelopeContext, KeyRingKey, KeyRingOptions, KeyUsage, SealResult, SealedInfo } from "./crypto/types.js";
