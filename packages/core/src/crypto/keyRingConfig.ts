import { WalletAuthError } from "../errors/index.js";
import { AEAD_KEY_BYTES } from "./aead.js";
import { KEY_ID_PATTERN } from "./sealedFormat.js";
import type { KeyRingKey } from "./types.js";

/**
 * Why a key-ring configuration was refused; safe to show (names no key id or key material).
 */
export type KeyRingProblem =
  | "no-keys"
  | "malformed-entry"
  | "invalid-key-id"
  | "invalid-key-encoding"
  | "key-length"
  | "duplicate-key-id"
  | "missing-primary"
  | "invalid-created-date"
  /** A key provider is configured and `WALLET_AUTH_KEYS` (plaintext keys) is set too. */
  | "plaintext-keys-with-provider";

/** A `KEY_RING_INVALID` error; `position` is the 1-based index of the offending key, if any. */
export function keyRingInvalid(problem: KeyRingProblem, position?: number): WalletAuthError {
  return new WalletAuthError("KEY_RING_INVALID", {
    reason: problem,
    details: position === undefined ? { problem } : { problem, position },
  });
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Strict base64 or base64url (padding optional) decoding of a 32-byte key; throws
 * `KEY_RING_INVALID` naming only the problem and the 1-based `position`.
 */
export function decodeKeyMaterial(text: string, position: number): Uint8Array {
  const url = BASE64URL.test(text);
  if (!url && !BASE64.test(text)) throw keyRingInvalid("invalid-key-encoding", position);
  const bytes = Buffer.from(text, url ? "base64url" : "base64");
  const canonical = bytes.toString(url ? "base64url" : "base64");
  if (canonical.replace(/=+$/, "") !== text.replace(/=+$/, "")) {
    bytes.fill(0);
    throw keyRingInvalid("invalid-key-encoding", position);
  }
  if (bytes.byteLength !== AEAD_KEY_BYTES) {
    bytes.fill(0);
    throw keyRingInvalid("key-length", position);
  }
  return bytes;
}

/** Parses a `YYYY-MM-DD` creation date (`invalid-created-date` otherwise). */
export function parseDate(text: string, position: number): Date {
  const match = DATE.exec(text);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  // Round-tripping rejects impossible days such as 2025-02-30, which Date.UTC silently rolls over.
  if (date === null || date.toISOString().slice(0, 10) !== text) throw keyRingInvalid("invalid-created-date", position);
  return date;
}

/** Checks a key id against the allowed alphabet and length. */
export function assertKeyId(id: unknown, position?: number): asserts id is string {
  if (typeof id !== "string" || !KEY_ID_PATTERN.test(id)) throw keyRingInvalid("invalid-key-id", position);
}

/**
 * Parses `WALLET_AUTH_KEYS` (`"id1:base64,id2:base64:YYYY-MM-DD"`) and
 * `WALLET_AUTH_PRIMARY_KEY_ID`. Whitespace around entries and empty entries are ignored. When
 * exactly one key is configured the primary id may be omitted.
 *
 * @returns The keys (fresh buffers the caller must zero) and the primary id.
 * @throws {WalletAuthError} `KEY_RING_INVALID` with `details.problem`.
 */
export function parseKeyRingEnv(env: NodeJS.ProcessEnv): { keys: KeyRingKey[]; primaryKeyId: string } {
  const raw = env.WALLET_AUTH_KEYS ?? "";
  const entries = raw.split(",").map((entry) => entry.trim()).filter((entry) => entry.length > 0);
  if (entries.length === 0) throw keyRingInvalid("no-keys");
  const keys: KeyRingKey[] = [];
  try {
    entries.forEach((entry, index) => {
      const position = index + 1;
      const fields = entry.split(":").map((field) => field.trim());
      if (fields.length < 2 || fields.length > 3) throw keyRingInvalid("malformed-entry", position);
      const [id, encoded, created] = fields as [string, string, string | undefined];
      assertKeyId(id, position);
      const key = decodeKeyMaterial(encoded, position);
      keys.push(created === undefined ? { id, key } : { id, key, createdAt: parseDate(created, position) });
    });
  } catch (error) {
    for (const { key } of keys) key.fill(0);
    throw error;
  }
  const primary = env.WALLET_AUTH_PRIMARY_KEY_ID?.trim();
  const primaryKeyId = primary === undefined || primary === "" ? (keys.length === 1 ? keys[0]?.id : undefined) : primary;
  if (primaryKeyId === undefined) {
    for (const { key } of keys) key.fill(0);
    throw keyRingInvalid("missing-primary");
  }
  return { keys, primaryKeyId };
}
