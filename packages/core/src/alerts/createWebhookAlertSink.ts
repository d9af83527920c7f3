import pRetry, { AbortError } from "p-retry";
import { WalletAuthError } from "../errors/index.js";
import type { AlertSink } from "../ports/AlertSink.js";
import type { SecurityAlertRecord } from "../ports/AlertStore.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import { type RandomSource, cryptoRandom } from "../ports/RandomSource.js";
import { Redacted } from "../secret/Redacted.js";
import { WEBHOOK_DELIVERY_HEADER, WEBHOOK_SIGNATURE_HEADER, signWebhook } from "./webhookSignature.js";

/** Exponential backoff between attempts (p-retry): `initialMs * factor^(n-1)`, capped at `maxMs`, times a random factor in [1, 2). */
export interface WebhookBackoff {
  initialMs: number;
  maxMs: number;
  factor: number;
}

/** Options for {@link createWebhookAlertSink}. */
export interface WebhookAlertSinkOptions {
  /** http(s) endpoint receiving a POST per alert. */
  url: string;
  /** HMAC key for the signature header. */
  signingSecret: Redacted<string>;
  /** Hard limit per attempt (connect + response headers + body). Default 5,000 ms. */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt. Default 3. */
  retries?: number | undefined;
  /** Default `{ initialMs: 500, maxMs: 10_000, factor: 2 }`. */
  backoff?: Partial<WebhookBackoff> | undefined;
  /** Overall deadline for one alert, all attempts and waits included. Default 60,000 ms. */
  deadlineMs?: number | undefined;
  clock?: Clock | undefined;
  random?: RandomSource | undefined;
  /** The fetch to use (default: global `fetch`). */
  fetch?: typeof fetch | undefined;
}

const RETRYABLE = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500;

/**
 * An {@link AlertSink} that POSTs each alert as JSON to a webhook.
 *
 * Headers: `content-type: application/json`, `x-wallet-auth-signature: t=<unix seconds>,v1=<hex>`
 * where `<hex>` is HMAC-SHA256 under `signingSecret` of `"<t>.<raw body>"` (verify with
 * {@link verifyWebhookSignature}), and `x-wallet-auth-delivery: <uuid>`, identical across the
 * retries of one alert so the receiver can deduplicate. Each attempt is re-signed with a fresh
 * timestamp.
 *
 * A 2xx is delivered; a network error, timeout, 408/425/429 or 5xx is retried with exponential
 * backoff; any other status gives up at once. Each attempt is aborted after `timeoutMs`, and no
 * attempt starts past `deadlineMs`. `send` never throws.
 *
 * @throws WalletAuthError `INVALID_INPUT` at creation for a non-http(s) URL or a bad option.
 * @example
 * ```ts
 * const sink = createWebhookAlertSink({ url: "https://hooks.example.com/wa", signingSecret: Redacted.make(process.env.WEBHOOK_SECRET!) });
 * ```
 */
export function createWebhookAlertSink(options: WebhookAlertSinkOptions): AlertSink {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch (error) {
    throw new WalletAuthError("INVALID_INPUT", { reason: "webhook-url-invalid", cause: error });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new WalletAuthError("INVALID_INPUT", { reason: "webhook-url-scheme" });
  if (!Redacted.is(options.signingSecret) || typeof Redacted.unwrap(options.signingSecret) !== "string" || Redacted.unwrap(options.signingSecret).length < 16) {
    throw new WalletAuthError("INVALID_INPUT", { reason: "webhook-secret-too-short" });
  }
  const secret = options.signingSecret;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const retries = Math.max(0, options.retries ?? 3);
  const backoff: WebhookBackoff = { initialMs: 500, maxMs: 10_000, factor: 2, ...options.backoff };
  const deadlineMs = options.deadlineMs ?? 60_000;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const doFetch = options.fetch ?? fetch;
  const target = url.toString();

  const attempt = async (body: string, deliveryId: string, limitMs: number): Promise<"ok" | "retry" | "fatal"> => {
    const t = Math.floor(clock.now().getTime() / 1000);
    const signal = AbortSignal.timeout(Math.max(1, limitMs));
    try {
      const res = await doFetch(target, {
        method: "POST",
        body,
        signal,
        redirect: "manual",
        headers: {
          "content-type": "application/json",
          "user-agent": "wallet-auth-webhook/1",
          [WEBHOOK_SIGNATURE_HEADER]: `t=${t},v1=${signWebhook(secret, t, body)}`,
          [WEBHOOK_DELIVERY_HEADER]: deliveryId,
        },
      });
      // Drain so the connection is released; bounded by the same signal.
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return "ok";
      return RETRYABLE(res.status) ? "retry" : "fatal";
    } catch {
      return "retry";
    }
  };

  return {
    name: "webhook",
    async send(alert: SecurityAlertRecord) {
      const started = Date.now();
      const body = JSON.stringify(webhookPayload(alert));
      const deliveryId = random.uuid();
      let attempts = 0;
      try {
        // p-retry owns the loop: exponential back-off with jitter, bounded by the deadline.
        await pRetry(
          async () => {
            const left = deadlineMs - (Date.now() - started);
            if (left <= 0) throw new AbortError("deadline");
            attempts += 1;
            const outcome = await attempt(body, deliveryId, Math.min(timeoutMs, left));
            if (outcome === "fatal") throw new AbortError("refused");
            if (outcome === "retry") throw new Error("retry");
          },
          {
            retries,
            factor: backoff.factor,
            minTimeout: backoff.initialMs,
            maxTimeout: backoff.maxMs,
            randomize: true,
            maxRetryTime: deadlineMs,
            unref: true,
          },
        );
        return { delivered: true, attempts };
      } catch {
        // Given up (refused, out of retries or past the deadline): reported, never thrown.
      }
      return { delivered: false, attempts };
    },
  };
}

/** The JSON body of a webhook delivery. */
export function webhookPayload(alert: SecurityAlertRecord) {
  return {
    type: "security_alert" as const,
    alert: {
      id: alert.id,
      kind: alert.kind,
      severity: alert.severity,
      status: alert.status,
      userId: alert.userId,
      details: alert.details,
      createdAt: alert.createdAt.toISOString(),
    },
  };
}
