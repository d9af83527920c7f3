import { createHash } from "node:crypto";
import { Redacted, botTokenKeysFromAuditKey, defaultTradePolicy, hashBotToken } from "@wallet-auth/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpHarness, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

const SECRET = "bot-CANARY-exchange-secret-91c2";

describe.each(storeKinds())("bot access tokens and the exchange proxy on $name", (kind) => {
  let h: HttpHarness;
  let credentialId = "";
  let otherCredentialId = "";
  const seen: string[] = [];

  async function call(method: string, path: string, token: string, body?: unknown) {
    const res = await fetch(`${h.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    seen.push(text, JSON.stringify([...res.headers]));
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as any) : null };
  }

  beforeAll(async () => {
    h = await startHttpHarness(kind);
    for (const [apiKey, label] of [["BOTKEY00000000000000000000000001", "trading"], ["BOTKEY00000000000000000000000002", "other"]] as const) {
      h.exchange.addAccount({ apiKey, secret: SECRET, permissions: { enableSpotAndMarginTrading: true }, balances: { BTC: { free: "1", locked: "0" }, USDT: { free: "5000", locked: "0" } } });
      const created = await call("POST", "/v1/credentials", await h.token("user_bot_owner"), { exchange: "binance", label, apiKey, secret: SECRET });
      expect(created.status).toBe(201);
      if (label === "trading") credentialId = created.body.id;
      else otherCredentialId = created.body.id;
    }
  }, 180_000); // PGlite start-up passed a minute with two workers under load 20
  afterAll(async () => {
    await h?.close();
  });

  const mint = async (body: Record<string, unknown>) => call("POST", "/v1/tokens", await h.token("user_bot_owner"), body);

  it("creates a token only after a recent verification, shows it once and lists only its prefix", async () => {
    const stale = await call("POST", "/v1/tokens", await h.token("user_bot_owner", { stale: true }), { label: "bot", scopes: ["credentials:read"] });
    expect(stale.status).toBe(403);
    expect(stale.body.clerk_error.reason).toBe("reverification-error");
    const created = await mint({ label: "reader", scopes: ["credentials:read"], expiresInDays: 30 });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^wab_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.body.view.prefix).toBe(created.body.token.slice(0, 12));
    const list = await call("GET", "/v1/tokens", await h.token("user_bot_owner"));
    const listed = JSON.stringify(list.body);
    expect(listed).toContain(created.body.view.prefix);
    expect(listed).not.toContain(created.body.token);
    expect(listed).not.toContain(createHash("sha256").update(created.body.token).digest("hex"));
    expect((await mint({ label: "too long", scopes: ["credentials:read"], expiresInDays: 366 })).status).toBe(400);
    expect((await mint({ label: "no creds", scopes: ["exchange:read"] })).status).toBe(400);
  });

  it("lets a token do only what its scopes say, and never create tokens, erase or administer", async () => {
    const reader = (await mint({ label: "reader", scopes: ["credentials:read"] })).body.token as string;
    expect((await call("GET", "/v1/credentials", reader)).status).toBe(200);
    expect((await call("GET", "/v1/me", reader)).body.userId).toBe("user_bot_owner");
    expect((await call("GET", `/v1/credentials/${credentialId}/balances`, reader)).status).toBe(403);
    expect((await call("GET", "/v1/audit", reader)).status).toBe(403);
    expect((await call("POST", "/v1/credentials", reader, { exchange: "binance", label: "x", apiKey: "K".repeat(20), secret: "s" })).status).toBe(403);
    expect((await call("POST", "/v1/tokens", reader, { label: "child", scopes: ["credentials:read"] })).status).toBe(403);
    expect((await call("GET", "/v1/tokens", reader)).status).toBe(403);
    expect((await call("DELETE", "/v1/privacy/account", reader, { confirm: "ERASE MY ACCOUNT" })).status).toBe(403);
    expect((await call("GET", "/v1/privacy/export", reader)).status).toBe(403);
    expect((await call("POST", `/v1/credentials/${credentialId}/disable`, reader)).status).toBe(403);
  });

  it("places, lists and cancels an order through the proxy with a trade token; the secret never leaves the server", async () => {
    const readOnly = (await mint({ label: "ro", scopes: ["exchange:read"], credentialIds: [credentialId] })).body.token as string;
    const trader = (await mint({ label: "trader", scopes: ["exchange:read", "exchange:trade"], credentialIds: [credentialId] })).body.token as string;
    const balance = await call("POST", `/v1/credentials/${credentialId}/exchange/fetchBalance`, readOnly, {});
    expect(balance.status).toBe(200);
    expect(Number(balance.body.total.BTC)).toBe(1);
    const ticker = await call("POST", `/v1/credentials/${credentialId}/exchange/fetchTicker`, readOnly, { args: { symbol: "BTC/USDT" } });
    expect(Number(ticker.body.last)).toBe(50000);

    const order = { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.01", price: "40000" };
    expect((await call("POST", `/v1/credentials/${credentialId}/exchange/createOrder`, readOnly, { args: order })).status).toBe(403);
    // The credential's default trade policy refuses it (20% under the last price) before it reaches the venue, naming the rule...
    const refusedByPolicy = await call("POST", `/v1/credentials/${credentialId}/exchange/createOrder`, trader, { args: order });
    expect([refusedByPolicy.status, refusedByPolicy.body.error.code, refusedByPolicy.body.error.rule]).toEqual([403, "POLICY_DENIED", "price_band"]);
    expect(h.exchange.orders()).toHaveLength(0);
    // ...until its owner widens the policy (a step-up action over HTTP).
    await h.walletAuth.policies.put({ userId: "user_bot_owner" }, { type: "credential", id: credentialId }, { ...defaultTradePolicy(), priceBandPercent: null, maxOrderNotional: "1000" }, { stepUpVerified: true });
    const placed = await call("POST", `/v1/credentials/${credentialId}/exchange/createOrder`, trader, { args: order });
    expect(placed.status).toBe(200);
    expect(placed.body).toMatchObject({ symbol: "BTC/USDT", side: "buy", type: "limit", status: "open" });
    expect([Number(placed.body.amount), Number(placed.body.price)]).toEqual([0.01, 40000]);
    const open = await call("POST", `/v1/credentials/${credentialId}/exchange/fetchOpenOrders`, trader, { args: { symbol: "BTC/USDT" } });
    expect(open.body.map((o: { id: string }) => o.id)).toEqual([placed.body.id]);
    const canceled = await call("POST", `/v1/credentials/${credentialId}/exchange/cancelOrder`, trader, { args: { id: placed.body.id, symbol: "BTC/USDT" } });
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe("canceled");

    // Off the allowlist, another credential, malformed arguments.
    for (const method of ["withdraw", "transfer", "fetchDepositAddress", "privatePostSapiV1AssetTransfer", "constructor"]) {
      expect((await call("POST", `/v1/credentials/${credentialId}/exchange/${method}`, trader, { args: {} })).status, method).toBe(403);
    }
    expect((await call("POST", `/v1/credentials/${otherCredentialId}/exchange/fetchBalance`, trader, {})).status).toBe(403);
    expect((await call("POST", `/v1/credentials/${credentialId}/exchange/createOrder`, trader, { args: { ...order, amount: "-1" } })).status).toBe(400);
    expect((await call("POST", `/v1/credentials/${credentialId}/exchange/createOrder`, trader, { args: { ...order, apiKey: "x" } })).status).toBe(400);

    // A person can use the proxy too, and it refuses withdrawals for them as well.
    expect((await call("POST", `/v1/credentials/${credentialId}/exchange/withdraw`, await h.token("user_bot_owner"), { args: {} })).status).toBe(403);

    // Audited with method and symbol only.
    const audit = await call("GET", "/v1/audit?action=exchange.proxy&limit=50", await h.token("user_bot_owner"));
    const placedEvent = audit.body.items.find((e: { details: { method?: string } }) => e.details?.method === "createOrder");
    expect(placedEvent.details).toMatchObject({ method: "createOrder", symbol: "BTC/USDT" });
    expect(JSON.stringify(audit.body)).not.toContain("40000");
    expect(placedEvent.actorId).toMatch(/^token:/);
  });

  it("refuses a revoked or expired token with the same 401 as an unknown one", async () => {
    const created = (await mint({ label: "short", scopes: ["credentials:read"] })).body;
    expect((await call("GET", "/v1/credentials", created.token)).status).toBe(200);
    expect((await call("DELETE", `/v1/tokens/${created.view.id}`, await h.token("user_someone_else"))).status).toBe(404);
    expect((await call("DELETE", `/v1/tokens/${created.view.id}`, await h.token("user_bot_owner"))).status).toBe(200);
    const revoked = await call("GET", "/v1/credentials", created.token);
    expect(revoked.status).toBe(401);

    const expiredToken = `wab_expired0_${"A".repeat(43)}`;
    const now = Date.now();
    await h.walletAuth.store.botTokens.insert({
      id: "00000000-0000-4000-8000-00000000e0e0",
      userId: "user_bot_owner",
      label: "old",
      prefix: "wab_expired0",
      // Keyed as the service keys it (the harness sets no tokenKeys: derived from its audit key, 32 x 3).
      ...hashBotToken(botTokenKeysFromAuditKey(Redacted.make(new Uint8Array(32).fill(3))), expiredToken),
      scopes: ["credentials:read"],
      credentialIds: [],
      createdAt: new Date(now - 100 * 86_400_000),
      expiresAt: new Date(now - 86_400_000),
      lastUsedAt: null,
      revokedAt: null,
    });
    const expired = await call("GET", "/v1/credentials", expiredToken);
    const unknown = await call("GET", "/v1/credentials", `wab_unknown0_${"B".repeat(43)}`);
    expect([expired.status, unknown.status]).toEqual([401, 401]);
    expect(expired.body.error.code).toBe(unknown.body.error.code);
    expect(h.authFailures).toContain("bot-token-invalid");

    // The caller learns nothing, but the owner is told: the refused uses hashed to their tokens.
    await h.walletAuth.detectors.idle();
    const alerts = await call("GET", "/v1/alerts", await h.token("user_bot_owner"));
    const kinds = (alerts.body.items as { kind: string; details: Record<string, unknown> }[]).filter((a) => a.kind.startsWith("token."));
    expect(kinds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "token.revoked_use", details: { botId: created.view.id } }),
        expect.objectContaining({ kind: "token.expired_use", details: { botId: "00000000-0000-4000-8000-00000000e0e0" } }),
      ]),
    );
    expect(kinds).toHaveLength(2);
  });

  it("passes an exchange's Retry-After on and sends it nothing for anyone until then", async () => {
    const reader = (await mint({ label: "rl", scopes: ["exchange:read"], credentialIds: [credentialId] })).body.token as string;
    const path = `/v1/credentials/${credentialId}/exchange/fetchBalance`;
    h.exchange.setMode("rate-limited");
    try {
      const limited = await call("POST", path, reader, {});
      expect([limited.status, limited.body.error.code, limited.headers.get("retry-after")]).toEqual([503, "EXCHANGE_RATE_LIMITED", "1"]);
    } finally {
      h.exchange.setMode("ok");
    }
    // The exchange would answer again, but asked for a second: the owner's own session waits too.
    h.exchange.resetCounts();
    const waiting = await call("POST", path, await h.token("user_bot_owner"), {});
    expect([waiting.status, waiting.headers.get("retry-after")]).toEqual([503, "1"]);
    expect(h.exchange.requestCount()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await call("POST", path, reader, {})).status).toBe(200);
  });

  it("leaks no exchange secret in any response", () => {
    expect(seen.join("\n")).not.toContain(SECRET);
    expect([...h.logger.lines].join("\n")).not.toContain(SECRET);
  });
});
