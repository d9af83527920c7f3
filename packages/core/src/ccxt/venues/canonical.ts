import { createPrivateKey } from "node:crypto";
import { WalletAuthError } from "../../errors/index.js";
import type { ExchangeSecret, ExchangeSecretField } from "../../ports/ExchangeGateway.js";

/** Why a field was refused: stable, for a form to show its own text. */
export type SecretProblem =
  | "required"
  | "pem-encrypted"
  | "pem-invalid"
  | "key-type-not-accepted"
  | "not-base64-64-bytes"
  | "not-cdp-key-name";

const HINTS: Record<SecretProblem, string> = {
  required: "This venue needs this field.",
  "pem-encrypted": "The private key is encrypted with a passphrase; export it unencrypted.",
  "pem-invalid": "This is not a readable PEM private key.",
  "key-type-not-accepted": "This venue does not accept this kind of private key.",
  "not-base64-64-bytes": "The private key must be the base64 text of 64 bytes, as the venue shows it.",
  "not-cdp-key-name": "Use the API key name of a Coinbase Developer Platform key: organizations/{org}/apiKeys/{key}.",
};

/**
 * The refusal for one field: `INVALID_INPUT` naming the field and the problem, never the value.
 */
export function refuseField(field: ExchangeSecretField, problem: SecretProblem): WalletAuthError {
  return new WalletAuthError("INVALID_INPUT", { reason: `secret-${problem}`, details: { fields: [field], problem, hint: HINTS[problem] } });
}

/** Refuses when any of `fields` is missing or empty (all missing ones are named, sorted). */
export function requireFields(secret: ExchangeSecret, fields: readonly ExchangeSecretField[]): void {
  const missing = fields.filter((field) => {
    const value = secret[field];
    return value === undefined || value.trim() === "";
  });
  if (missing.length > 0) {
    throw new WalletAuthError("INVALID_INPUT", { reason: "required-field-missing", details: { fields: [...missing].sort(), problem: "required", hint: HINTS.required } });
  }
}

/** The secret with surrounding whitespace of the key and secret dropped (a pasted newline); passphrases are kept as typed. */
export function trimmedSecret(secret: ExchangeSecret): ExchangeSecret {
  return { ...secret, apiKey: secret.apiKey.trim(), secret: secret.secret.trim() };
}

/** Whether `text` is (meant to be) a PEM block. */
export function looksLikePem(text: string): boolean {
  return text.includes("-----BEGIN");
}

/**
 * A PEM as the venue issued it, without what copying adds: CRLF or CR line ends, trailing
 * spaces, `\n` written as two characters (a JSON key file pasted raw), blank lines, surrounding
 * whitespace. ccxt tells key types apart by the PEM's length, so these matter: an Ed25519 PEM
 * with CRLF ends is longer than 120 characters and is signed as RSA.
 */
export function normalisePem(text: string): string {
  const unescaped = !/[\r\n]/.test(text) && text.includes("\\n") ? text.replace(/\\n/g, "\n") : text;
  return unescaped
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join("\n");
}

/** The key types a venue signs with. */
export type PrivateKeyKind = "ed25519" | "rsa" | "ec-p256";

/**
 * Normalises and parses a PEM private key with node:crypto and checks its type.
 *
 * @returns The normalised PEM and its kind.
 * @throws `INVALID_INPUT` (`pem-encrypted`, `pem-invalid`, `key-type-not-accepted`) naming `field`.
 */
export function readPrivateKey(field: ExchangeSecretField, text: string, accepted: readonly PrivateKeyKind[]): { pem: string; kind: PrivateKeyKind } {
  const pem = normalisePem(text);
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem) || /^Proc-Type:\s*4,\s*ENCRYPTED/m.test(pem)) throw refuseField(field, "pem-encrypted");
  let kind: PrivateKeyKind | undefined;
  try {
    const key = createPrivateKey({ key: pem, format: "pem" });
    if (key.asymmetricKeyType === "ed25519") kind = "ed25519";
    else if (key.asymmetricKeyType === "rsa") kind = "rsa";
    else if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") kind = "ec-p256";
  } catch (error) {
    // node:crypto's message can quote the input's structure; only the fact travels.
    throw new WalletAuthError("INVALID_INPUT", { reason: "secret-pem-invalid", cause: error instanceof Error ? new Error(error.name) : undefined, details: { fields: [field], problem: "pem-invalid", hint: HINTS["pem-invalid"] } });
  }
  if (kind === undefined || !accepted.includes(kind)) throw refuseField(field, "key-type-not-accepted");
  return { pem, kind };
}
