import { type ProxyMethod, botTokenScopes, createBotTokenInputSchema, idSchema, proxyMethods, tradingProxyMethods } from "@wallet-auth/core";
import { z } from "zod";
import { route, type RouteSpec } from "../routeSpec.js";
import { idParams } from "../schemas.js";
import type { RouteDeps } from "./deps.js";

const isoDate = z.string().meta({ format: "date-time" });
const scopeSchema = z.enum(botTokenScopes as [string, ...string[]]);

export const botTokenSchema = z
  .strictObject({
    id: z.string(),
    label: z.string(),
    prefix: z.string().meta({ description: "The visible start of the token, to recognise it." }),
    scopes: z.array(scopeSchema),
    credentialIds: z.array(z.string()),
    createdAt: isoDate,
    expiresAt: isoDate,
    lastUsedAt: isoDate.nullable(),
    revokedAt: isoDate.nullable(),
  })
  .meta({ id: "BotToken" });
export const createdBotTokenSchema = z
  .strictObject({ token: z.string().meta({ description: "Shown once. Only its hash is stored." }), view: botTokenSchema })
  .meta({ id: "CreatedBotToken" });
const proxyParams = z.strictObject({ id: idSchema, method: z.string().max(64) });
const proxyBody = z.strictObject({ args: z.record(z.string(), z.unknown()).optional() }).meta({ id: "ExchangeProxyRequest" });

/** `/v1/tokens...` (people only) and the exchange proxy (people and bot tokens with an exchange scope). */
export function botRoutes({ walletAuth }: RouteDeps): RouteSpec[] {
  const { tokens, exchangeProxy } = walletAuth;
  return [
    route({
      method: "get", path: "/v1/tokens", operationId: "listBotTokens", summary: "Your bot access tokens", tag: "tokens", auth: "session",
      response: z.array(botTokenSchema),
      handler: ({ ctx }) => tokens.list(ctx),
    }),
    route({
      method: "post", path: "/v1/tokens", operationId: "createBotToken", summary: "Create a bot access token (shown once)", tag: "tokens", auth: "session",
      body: createBotTokenInputSchema.meta({ id: "CreateBotToken" }), response: createdBotTokenSchema, status: 201, stepUp: true, limit: "sensitive",
      handler: ({ ctx, body }) => tokens.create(ctx, body),
    }),
    route({
      method: "delete", path: "/v1/tokens/:id", operationId: "revokeBotToken", summary: "Revoke a bot access token now", tag: "tokens", auth: "session",
      params: idParams, response: botTokenSchema,
      handler: ({ ctx, params }) => tokens.revoke(ctx, params.id),
    }),
    route({
      method: "post", path: "/v1/credentials/:id/exchange/:method", operationId: "callExchange",
      summary: "Run one allowlisted ccxt method with the stored credential; the secret never leaves the server", tag: "exchange", auth: "session",
      params: proxyParams, body: proxyBody, response: z.unknown().meta({ id: "ExchangeProxyResult", description: "ccxt's normalised result." }), limit: "proxy",
      scope: { of: (params) => (tradingProxyMethods.has(params.method as ProxyMethod) ? "exchange:trade" : "exchange:read"), oneOf: ["exchange:read", "exchange:trade"] },
      credentialParam: "id",
      // An order retried with the same Idempotency-Key gets the first result (marked Idempotent-Replayed), not a second order.
      handler: async ({ ctx, params, body, req, res }) => {
        const idempotencyKey = req.get("idempotency-key");
        const { result, replayed } = await exchangeProxy.run(ctx, params.id, params.method, body.args ?? {}, idempotencyKey === undefined ? {} : { idempotencyKey });
        if (replayed) res.setHeader("Idempotent-Replayed", "true");
        return result;
      },
    }),
  ];
}

void proxyMethods;
