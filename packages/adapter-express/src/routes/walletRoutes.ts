import { z } from "zod";
import { route, type RouteSpec } from "../routeSpec.js";
import { balancesResultSchema, challengeBody, challengeSchema, idParams, linkBody, pageQuery, transactionPageSchema, walletPatchBody, walletSchema } from "../schemas.js";
import type { RouteDeps } from "./deps.js";

/** `/v1/wallets...`: Sign-In with Ethereum linking and wallet management. */
export function walletRoutes({ walletAuth }: RouteDeps): RouteSpec[] {
  const { balances } = walletAuth;
  const wallets = () => {
    if (!walletAuth.wallets) throw new Error("wallet-auth was created without siwe settings");
    return walletAuth.wallets;
  };
  return [
    route({
      method: "post", path: "/v1/wallets/challenge", operationId: "createWalletChallenge", summary: "Get a Sign-In with Ethereum message to sign", tag: "wallets", auth: "session",
      body: challengeBody, response: challengeSchema, limit: "sensitive",
      handler: ({ ctx, body }) => wallets().challenge(ctx, body),
    }),
    route({
      method: "post", path: "/v1/wallets", operationId: "linkWallet", summary: "Verify a signed challenge and link the wallet", tag: "wallets", auth: "session",
      body: linkBody, response: walletSchema, status: 201, limit: "sensitive",
      handler: ({ ctx, body }) => wallets().verifyAndLink(ctx, body),
    }),
    route({
      method: "get", path: "/v1/wallets", operationId: "listWallets", summary: "Your linked wallets", tag: "wallets", auth: "session",
      response: z.array(walletSchema),
      handler: ({ ctx }) => wallets().list(ctx),
    }),
    route({
      method: "patch", path: "/v1/wallets/:id", operationId: "updateWallet", summary: "Label a wallet or set its metadata", tag: "wallets", auth: "session",
      params: idParams, body: walletPatchBody, response: walletSchema,
      handler: ({ ctx, params, body }) =>
        wallets().update(ctx, { walletId: params.id, ...(body.label !== undefined ? { label: body.label } : {}), ...(body.metadata !== undefined ? { metadata: body.metadata as never } : {}) }),
    }),
    route({
      method: "delete", path: "/v1/wallets/:id", operationId: "unlinkWallet", summary: "Unlink a wallet", tag: "wallets", auth: "session",
      params: idParams, response: null,
      handler: ({ ctx, params }) => wallets().unlink(ctx, { walletId: params.id }),
    }),
    route({
      method: "post", path: "/v1/wallets/:id/primary", operationId: "setPrimaryWallet", summary: "Make this your primary wallet", tag: "wallets", auth: "session",
      params: idParams, response: walletSchema,
      handler: ({ ctx, params }) => wallets().setPrimary(ctx, { walletId: params.id }),
    }),
    route({
      method: "get", path: "/v1/wallets/:id/balances", operationId: "getWalletBalances", summary: "Native and token balances on chain", tag: "balances", auth: "session",
      params: idParams, response: balancesResultSchema,
      handler: ({ ctx, params }) => balances.get(ctx, { source: { type: "wallet", walletId: params.id } }),
    }),
    route({
      method: "get", path: "/v1/wallets/:id/transactions", operationId: "listWalletTransactions", summary: "Transfers of the wallet", tag: "balances", auth: "session",
      params: idParams, query: pageQuery, response: transactionPageSchema,
      handler: async ({ ctx, params, query }) => {
        await wallets().get(ctx, { walletId: params.id });
        return balances.transactions(ctx, { source: { type: "wallet", walletId: params.id }, ...query });
      },
    }),
  ];
}
