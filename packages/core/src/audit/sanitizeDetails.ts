import type { AuditEventRecord } from "../ports/AuditLog.js";

/** Audit details as stored: primitives only. */
export type AuditDetails = AuditEventRecord["details"];

/** Options for {@link sanitizeDetails}. */
export interface SanitizeDetailsOptions {
  /** Longest string value kept (longer ones are cut and marked with `…`). Default 256. */
  maxStringLength?: number | undefined;
  /** Most keys kept. Default 32. */
  maxKeys?: number | undefined;
}

// Keys that name a secret, in any casing and with `_`/`-` separators: their values are dropped
// whatever they hold, so a caller who passes a secret under an obvious name cannot leak it.
const SECRET_KEY =
  /(secret|passw(or)?d|passphrase|api[-_]?key|apikey|token|signature|private[-_]?key|privkey|mnemonic|seed|authori[sz]ation|cookie|credential[-_]?data|plaintext|sealed|fingerprint|bearer)/i;

/** `true` when a details key looks like it names a secret (and is therefore dropped). */
export function isSecretLookingKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * Makes a string safe to store and hash identically on every backend: no NUL (PostgreSQL text
 * refuses it), no lone surrogates (jsonb refuses them), capped length.
 */
export function cleanText(value: string, maxLength: number): string {
  // eslint-disable-next-line no-control-regex
  let text = value.replace(/\u0000/g, "").replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
  if (text.length > maxLength) text = `${text.slice(0, Math.max(0, maxLength - 1))}…`;
  return text;
}

/**
 * Reduces caller-supplied audit details to what may be stored: primitive values only (objects,
 * arrays, functions, bigints and `Redacted` boxes are dropped), strings cleaned and capped,
 * non-finite numbers turned into `null`, and every key that looks like a secret
 * (`secret`, `password`, `apiKey`, `token`, `signature`, `privateKey`, ...) dropped.
 *
 * @param details - Untrusted details from a service.
 * @param options - Length and key caps.
 * @returns A fresh object safe to store in an audit row.
 * @example
 * ```ts
 * sanitizeDetails({ reason: "bad-nonce", apiKey: "abc" }); // { reason: "bad-nonce" }
 * ```
 */
export function sanitizeDetails(details: unknown, options: SanitizeDetailsOptions = {}): AuditDetails {
  const maxString = options.maxStringLength ?? 256;
  const maxKeys = options.maxKeys ?? 32;
  const out: AuditDetails = {};
  if (typeof details !== "object" || details === null || Array.isArray(details)) return out;
  let kept = 0;
  for (const [rawKey, value] of Object.entries(details)) {
    if (kept >= maxKeys) break;
    const key = cleanText(rawKey, 64);
    if (key === "" || isSecretLookingKey(key) || key === "__proto__") continue;
    if (value === null) out[key] = null;
    else if (typeof value === "boolean") out[key] = value;
    else if (typeof value === "number") out[key] = Number.isFinite(value) ? value : null;
    else if (typeof value === "string") out[key] = cleanText(value, maxString);
    else continue;
    kept += 1;
  }
  return out;
}
