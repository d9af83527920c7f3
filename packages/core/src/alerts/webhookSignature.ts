import { createHmac, timingSafeEqual } from "node:crypto";
import { Redacted } from "../secret/Redacted.js";

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const WEBHOOK_SIGNATURE_HEADER = "x-wallet-auth-signature";
/** Header carrying a delivery id, the same on every retry of one alert (for idempotency). */
export const WEBHOOK_DELIVERY_HEADER = "x-wallet-auth-delivery";

/** Hex HMAC-SHA256 of `${timestamp}.${body}` under `secret`. */
export function signWebhook(secret: Redacted<string>, timestamp: number, body: string): string {
  return createHmac("sha256", Redacted.unwrap(secret)).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

/** Options for {@link verifyWebhookSignature}. */
export interface VerifyWebhookSignatureOptions {
  secret: Redacted<string>;
  /** The raw request body, exactly as received. */
  body: string;
  /** Value of the `x-wallet-auth-signature` header. */
  header: string | undefined;
  /** Current unix time in seconds (default: now). */
  nowSeconds?: number | undefined;
  /** Largest accepted age of the timestamp, seconds. Default 300. */
  toleranceSeconds?: number | undefined;
}

/**
 * Checks a webhook's signature the way a receiver should: parses `t` and `v1`, compares the
 * HMAC in constant time, and refuses a timestamp outside the tolerance (replay).
 *
 * @returns `true` when the signature is valid and fresh.
 * @example
 * ```ts
 * const ok = verifyWebhookSignature({ secret, body: rawBody, header: req.headers["x-wallet-auth-signature"] });
 * ```
 */
export function verifyWebhookSignature(options: VerifyWebhookSignatureOptions): boolean {
  const parts = new Map(
    (options.header ?? "").split(",").map((kv) => {
      const i = kv.indexOf("=");
      return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1") ?? "";
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(options.secret, t, options.body), "hex");
  return timingSafeEqual(expected, Buffer.from(v1, "hex"));
}
