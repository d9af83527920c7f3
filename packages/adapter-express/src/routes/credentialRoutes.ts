import { z } from "zod";
import { route, type RouteSpec } from "../routeSpec.js";
import { balancesResultSchema, createCredentialBody, credentialSchema, idParams, pageQuery, transactionPageSchema, updateCredentialBody, validateResultSchema } from "../schemas.js";
import type { RouteDeps } from "./deps.js";

/** `/v1/credentials...`: exchange API keys, stored encrypted; the secret is write-only. */
export function credentialRoutes({ walletAuth }: RouteDeps): RouteSpec[] {
  const { credentials, balances } = walletAuth;
  return [
    route({
      method: "get", path: "/v1/credentials", operationId: "listCredentials", scope: "credentials:read", summary: "List your exchange credentials", tag: "credentials", auth: "session",
      response: z.array(credentialSchema),
      handler: ({ ctx }) => credentials.list(ctx),
    }),
    route({
      method: "post", path: "/v1/credentials", operationId: "createCredential", summary: "Add an exchange credential (validated live, encrypted at rest)", tag: "credentials", auth: "session",
      body: createCredentialBody, response: credentialSchema, status: 201, stepUp: true, limit: "sensitive",
      handler: ({ ctx, body }) => credentials.create(ctx, body),
    }),
    route({
      method: "get", path: "/v1/credentials/:id", operationId: "getCredential", scope: "credentials:read", summary: "One credential", tag: "credentials", auth: "session",
      params: idParams, response: credentialSchema,
      handler: ({ ctx, params }) => credentials.get(ctx, params.id),
    }),
    route({
      method: "patch", path: "/v1/credentials/:id", operationId: "updateCredential", summary: "Rename, set expiry, or replace the key", tag: "credentials", auth: "session",
      params: idParams, body: updateCredentialBody, response: credentialSchema,
      // Replacing any part of the key (what core renews on), allowing withdrawals or accepting an
      // unknown withdrawal permission is sensitive; a rename or an expiry edit is not.
      stepUp: { when: [{ field: "apiKey" }, { field: "secret" }, { field: "password" }, { field: "uid" }, { field: "allowWithdrawal", equals: true }, { field: "acceptUnknownPermissions", equals: true }] },
      handler: ({ ctx, params, body }) => credentials.update(ctx, params.id, body),
    }),
    route({
      method: "delete", path: "/v1/credentials/:id", operationId: "deleteCredential", summary: "Delete a credential", tag: "credentials", auth: "session",
      params: idParams, response: null, stepUp: true,
      handler: ({ ctx, params }) => credentials.delete(ctx, params.id),
    }),
    route({
      method: "post", path: "/v1/credentials/:id/validate", operationId: "validateCredential", summary: "Check the key with the exchange now", tag: "credentials", auth: "session",
      params: idParams, response: validateResultSchema, limit: "sensitive",
      handler: ({ ctx, params }) => credentials.revalidate(ctx, params.id),
    }),
    route({
      method: "post", path: "/v1/credentials/:id/disable", operationId: "disableCredential", summary: "Stop every use of the credential", tag: "credentials", auth: "session",
      params: idParams, response: credentialSchema,
      handler: ({ ctx, params }) => credentials.disable(ctx, params.id),
    }),
    route({
      method: "post", path: "/v1/credentials/:id/enable", operationId: "enableCredential", summary: "Undo your own disable", tag: "credentials", auth: "session",
      params: idParams, response: credentialSchema,
      handler: ({ ctx, params }) => credentials.enable(ctx, params.id),
    }),
    route({
      method: "get", path: "/v1/credentials/:id/balances", operationId: "getCredentialBalances", scope: "balances:read", summary: "Balances on the exchange (cached up to 5 minutes)", tag: "balances", auth: "session",
      params: idParams, response: balancesResultSchema,
      handler: ({ ctx, params }) => balances.get(ctx, { source: { type: "exchange", credentialId: params.id } }),
    }),
    route({
      method: "get", path: "/v1/credentials/:id/transactions", operationId: "listCredentialTransactions", scope: "balances:read", summary: "Trades, deposits and withdrawals on the exchange", tag: "balances", auth: "session",
      params: idParams, query: pageQuery, response: transactionPageSchema,
      handler: async ({ ctx, params, query }) => {
        await credentials.get(ctx, params.id);
        return balances.transactions(ctx, { source: { type: "exchange", credentialId: params.id }, ...query });
      },
    }),
  ];
}
