import { type TradePolicyView, errorMessages, isWalletAuthError, tradePolicySchema } from "@wallet-auth/core";
import type { Response } from "express";
import { z } from "zod";
import { route, type RouteSpec } from "../routeSpec.js";
import { idParams } from "../schemas.js";
import type { RouteDeps } from "./deps.js";

const isoDate = z.string().meta({ format: "date-time" });

/** A trade policy as the API takes it: the whole policy, every field required (a PUT replaces it whole). */
export const tradePolicyBody = tradePolicySchema.meta({
  id: "TradePolicy",
  description:
    "What orders the exchange proxy may place with a credential (or a bot token, on top of its credentials' policies). Notionals are decimal strings in `quoteCurrency`, valued with the venue's own prices.",
});

export const tradePolicyViewSchema = z
  .strictObject({
    subjectType: z.enum(["credential", "token"]),
    subjectId: z.string(),
    policy: tradePolicyBody.nullable().meta({ description: "The policy in force; `null` for a token without its own (its credentials' policies apply)." }),
    source: z.enum(["default", "stored"]).meta({ description: "`default`: the owner never set one (version 0)." }),
    version: z.number().int(),
    updatedAt: isoDate.nullable(),
  })
  .meta({ id: "TradePolicyView" });

/**
 * `/v1/credentials/:id/policy` and `/v1/tokens/:id/policy`: read and replace trade policies.
 * Replacing one with a policy that allows anything the current one does not (widening) needs a
 * recent verification: without it the answer is the same 403 reverification body as every
 * step-up route, and nothing changes. Narrowing needs none.
 */
export function policyRoutes(deps: RouteDeps): RouteSpec[] {
  const { policies } = deps.walletAuth;
  const put = async (res: Response, run: () => Promise<TradePolicyView>): Promise<TradePolicyView | undefined> => {
    try {
      return await run();
    } catch (error) {
      if (!isWalletAuthError(error) || error.reason !== "policy-widening-needs-step-up") throw error;
      res.status(403).json({ error: { code: "FORBIDDEN", message: errorMessages.FORBIDDEN, requestId: res.locals.requestId }, ...deps.reverificationBody() });
      return undefined;
    }
  };
  return [
    route({
      method: "get", path: "/v1/credentials/:id/policy", operationId: "getCredentialPolicy", scope: "credentials:read", credentialParam: "id",
      summary: "The trade policy the exchange proxy enforces for this credential", tag: "policies", auth: "session",
      params: idParams, response: tradePolicyViewSchema,
      handler: ({ ctx, params }) => policies.get(ctx, { type: "credential", id: params.id }),
    }),
    route({
      method: "put", path: "/v1/credentials/:id/policy", operationId: "putCredentialPolicy",
      summary: "Replace the credential's trade policy (widening it needs a recent verification)", tag: "policies", auth: "session", limit: "sensitive",
      params: idParams, body: tradePolicyBody, response: tradePolicyViewSchema,
      handler: ({ ctx, params, body, principal, res }) =>
        put(res, () => policies.put(ctx, { type: "credential", id: params.id }, body, { stepUpVerified: deps.recentlyVerified(principal), field: "body" })),
    }),
    route({
      method: "get", path: "/v1/tokens/:id/policy", operationId: "getTokenPolicy",
      summary: "The bot token's own trade policy (applied on top of its credentials' policies)", tag: "policies", auth: "session",
      params: idParams, response: tradePolicyViewSchema,
      handler: ({ ctx, params }) => policies.get(ctx, { type: "token", id: params.id }),
    }),
    route({
      method: "put", path: "/v1/tokens/:id/policy", operationId: "putTokenPolicy",
      summary: "Replace the bot token's own trade policy (widening it needs a recent verification)", tag: "policies", auth: "session", limit: "sensitive",
      params: idParams, body: tradePolicyBody, response: tradePolicyViewSchema,
      handler: ({ ctx, params, body, principal, res }) =>
        put(res, () => policies.put(ctx, { type: "token", id: params.id }, body, { stepUpVerified: deps.recentlyVerified(principal), field: "body" })),
    }),
  ];
}
