import { createHmac } from "node:crypto";
import type { KeyRing } from "../crypto/KeyRing.js";
import type { SealResult } from "../crypto/types.js";
import { WalletAuthError } from "../errors/index.js";
import type { ExchangeSecret } from "../ports/ExchangeGateway.js";
import { OpenedExchangeSecret } from "../secret/OpenedSecret.js";
import { Redacted } from "../secret/Redacted.js";

/** Blind index of an API key: hex HMAC-SHA256(fingerprintKey, exchange + ":" + apiKey). */
export function credentialFingerprint(fingerprintKey: Redacted<Uint8Array>, exchange: string, apiKey: string): string {
  return createHmac("sha256", Redacted.unwrap(fingerprintKey)).update(`${exchange}:${apiKey}`).digest("hex");
}

/** Envelope context of a credential: bound to its owner, row and exchange. */
export function credentialContext(userId: string, id: string, exchange: string): { userId: string; recordId: string; purpose: string } {
  return { userId, recordId: id, purpose: `credential:${exchange}` };
}

/** Seals the secret as JSON bytes; the plaintext bytes are zeroed before returning. */
export function sealSecret(keyRing: KeyRing, secret: ExchangeSecret, userId: string, id: string, exchange: string): SealResult {
  const plain: ExchangeSecret = { apiKey: secret.apiKey, secret: secret.secret };
  if (secret.password !== undefined) plain.password = secret.password;
  if (secret.uid !== undefined) plain.uid = secret.uid;
  const bytes = new TextEncoder().encode(JSON.stringify(plain));
  try {
    return keyRing.seal(bytes, credentialContext(userId, id, exchange));
  } finally {
    bytes.fill(0);
  }
}

/**
 * Opens a sealed secret. Any failure (tampered, wrong key, unknown key, bad format, bad JSON)
 * comes out as `DECRYPTION_FAILED`, its specific cause in `reason`. The result prints, inspects and
 * serialises as redacted ({@link OpenedExchangeSecret}).
 */
export function openSecret(keyRing: KeyRing, sealed: string, userId: string, id: string, exchange: string): ExchangeSecret {
  let bytes: Uint8Array | undefined;
  try {
    bytes = keyRing.open(sealed, credentialContext(userId, id, exchange));
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as Partial<ExchangeSecret>;
    if (typeof parsed.apiKey !== "string" || typeof parsed.secret !== "string") throw new TypeError("bad secret shape");
    return new OpenedExchangeSecret(parsed as ExchangeSecret);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new WalletAuthError("DECRYPTION_FAILED", { reason: typeof code === "string" ? code.toLowerCase() : "payload-invalid" });
  } finally {
    bytes?.fill(0);
  }
}
