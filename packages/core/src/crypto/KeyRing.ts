import { type KeyObject, createSecretKey } from "node:crypto";
import { inspect } from "node:util";
import { WalletAuthError, isWalletAuthError } from "../errors/index.js";
import { type RandomSource, cryptoRandom } from "../ports/RandomSource.js";
import { AEAD_KEY_BYTES, aeadEncrypt, aeadOpen } from "./aead.js";
import { associatedData, wrapAad } from "./associatedData.js";
import { DATA_KEY_LABEL, WRAPPING_KEY_LABEL, commitmentMatchesAt, deriveCommittedKey, deriveKeyMaterial } from "./keyCommitment.js";
import { assertKeyId, keyRingInvalid, parseKeyRingEnv } from "./keyRingConfig.js";
import { type Located, locateRecord } from "./locateRecord.js";
import { FIELD_OFFSET, SEALED_FORMAT_VERSION, decodeSealedString, encodeHeader, encodeSealed, readHeader } from "./sealedFormat.js";
import type { EnvelopeContext, KeyRingOptions, KeyUsage, SealResult, SealedInfo } from "./types.js";
import { zeroize } from "./zeroize.js";

/** What the ring keeps per key: never the configured key bytes, only what is derived from them. */
interface RingEntry {
  readonly id: string;
  /** The wrapping-layer AES key, held in native memory. */
  readonly wrapKey: KeyObject;
  /** The wrapping-layer commitment (public; written into every record under this key). */
  readonly commitment: Buffer;
  /** The version-1 header for this key id. */
  readonly header: Buffer;
  readonly createdAt: Date | null;
  readonly usage: KeyUsage;
}

const { wrapCommitment: WRAP_COMMITMENT_AT, payloadNonce: PAYLOAD_AT, dataKeyCommitment: DATA_KEY_COMMITMENT_AT } = FIELD_OFFSET;

/** `length` bytes of `bytes` from `index`, without a copy; cheaper than `Buffer#subarray`. */
function view(bytes: Uint8Array, index: number, length: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + index, length);
}

const fillTypedArray = Uint8Array.prototype.fill;
/** Zeroes a buffer with the typed-array fill itself, skipping Buffer#fill's argument handling (twice per open). */
function wipe(bytes: Uint8Array): void {
  fillTypedArray.call(bytes, 0);
}

function failed(reason: string, cause?: unknown): WalletAuthError {
  return new WalletAuthError("DECRYPTION_FAILED", cause === undefined ? { reason } : { reason, cause });
}

