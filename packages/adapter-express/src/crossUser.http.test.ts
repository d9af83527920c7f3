/**
 * User A / user B over every route with an id: user B (signed in, freshly verified) reaching for
 * user A's credential, wallet, bot token or alert gets exactly what a missing id gets, and user A's
 * data is unchanged afterwards. The routes come from the router's own route specs, so a new route
 * with an id is probed without editing this file.
 */
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteSpec } from "./routeSpec.js";
import { accountRoutes } from "./routes/accountRoutes.js";
import { botRoutes } from "./routes/botRoutes.js";
import { credentialRoutes } from "./routes/credentialRoutes.js";
import type { RouteDeps } from "./routes/deps.js";
import { walletRoutes } from "./routes/walletRoutes.js";
import { type HttpHarness, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

const specs: RouteSpec[] = (() => {
  const deps = { walletAuth: { tokens: {}, exchangeProxy: {} } } as unknown as RouteDeps;
  return [...credentialRoutes(deps), ...walletRoutes(deps), ...accountRoutes(deps), ...botRoutes(deps)];
})();
const withId = specs.filter((s) => s.path.includes(":id"));
const MISSING = "00000000-0000-4000-8000-000000000000";

/** A body each route would accept from its owner, so the probe reaches the ownership check. */
const bodyFor = (spec: RouteSpec): unknown => {
  if (spec.method === "patch") return { label: "taken over" };
  if (spec.path.endsWith("/exchange/:method")) return {};
  return spec.method === "post" ? {} : undefined;
};

describe.each(storeKinds())("user A / user B over every route with an id, on $name", (kind) => {
  let h: HttpHarness;
  const owner = "user_matrix_owner";
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHttpHarness(kind, { rateLimit: { sensitive: { limit: 10_000, windowMs: 60_000 }, perUser: { limit: 10_000, windowMs: 60_000 }, proxy: { limit: 10_000, windowMs: 60_000 } } });
    const apiKey = `MATRIXKEY${"0".repeat(30)}`;
    h.exchange.addAccount({ apiKey, secret: "matrix-secret", balances: { USDT: { free: "7", locked: "0" } } });
    const ctx = { userId: owner };
    ids.credentials = (await h.walletAuth.credentials.create(ctx, { exchange: "binance", label: "owner's", apiKey, secret: "matrix-secret" })).id;
    const account = privateKeyToAccount(generatePrivateKey());
    const challenge = await h.walletAuth.wallets.challenge(ctx, { address: account.address, chainId: "eip155:1" });
    ids.wallets = (await h.walletAuth.wallets.verifyAndLink(ctx, { message: challenge.message, signature: await account.signMessage({ message: challenge.message }) })).id;
    ids.tokens = (await h.walletAuth.tokens.create(ctx, { label: "owner's bot", scopes: ["credentials:read"] })).view.id;
    ids.alerts = (await h.walletAuth.alerts.raise({ userId: owner, kind: "access.new_ip", severity: "medium" })).alert.id;
  });
  afterAll(() => h?.close());

  const request = async (token: string, method: string, path: string, body: unknown) => {
    const r = await fetch(`${h.base}${path}`, {
      method: method.toUpperCase(),
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, code: (JSON.parse(text || "null") as { error?: { code?: string } } | null)?.error?.code ?? null, text };
  };
  const ownerView = async () => {
    const token = await h.token(owner);
    const read = async (path: string) => (await request(token, "get", path, undefined)).text;
    // lastUsedAt moves with the owner's own reads; everything else must stay as it was.
    return (await Promise.all(["/v1/credentials", "/v1/wallets", "/v1/tokens", "/v1/alerts"].map(read))).map((t) => t.replace(/"lastUsedAt":"[^"]*"/g, ""));
  };

  it("answers user B exactly as for a missing id on every such route, and leaves user A's data as it was", async () => {
    expect(withId.length).toBeGreaterThanOrEqual(15);
    const before = await ownerView();
    const intruder = await h.token("user_matrix_intruder");
    const results: string[] = [];
    for (const spec of withId) {
      const resource = spec.path.split("/")[2]!;
      const id = ids[resource];
      expect(id, `an owned ${resource} for ${spec.method} ${spec.path}`).toBeDefined();
      const path = (value: string) => spec.path.replace(":id", value).replace(":method", "fetchBalance");
      const foreign = await request(intruder, spec.method, path(id!), bodyFor(spec));
      const missing = await request(intruder, spec.method, path(MISSING), bodyFor(spec));
      const where = `${spec.method.toUpperCase()} ${spec.path}`;
      expect([foreign.status, foreign.code], where).toEqual([missing.status, missing.code]);
      expect(foreign.text, where).not.toContain(id);
      expect(foreign.text, where).not.toContain(owner);
      expect(foreign.status, where).toBe(404);
      results.push(`${where} ${foreign.status}`);
    }
    console.log(`[cross-user] ${results.length} routes with an id, each 404 for another user's id as for a missing one`);
    expect(await ownerView()).toEqual(before);
  });
});
