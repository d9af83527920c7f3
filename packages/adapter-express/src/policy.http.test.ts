/**
 * Trade policies over HTTP: `GET|PUT /v1/credentials/:id/policy` (and a token's), on every store
 * kind. Widening needs a recent verification (the same 403 reverification body as every step-up
 * route), narrowing does not; a malformed policy is 400 naming the field and changes nothing.
 */
import { defaultTradePolicy } from "@wallet-auth/core";
import { createWalletAuthClient } from "@wallet-auth/core/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tradePolicyViewSchema } from "./routes/policyRoutes.js";
import { type HttpHarness, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

const SECRET = "policy-http-secret-0001";

describe.each(storeKinds())("trade policy routes on $name", (kind) => {
  let h: HttpHarness;
  let credentialId: string;

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${h.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    h = await startHttpHarness(kind, { rateLimit: { sensitive: { limit: 1000, windowMs: 60_000 } } });
    h.exchange.addAccount({ apiKey: "POLICYHTTPKEY000000000001", secret: SECRET, balances: { USDT: { free: "100", locked: "0" } } });
    credentialId = (await h.walletAuth.credentials.create({ userId: "user_p" }, { exchange: "binance", label: "main", apiKey: "POLICYHTTPKEY000000000001", secret: SECRET })).id;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("shows the default, narrows on a stale session, refuses to widen until the session is verified again", async () => {
    const stale = await h.token("user_p", { stale: true });
    const path = `/v1/credentials/${credentialId}/policy`;
    const initial = await call("GET", path, stale);
    expect(initial).toMatchObject({ status: 200, body: { source: "default", version: 0, updatedAt: null, policy: defaultTradePolicy() } });
    expect(tradePolicyViewSchema.safeParse(initial.body).success).toBe(true);

    const narrowed = await call("PUT", path, stale, { ...defaultTradePolicy(), symbols: ["BTC/USDT"], maxOrderNotional: "50" });
    expect(narrowed).toMatchObject({ status: 200, body: { source: "stored", version: 1, policy: { symbols: ["BTC/USDT"], maxOrderNotional: "50" } } });
    expect(tradePolicyViewSchema.safeParse(narrowed.body).success).toBe(true);

    const wide = { ...defaultTradePolicy(), symbols: "*", maxOrderNotional: "5000" };
    const refused = await call("PUT", path, stale, wide);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("FORBIDDEN");
    expect(refused.body.clerk_error).toMatchObject({ type: "forbidden", reason: "reverification-error" });
    expect((await call("GET", path, stale)).body).toMatchObject({ version: 1, policy: { maxOrderNotional: "50" } });

    const widened = await call("PUT", path, await h.token("user_p"), wide);
    expect(widened).toMatchObject({ status: 200, body: { version: 2, policy: { symbols: "*", maxOrderNotional: "5000" } } });
    const audited = await h.walletAuth.store.audit.query({ subjectUserId: "user_p", action: "policy.update" });
    expect(audited.items.map((e) => e.details)).toEqual([
      { version: 2, widened: "maxOrderNotional symbols", stepUp: true },
      { version: 1, widened: null, stepUp: false },
    ]);
  });

  it("documents both routes in the OpenAPI document, with the policy schema", async () => {
    const doc = (await call("GET", "/openapi.json", await h.token("user_p"))).body;
    expect(Object.keys(doc.paths["/v1/credentials/{id}/policy"] ?? {}).sort()).toEqual(["get", "put"]);
    expect(doc.components.schemas.TradePolicy).toBeDefined();
  });

  it("refuses a malformed policy with 400 naming the field, and leaves the stored one whole", async () => {
    const token = await h.token("user_p");
    const path = `/v1/credentials/${credentialId}/policy`;
    const before = (await call("GET", path, token)).body;
    for (const [patch, field] of [
      [{ window: { seconds: 0, maxNotional: "10" } }, "body.window"],
      [{ maxOrderNotional: "0" }, "body.maxOrderNotional"],
      [{ sides: [] }, "body.sides"],
      [{ minOrderNotional: "500", maxOrderNotional: "100" }, "body.minOrderNotional"],
    ] as const) {
      const res = await call("PUT", path, token, { ...defaultTradePolicy(), ...patch });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "INVALID_INPUT", fields: [field] });
    }
    const { window: _omitted, ...partial } = defaultTradePolicy();
    expect((await call("PUT", path, token, partial)).body.error.fields).toEqual(["body.window"]);
    expect((await call("GET", path, token)).body).toEqual(before);
  });

  it("a bot token may read its credential's policy but never write it; another user's credential is not found", async () => {
    const bot = await h.walletAuth.tokens.create({ userId: "user_p" }, { label: "bot", scopes: ["credentials:read", "exchange:trade"], credentialIds: [credentialId] });
    const path = `/v1/credentials/${credentialId}/policy`;
    expect((await call("GET", path, bot.token)).status).toBe(200);
    expect((await call("PUT", path, bot.token, defaultTradePolicy())).status).toBe(403);
    expect((await call("GET", path, await h.token("user_other"))).status).toBe(404);
    // The token's own policy: set by its owner, only ever narrower (no step-up needed the first time).
    const tokenPath = `/v1/tokens/${bot.view.id}/policy`;
    expect((await call("GET", tokenPath, await h.token("user_p"))).body).toMatchObject({ source: "default", policy: null });
    const set = await call("PUT", tokenPath, await h.token("user_p", { stale: true }), { ...defaultTradePolicy(), sides: ["sell"] });
    expect(set).toMatchObject({ status: 200, body: { subjectType: "token", version: 1, policy: { sides: ["sell"] } } });
    expect((await call("GET", tokenPath, bot.token)).status).toBe(403);
  });

  it("through the typed client: the policy reads back, and a refused order carries its rule", async () => {
    const bot = await h.walletAuth.tokens.create({ userId: "user_p" }, { label: "client", scopes: ["credentials:read", "exchange:trade"], credentialIds: [credentialId] });
    const api = createWalletAuthClient({ baseUrl: h.base, getToken: () => bot.token });
    const view = await api.getCredentialPolicy(credentialId);
    expect(view.data?.subjectId).toBe(credentialId);
    const refused = await api.callExchange(credentialId, "createOrder", { symbol: "ETH/BTC", type: "limit", side: "buy", amount: "1", price: "0.05" });
    expect(refused.error).toMatchObject({ code: "POLICY_DENIED", rule: "quote_currency" });
    expect(refused.response.status).toBe(403);
  });
});
