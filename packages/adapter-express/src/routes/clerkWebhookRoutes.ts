import { type WalletAuth, isWalletAuthError } from "@wallet-auth/core";
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from "express";
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import type { RouterLogger } from "../logger.js";
import type { AuthFailureReason } from "../middleware/authenticate.js";
import type { RouteSpec } from "../routeSpec.js";
import { publicCode, sendError } from "../sendError.js";

/** Where Clerk delivers webhooks, under the router's mount path. */
export const CLERK_WEBHOOK_PATH = "/v1/webhooks/clerk";
/** Largest webhook body read (Clerk's user and membership payloads are a few kB). */
const WEBHOOK_BODY_LIMIT = "256kb";

/** The answer to an accepted delivery. */
export const clerkWebhookResponse = z
  .strictObject({
    received: z.literal(true),
    outcome: z.enum(["applied", "duplicate", "stale", "ignored"]).describe("`duplicate`: this `svix-id` was processed before and nothing changed; `stale`: a newer state of the same membership was already recorded."),
  })
  .meta({ id: "ClerkWebhookResult" });

/**
 * The document entry of the webhook route. The route itself is served by
 * the router's webhook handler, ahead of the JSON parser and Clerk session authentication, so this
 * spec's handler never runs.
 */
export const clerkWebhookSpec: RouteSpec = {
  method: "post",
  path: CLERK_WEBHOOK_PATH,
  operationId: "receiveClerkWebhook",
  summary: "Clerk webhook (Svix-signed): user.deleted, session.revoked, session.ended, organizationMembership.deleted/updated. Authenticated only by the svix-signature header over the raw body.",
  tag: "webhooks",
  auth: "signature",
  body: z.record(z.string(), z.unknown()).describe("Clerk's event (`type`, `data`, `timestamp`, ...) as Clerk sends it; the signature is verified over the raw bytes."),
  headers: z.object({ "svix-id": z.string(), "svix-timestamp": z.string(), "svix-signature": z.string() }),
  response: clerkWebhookResponse,
  handler: () => Promise.reject(new Error("served by clerkWebhookRouter")),
};

/** Options of the router's webhook handler. */
export interface ClerkWebhookOptions {
  /** The endpoint's signing secret from Clerk's dashboard (`whsec_...`). */
  signingSecret: string;
}

/**
 * Checks a Clerk webhook signing secret at start-up.
 * @throws TypeError `clerkWebhook.signingSecret: ...` when it is not a `whsec_` secret.
 */
export function checkClerkWebhookSecret(secret: unknown): string {
  if (typeof secret !== "string" || !/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/.test(secret.trim())) {
    throw new TypeError("clerkWebhook.signingSecret: expected the whsec_... signing secret of the Clerk webhook endpoint");
  }
  const trimmed = secret.trim();
  if (Buffer.from(trimmed.slice("whsec_".length), "base64").length < 24) throw new TypeError("clerkWebhook.signingSecret: the secret is too short");
  return trimmed;
}

/**
 * The Clerk webhook endpoint: reads the raw body (up to 256 kB, else 413), verifies the Svix
 * signature with `standardwebhooks` (a missing or bad signature, or a timestamp over 5 minutes
 * off: 401, audited as an authentication failure, nothing changed), parses it (400 when it is
 * not a JSON event), and answers 200 only after core's deprovisioning service has done
 * everything the event asks. A 5xx makes Clerk retry; every step is idempotent by `svix-id`.
 */
export function clerkWebhookRouter(
  walletAuth: WalletAuth,
  options: ClerkWebhookOptions,
  onAuthFailure: (req: Request, res: Response, reason: AuthFailureReason) => void,
  logger: RouterLogger,
): Router {
  const webhook = new Webhook(checkClerkWebhookSecret(options.signingSecret));
  const router = express.Router({ strict: false });
  const refuseSignature = (req: Request, res: Response) => {
    onAuthFailure(req, res, "webhook-signature-invalid");
    sendError(res, "UNAUTHENTICATED");
  };
  router.post(CLERK_WEBHOOK_PATH, express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT, inflate: false }), async (req, res, next) => {
    try {
      const id = req.get("svix-id");
      const timestamp = req.get("svix-timestamp");
      const signature = req.get("svix-signature");
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!id || !timestamp || !signature) return refuseSignature(req, res);
      let event: unknown;
      try {
        // Svix's headers under the Standard Webhooks names; the library compares in constant time.
        webhook.verify(body, { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature }, { jsonParse: false });
      } catch {
        return refuseSignature(req, res);
      }
      try {
        event = JSON.parse(body.toString("utf8"));
      } catch {
        return sendError(res, "INVALID_INPUT");
      }
      const result = await walletAuth.deprovisioning.handle({ id, event, requestId: String(res.locals.requestId ?? "") });
      logger.info({ requestId: res.locals.requestId, event: "clerk_webhook", type: result.type.slice(0, 100), outcome: result.outcome }, "clerk webhook processed");
      res.status(200).json({ received: true, outcome: result.outcome });
    } catch (error) {
      next(error);
    }
  });
  const onError: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    const type = (error as { type?: unknown } | null)?.type;
    if (type === "entity.too.large") return sendError(res, "PAYLOAD_TOO_LARGE");
    if (!isWalletAuthError(error) && typeof type === "string") return sendError(res, "INVALID_INPUT");
    if (isWalletAuthError(error) && error.code === "INVALID_INPUT") return sendError(res, "INVALID_INPUT");
    logger.warn({ requestId: res.locals.requestId, code: publicCode(error) }, "clerk webhook failed");
    next(error);
  };
  router.use(CLERK_WEBHOOK_PATH, onError);
  return router;
}
