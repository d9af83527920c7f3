import { createWalletAuthClient } from "@wallet-auth/core/client";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./openapi.js";
import type { RouteSpec } from "./routeSpec.js";
import { accountRoutes } from "./routes/accountRoutes.js";
import { botRoutes } from "./routes/botRoutes.js";
import { credentialRoutes } from "./routes/credentialRoutes.js";
import type { RouteDeps } from "./routes/deps.js";
import { walletRoutes } from "./routes/walletRoutes.js";

const deps = { walletAuth: { tokens: {}, exchangeProxy: {} } } as unknown as RouteDeps;
const specs: RouteSpec[] = [...credentialRoutes(deps), ...walletRoutes(deps), ...accountRoutes(deps), ...botRoutes(deps)];
const doc = buildOpenApiDocument(specs) as { paths: Record<string, Record<string, unknown>> };

/** `/v1/credentials/abc/exchange/fetchBalance` -> the document's templated path it matches, if any. */
function documented(method: string, path: string): string | undefined {
  return Object.keys(doc.paths).find(
    (p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path) && method.toLowerCase() in (doc.paths[p] ?? {}),
  );
}

describe("the typed client against the OpenAPI document", () => {
  it("calls only operations the document describes, with their methods", async () => {
    const calls: { method: string; path: string }[] = [];
    const client = createWalletAuthClient({
      baseUrl: "https://api.example/api",
      fetch: async (input, init) => {
        const url = new URL(String(input));
        calls.push({ method: init?.method ?? "GET", path: url.pathname.replace(/^\/api/, "") });
        return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
      },
    });
    const id = "00000000-0000-4000-8000-000000000001";
    const invocations: (() => Promise<unknown>)[] = [
      () => client.me(),
      () => client.listCredentials(),
      () => client.getCredential(id),
      () => client.createCredential({ exchange: "binance", label: "x", apiKey: "k", secret: "s" }),
      () => client.updateCredential(id, { label: "y" }),
      () => client.deleteCredential(id),
      () => client.validateCredential(id),
      () => client.disableCredential(id),
      () => client.enableCredential(id),
      () => client.credentialBalances(id),
      () => client.allBalances(),
      () => client.refreshBalances(),
      () => client.balanceHistory({ source: `exchange:${id}` }),
      () => client.walletChallenge({ address: "0x0", chainId: "eip155:1" }),
      () => client.linkWallet({ message: "m", signature: "0x00" }),
      () => client.listWallets(),
      () => client.updateWallet(id, { label: null }),
      () => client.unlinkWallet(id),
      () => client.setPrimaryWallet(id),
      () => client.listAudit(),
      () => client.exportAudit("csv"),
      () => client.verifyAudit(),
      () => client.listAlerts(),
      () => client.listTokens(),
      () => client.createToken({ label: "b", scopes: ["credentials:read"] }),
      () => client.revokeToken(id),
      () => client.callExchange(id, "fetchBalance"),
    ];
    for (const invoke of invocations) await invoke();
    expect(calls).toHaveLength(invocations.length);
    const undocumented = calls.filter((c) => documented(c.method, c.path) === undefined);
    expect(undocumented).toEqual([]);
    // Every client method covers a distinct operation.
    expect(new Set(calls.map((c) => `${c.method} ${documented(c.method, c.path)}`)).size).toBe(invocations.length);
  });
});