/** Maps anything unexpected (a node:crypto exception) to a coded error without its text. */
function coded(error: unknown): WalletAuthError {
  return isWalletAuthError(error) ? error : failed("crypto-error", error);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/**
 * A set of wrapping keys for envelope encryption: the primary key seals new records, every key
 * opens the records it sealed. Built once at start-up and immutable afterwards (never
 * hot-reloaded): key bytes are copied in and only keys derived from them are kept, in native
 * `KeyObject`s, so `JSON.stringify`, `util.inspect` and `console.log` of a ring show only its
 * key ids.
 *
 * Each record gets a fresh 256-bit data key that encrypts the payload (AES-256-GCM); the
 * primary key wraps the data key (AES-256-GCM). Both layers are key-committing (see
 * `deriveCommittedKey`) and both bind the {@link EnvelopeContext}, so a record opens only with
 * the right key, for the same user, record and purpose. The output format is described in
 * `SealedParts` (sealedFormat.ts).
 *
 * Rotation: add a new key (decrypt-only), make it primary, {@link KeyRing.rewrap} every record,
 * then remove the old key.
 *
 * @example
 * ```ts
 * import { KeyRing, generateKey } from "@wallet-auth/core/crypto";
 * const { id, key } = generateKey();
 * const ring = KeyRing.fromKeys({ keys: [{ id, key }], primaryKeyId: id });
 * const context = { userId: "user_1", recordId: "cred_1", purpose: "credential:binance" };
 * const { sealed } = ring.seal(new TextEncoder().encode("api-secret"), context);
 * const length = ring.openWith(sealed, context, (secret) => secret.byteLength); // secret zeroed after
 * ```
 */
export class KeyRing {
  /** The id of the key that seals new records. */
  readonly primaryKeyId: string;
  readonly #entries: ReadonlyMap<string, RingEntry>;
  /** The same entries, scanned by header bytes on open (rings hold a handful of keys). */
  readonly #list: readonly RingEntry[];
  readonly #primary: RingEntry;
  readonly #random: RandomSource;

  private constructor(entries: Map<string, RingEntry>, primary: RingEntry, random: RandomSource) {
    this.#entries = entries;
    this.#list = [...entries.values()];
    this.#primary = primary;
    this.#random = random;
    this.primaryKeyId = primary.id;
    Object.freeze(this);
  }

  /**
   * Builds a ring from explicit keys.
   *
   * @param options - The keys (32 random bytes each, unique ids), the primary key id and,
   * in tests only, a {@link RandomSource}.
   * @returns An immutable ring. The caller may zero its key buffers afterwards.
   * @throws {WalletAuthError} `KEY_RING_INVALID` with `details.problem` one of `no-keys`,
   * `invalid-key-id`, `key-length`, `invalid-created-date`, `duplicate-key-id`, `missing-primary`
   * (and `details.position`, the 1-based index of the key at fault).
   * @example
   * ```ts
   * import { KeyRing, generateKey } from "@wallet-auth/core/crypto";
   * const old = generateKey({ id: "2024" });
   * const current = generateKey({ id: "2025" });
   * const ring = KeyRing.fromKeys({ keys: [old, current], primaryKeyId: "2025" });
   * ```
   */
  static fromKeys(options: KeyRingOptions): KeyRing {
    const keys = options?.keys;
    if (!Array.isArray(keys) || keys.length === 0) throw keyRingInvalid("no-keys");
    const entries = new Map<string, RingEntry>();
    keys.forEach((candidate, index) => {
      const position = index + 1;
      assertKeyId(candidate?.id, position);
      const { id, key, createdAt } = candidate;
      if (!(key instanceof Uint8Array) || key.byteLength !== AEAD_KEY_BYTES) throw keyRingInvalid("key-length", position);
      if (createdAt !== undefined && !(createdAt instanceof Date && Number.isFinite(createdAt.getTime()))) {
        throw keyRingInvalid("invalid-created-date", position);
      }
      if (entries.has(id)) throw keyRingInvalid("duplicate-key-id", position);
      const { encryptionKey, commitment } = deriveCommittedKey(key, WRAPPING_KEY_LABEL);
      const wrapKey = createSecretKey(encryptionKey);
      encryptionKey.fill(0);
      entries.set(id, {
        id,
        wrapKey,
        commitment: Buffer.from(commitment),
        header: encodeHeader(id),
        createdAt: createdAt === undefined ? null : new Date(createdAt.getTime()),
        usage: { seals: 0, opens: 0, rewraps: 0 },
      });
    });
    const primary = typeof options.primaryKeyId === "string" ? entries.get(options.primaryKeyId) : undefined;
    if (primary === undefined) throw keyRingInvalid("missing-primary");
    return new KeyRing(entries, primary, options.random ?? cryptoRandom);
  }

  /**
   * Builds a ring from the environment: `WALLET_AUTH_KEYS="id1:base64,id2:base64:YYYY-MM-DD"`
   * (base64 or base64url, 32 bytes each, optional creation date) and
   * `WALLET_AUTH_PRIMARY_KEY_ID` (may be omitted when there is exactly one key).
   *
   * @param env - Defaults to `process.env`. Read once; later changes are ignored.
   * @throws {WalletAuthError} `KEY_RING_INVALID` with `details.problem` (`no-keys`,
   * `malformed-entry`, `invalid-key-encoding`, `missing-primary`, or any of
   * {@link KeyRing.fromKeys}'s).
   * @example
   * ```ts
   * import { KeyRing } from "@wallet-auth/core/crypto";
   * const ring = KeyRing.fromEnv(); // at start-up; fails fast on a bad configuration
   * ```
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): KeyRing {
    const { keys, primaryKeyId } = parseKeyRingEnv(env);
    try {
      return KeyRing.fromKeys({ keys, primaryKeyId });
    } finally {
      for (const { key } of keys) key.fill(0);
    }
  }

  /** The ids of every key in the ring, primary included, in configuration order. */
  keyIds(): string[] {
    return [...this.#entries.keys()];
  }

  /** `true` when the ring holds a key with this id. */
  has(keyId: string): boolean {
    return this.#entries.has(keyId);
  }

  /** The configured creation date of a key, or `null` when unknown or not in the ring. */
  keyCreatedAt(keyId: string): Date | null {
    const createdAt = this.#entries.get(keyId)?.createdAt;
    return createdAt == null ? null : new Date(createdAt.getTime());
  }

  /**
   * Encrypts `plaintext` for `context` under a fresh data key wrapped by the primary key.
   *
   * @param plaintext - The secret. Not modified; zero it yourself when done.
   * @param context - What the record is bound to; the same context must be given to open it.
   * @returns The sealed string with its key id and format version; store all three.
   * @throws {WalletAuthError} `INVALID_INPUT` for a non-bytes plaintext or an invalid context.
   * @example
   * ```ts
   * const { sealed, keyId } = ring.seal(secretBytes, { userId, recordId, purpose: "credential:binance" });
   * ```
   */
  seal(plaintext: Uint8Array, context: EnvelopeContext): SealResult {
    if (!(plaintext instanceof Uint8Array)) throw new WalletAuthError("INVALID_INPUT", { reason: "plaintext-not-bytes" });
    const primary = this.#primary;
    const aad = associatedData(context, primary.header);
    const random = this.#random;
    const dataKey = random.bytes(AEAD_KEY_BYTES);
    const { encryptionKey, commitment } = deriveCommittedKey(dataKey, DATA_KEY_LABEL);
    try {
      const payload = aeadEncrypt({ key: encryptionKey, plaintext, aad: aad.payload, random });
      const wrap = aeadEncrypt({ key: primary.wrapKey, plaintext: dataKey, aad: aad.wrap, random });
      const sealed = encodeSealed({
        header: primary.header,
        wrapNonce: wrap.nonce,
        wrapCommitment: primary.commitment,
        wrappedKey: wrap.ciphertext,
        wrapTag: wrap.tag,
        payloadSection: [payload.nonce, commitment, payload.ciphertext, payload.tag],
      });
      primary.usage.seals += 1;
      return { sealed, keyId: primary.id, formatVersion: SEALED_FORMAT_VERSION };
    } finally {
      zeroize(dataKey, encryptionKey);
    }
  }

  /**
   * Decrypts a sealed record.
   *
   * @returns The plaintext in a fresh buffer. The caller owns it and must zero it after use;
   * prefer {@link KeyRing.openWith}, which does that for you.
   * @throws {WalletAuthError} `DECRYPTION_FAILED` for any tampering, a wrong context, a
   * commitment mismatch or a malformed string; `UNSUPPORTED_FORMAT` for an unknown format
   * version; `UNKNOWN_KEY` when the record's key is not in the ring; `INVALID_INPUT` for an
   * invalid context.
   * @example
   * ```ts
   * const secret = ring.open(sealed, context);
   * try { use(secret); } finally { secret.fill(0); }
   * ```
   */
  open(sealed: string, context: EnvelopeContext): Uint8Array {
    // Fields read once, up front, so a getter cannot change the context between checks.
    const fields: EnvelopeContext = { userId: context?.userId, recordId: context?.recordId, purpose: context?.purpose };
    const at = locateRecord(this.#list, sealed, fields);
    try {
      const dataKey = this.#unwrap(at);
      let okm: Buffer | undefined;
      try {
        okm = deriveKeyMaterial(dataKey, DATA_KEY_LABEL);
        if (!commitmentMatchesAt(okm, AEAD_KEY_BYTES, at.blob, at.base + DATA_KEY_COMMITMENT_AT)) {
          throw failed("data-key-commitment-mismatch");
        }
        const { payloadNonce, ciphertext, payloadTag } = at.fields;
        const plaintext = aeadOpen(view(okm, 0, AEAD_KEY_BYTES), payloadNonce, ciphertext, payloadTag, at.aad.payload);
        at.entry.usage.opens += 1;
        return plaintext;
      } finally {
        wipe(dataKey);
        if (okm !== undefined) wipe(okm);
      }
    } catch (error) {
      throw coded(error);
    }
  }

  /**
   * Opens a record, passes the plaintext to `fn`, and zeroes it when `fn` is done: right after
   * it returns, or, when it returns a promise, after that promise settles. Keep no reference
   * to the buffer beyond `fn`.
   *
   * @returns What `fn` returns.
   * @throws {WalletAuthError} As {@link KeyRing.open}; errors thrown by `fn` pass through.
   * @example
   * ```ts
   * const signature = ring.openWith(sealed, context, (secret) => sign(secret, payload));
   * ```
   */
  openWith<T>(sealed: string, context: EnvelopeContext, fn: (plaintext: Uint8Array) => T): T {
    const plaintext = this.open(sealed, context);
    let result: T;
    try {
      result = fn(plaintext);
    } catch (error) {
      plaintext.fill(0);
      throw error;
    }
    if (isPromiseLike(result)) {
      const zero = () => plaintext.fill(0);
      return Promise.resolve(result).finally(zero) as T;
    }
    plaintext.fill(0);
    return result;
  }

  /**
   * {@link KeyRing.openWith} for an async `fn`: the plaintext is zeroed once `fn`'s promise
   * settles.
   *
   * @example
   * ```ts
   * const balance = await ring.openWithAsync(sealed, context, async (secret) => fetchBalance(secret));
   * ```
   */
  async openWithAsync<T>(sealed: string, context: EnvelopeContext, fn: (plaintext: Uint8Array) => Promise<T> | T): Promise<T> {
    const plaintext = this.open(sealed, context);
    try {
      return await fn(plaintext);
    } finally {
      plaintext.fill(0);
    }
  }

  /**
   * Moves a record's data key to the primary key: unwraps it under its current key and wraps
   * it under the primary. The payload ciphertext is copied unchanged. The whole record is
   * authenticated first (data-key commitment and the payload's GCM tag; the plaintext is wiped at
   * once), so a tampered or truncated record is refused rather than rewrapped.
   *
   * Idempotent: a record already on the primary key is verified and returned unchanged.
   *
   * @returns The new sealed string (store it with the new `keyId`, e.g.
   * `UPDATE … WHERE key_id = <old>`), or the input when it is already on the primary.
   * @throws {WalletAuthError} As {@link KeyRing.open}.
   * @example
   * ```ts
   * const moved = ring.rewrap(row.sealed, context);
   * if (moved.keyId !== row.keyId) await store.update(row.id, moved);
   * ```
   */
  rewrap(sealed: string, context: EnvelopeContext): SealResult {
    const at = locateRecord(this.#list, sealed, context);
    const { entry, blob, base } = at;
    try {
      const dataKey = this.#unwrap(at);
      const { encryptionKey, commitment } = deriveCommittedKey(dataKey, DATA_KEY_LABEL);
      try {
        if (!commitmentMatchesAt(commitment, 0, blob, base + DATA_KEY_COMMITMENT_AT)) {
          throw failed("data-key-commitment-mismatch");
        }
        // The whole record is authenticated before it moves: a flipped payload byte or a cut tag
        // is refused here (and reported as failed by the rotation job), never carried to the new key.
        const { payloadNonce, ciphertext, payloadTag } = at.fields;
        wipe(aeadOpen(encryptionKey, payloadNonce, ciphertext, payloadTag, at.aad.payload));
        const primary = this.#primary;
        if (entry === primary) return { sealed, keyId: primary.id, formatVersion: SEALED_FORMAT_VERSION };
        const wrap = aeadEncrypt({ key: primary.wrapKey, plaintext: dataKey, aad: wrapAad(primary.header, at.aad.payload.subarray(2)), random: this.#random });
        const moved = encodeSealed({
          header: primary.header,
          wrapNonce: wrap.nonce,
          wrapCommitment: primary.commitment,
          wrappedKey: wrap.ciphertext,
          wrapTag: wrap.tag,
          payloadSection: [view(blob, base + PAYLOAD_AT, at.length - base - PAYLOAD_AT)],
        });
        entry.usage.rewraps += 1;
        return { sealed: moved, keyId: primary.id, formatVersion: SEALED_FORMAT_VERSION };
      } finally {
        zeroize(dataKey, encryptionKey);
      }
    } catch (error) {
      throw coded(error);
    }
  }

  /**
   * Reads a sealed record's key id and format version from its header, without any key and
   * without checking integrity (use it to route or count records, never to trust them).
   *
   * @throws {WalletAuthError} `UNSUPPORTED_FORMAT` for an unknown version; `DECRYPTION_FAILED`
   * for a string that is not a sealed record.
   * @example
   * ```ts
   * if (ring.inspect(row.sealed).keyId !== ring.primaryKeyId) queueForRewrap(row);
   * ```
   */
  inspect(sealed: string): SealedInfo {
    const { version, keyId } = readHeader(decodeSealedString(sealed));
    return { keyId, formatVersion: version };
  }

  /**
   * Per-key counters of seals, successful opens and rewraps (away from that key) since this
   * ring was built. A snapshot: later operations do not change the returned object.
   */
  usage(): Record<string, KeyUsage> {
    const out: Record<string, KeyUsage> = {};
    for (const [id, { usage }] of this.#entries) out[id] = { ...usage };
    return out;
  }

  /** Key ids only: key material is never serialised. */
  toJSON(): { primaryKeyId: string; keyIds: string[] } {
    return { primaryKeyId: this.primaryKeyId, keyIds: this.keyIds() };
  }

  [inspect.custom](): string {
    return `KeyRing { primaryKeyId: ${JSON.stringify(this.primaryKeyId)}, keyIds: ${JSON.stringify(this.keyIds())} }`;
  }

  /** Checks the wrapping commitment, then unwraps the data key (caller zeroes it). */
  #unwrap({ entry, blob, base, aad, fields }: Located<RingEntry>): Buffer {
    if (!commitmentMatchesAt(entry.commitment, 0, blob, base + WRAP_COMMITMENT_AT)) {
      throw failed("wrap-commitment-mismatch");
    }
    const dataKey = aeadOpen(entry.wrapKey, fields.wrapNonce, fields.wrappedKey, fields.wrapTag, aad.wrap);
    if (dataKey.byteLength !== AEAD_KEY_BYTES) {
      wipe(dataKey);
      throw failed("data-key-length");
    }
    return dataKey;
  }
}
