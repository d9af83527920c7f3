/**
 * Clerk API keys and OAuth access tokens (`clerk.acceptsToken`), verified by `@clerk/backend`
 * against a loopback stand-in of Clerk's Backend API that speaks its protocol
 * (`POST /api_keys/verify`, `POST /oauth_applications/access_tokens/verify`, Bearer secret
 * key, Clerk's JSON objects and error bodies). Clerk's real service is not reachable here; what
 * its answers mean for the API is what this proves.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createWalletAuth, KeyRing, Redacted } from "@wallet-auth/core";
import { createMemoryStore } from "@wallet-auth/core/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWalletAuthRouter } from "./createWalletAuthRouter.js";
import { type HttpHarness, ORIGIN, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

const SECRET_KEY = "sk_test_loopback_clerk_backend";
const now = Date.now();

interface StandIn {
  origin: string;
  requests: { path: string; authorization: string | undefined; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** Clerk's Backend API for the two verify endpoints, with a fixed set of keys and tokens. */
async function startClerkStandIn(known: Record<string, Record<string, unknown>>): Promise<StandIn> {
  const requests: StandIn["requests"] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
    req.on("end", () => {
      const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
      requests.push({ path: req.url ?? "", authorization: req.headers.authorization, body });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(json));
      };
      if (req.headers.authorization !== `Bearer ${SECRET_KEY}`) return send(401, { errors: [{ code: "authentication_invalid", message: "Invalid secret key", long_message: "The provided secret key is invalid." }] });
      // The SDK calls these machine endpoints without the /v1 version segment; accept both.
      const path = (req.url ?? "").replace(/^\/v1(?=\/)/, "");
      const secret = path === "/api_keys/verify" ? body.secret : path === "/oauth_applications/access_tokens/verify" ? body.access_token : undefined;
      const found = typeof secret === "string" ? known[secret] : undefined;
      if (found === undefined) return send(404, { errors: [{ code: "resource_not_found", message: "not found", long_message: `Clerk says no to ${String(secret)}` }] });
      send(200, found);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const apiKey = (secret: string, subject: string, scopes: string[], extra: Record<string, unknown> = {}) => ({
  [secret]: {
    object: "api_key",
    id: `ak_id_${secret.slice(-6)}`,
    type: "api_key",
    name: "trading bot",
    subject,
    scopes,
    claims: null,
    revoked: false,
    revocation_reason: null,
    expired: false,
    expiration: null,
    created_by: subject,
    description: null,
    last_used_at: null,
    created_at: now,
    updated_at: now,
    ...extra,
  },
});

const KEYS = {
  reader: "ak_reader_0123456789abcdef",
  orgKey: "ak_orgowned_0123456789abcd",
  revoked: "ak_revoked_0123456789abcde",
  trader: "ak_trader_0123456789abcdef",
  oauth: "oat_bot_0123456789abcdefgh",
  unknown: "ak_nobody_0123456789abcdef",
  m2m: "mt_machine_0123456789abcde",
};

describe.each(storeKinds().slice(0, 1))("Clerk machine tokens on %s", (kind) => {
  let clerk: StandIn;
  let h: HttpHarness;
  let open: HttpHarness;
  let credentialId: string;
  const userA = "user_machine_a";

  beforeAll(async () => {
    const known: Record<string, Record<string, unknown>> = {};
    clerk = await startClerkStandIn(known);
    h = await startHttpHarness(kind, { clerk: { acceptsToken: ["session_token", "api_key", "oauth_token"], secretKey: SECRET_KEY, apiUrl: clerk.origin } });
    open = await startHttpHarness(kind);
    const exchangeKey = `MACHINE${"A".repeat(40)}`;
    h.exchange.addAccount({ apiKey: exchangeKey, secret: "machine-secret", balances: { USDT: { free: "5", locked: "0" } } });
    credentialId = (await h.walletAuth.credentials.create({ userId: userA }, { exchange: "binance", label: "main", apiKey: exchangeKey, secret: "machine-secret" })).id;
    Object.assign(known, {
      ...apiKey(KEYS.reader, userA, ["credentials:read", "profile:read"]),
      ...apiKey(KEYS.orgKey, "org_2abc", ["credentials:read"]),
      ...apiKey(KEYS.revoked, userA, ["credentials:read"], { revoked: true, revocation_reason: "leaked" }),
      ...apiKey(KEYS.trader, userA, ["exchange:read"], { claims: { credentialIds: [credentialId] } }),
      [KEYS.oauth]: {
        object: "clerk_idp_oauth_access_token",
        id: "oat_id_1",
        client_id: "client_1",
        type: "oauth_token",
        subject: userA,
        scopes: ["balances:read"],
        revoked: false,
        revocation_reason: null,
        expired: false,
        expiration: null,
        created_at: now,
        updated_at: now,
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await open.close();
    await clerk.close();
  });

  const call = async (base: string, token: string, method = "GET", path = "/v1/credentials") => {
    const r = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, origin: ORIGIN, ...(method === "POST" ? { "content-type": "application/json" } : {}) }, ...(method === "POST" ? { body: "{}" } : {}) });
    return { status: r.status, text: await r.text() };
  };

  it("a Clerk API key of a user reaches the routes its scopes name, as that user, verified by Clerk's API with the secret key", async () => {
    const list = await call(h.base, KEYS.reader);
    expect(list.status).toBe(200);
    expect(JSON.parse(list.text).map((c: { id: string }) => c.id)).toEqual([credentialId]);
    expect(clerk.requests.at(-1)).toMatchObject({ path: expect.stringMatching(/\/api_keys\/verify$/), authorization: `Bearer ${SECRET_KEY}`, body: { secret: KEYS.reader } });
    // Scopes it lacks, and the routes no bot may use, are 403 (a Clerk scope this API does not know grants nothing).
    expect((await call(h.base, KEYS.reader, "GET", "/v1/audit")).status).toBe(403);
    expect((await call(h.base, KEYS.reader, "POST", "/v1/tokens")).status).toBe(403);
    expect((await call(h.base, KEYS.reader, "GET", "/v1/privacy/export")).status).toBe(403);
  });

  it("the exchange proxy takes a Clerk API key only for the credentials its claims name", async () => {
    const proxied = await call(h.base, KEYS.trader, "POST", `/v1/credentials/${credentialId}/exchange/fetchBalance`);
    expect(proxied.status).toBe(200);
    expect((await call(h.base, KEYS.reader, "POST", `/v1/credentials/${credentialId}/exchange/fetchBalance`)).status).toBe(403);
  });

  it("an OAuth access token is verified at Clerk's OAuth endpoint and holds its scopes", async () => {
    expect((await call(h.base, KEYS.oauth, "GET", `/v1/credentials/${credentialId}/balances`)).status).toBe(200);
    expect(clerk.requests.at(-1)).toMatchObject({ path: expect.stringMatching(/\/oauth_applications\/access_tokens\/verify$/), body: { access_token: KEYS.oauth } });
    expect((await call(h.base, KEYS.oauth)).status).toBe(403);
  });

  it("unknown, revoked, organisation-owned and M2M tokens get the one 401 body; Clerk's words and the token never show", async () => {
    const bad = await call(h.base, "not-a-token-at-all");
    for (const token of [KEYS.unknown, KEYS.revoked, KEYS.orgKey, KEYS.m2m]) {
      const r = await call(h.base, token);
      expect(r.status, token).toBe(401);
      expect(JSON.parse(r.text).error.code).toBe("UNAUTHENTICATED");
      expect(JSON.parse(r.text).error.message).toBe(JSON.parse(bad.text).error.message);
      expect(r.text).not.toContain("Clerk says");
      expect(r.text).not.toContain(token);
    }
    expect(h.authFailures).toEqual(expect.arrayContaining(["machine-token-invalid", "machine-token-no-user", "machine-token-not-accepted"]));
    expect(h.logger.lines.join("\n")).not.toContain(KEYS.unknown);
  });

  it("a router that does not accept machine tokens refuses them without calling Clerk", async () => {
    const before = clerk.requests.length;
    const r = await call(open.base, KEYS.reader);
    expect(r.status).toBe(401);
    expect(open.authFailures).toContain("machine-token-not-accepted");
    expect(clerk.requests.length).toBe(before);
  });

  it("start-up refuses m2m_token (acts for no user) and machine tokens without a secret key, naming the field", () => {
    const walletAuth = createWalletAuth({
      store: createMemoryStore(),
      keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: new Uint8Array(32).fill(1) }], primaryKeyId: "k1" }),
      secrets: { fingerprintKey: Redacted.make(new Uint8Array(32).fill(2)), auditKey: Redacted.make(new Uint8Array(32).fill(3)) },
      siwe: { domain: "app.wallet-auth.test", uri: ORIGIN, chainIds: ["eip155:1"] },
    });
    const base = { jwtKey: h.keys.publicKeyPem, authorizedParties: [ORIGIN] };
    expect(() => createWalletAuthRouter(walletAuth, { clerk: { ...base, acceptsToken: ["m2m_token" as "api_key"], secretKey: SECRET_KEY }, allowedOrigins: [ORIGIN] })).toThrow(/clerk\.acceptsToken/);
    expect(() => createWalletAuthRouter(walletAuth, { clerk: { ...base, acceptsToken: ["api_key"] }, allowedOrigins: [ORIGIN] })).toThrow(/clerk\.secretKey/);
  });
});
