import { mintForgedTokens, mintSessionToken, createClerkTestKeys } from "@wallet-auth/testing/clerk";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { RouteSpec } from "./routeSpec.js";
import { accountRoutes } from "./routes/accountRoutes.js";
import { botRoutes } from "./routes/botRoutes.js";
import { credentialRoutes } from "./routes/credentialRoutes.js";
import type { RouteDeps } from "./routes/deps.js";
import { walletRoutes } from "./routes/walletRoutes.js";
import { errorBodySchema } from "./schemas.js";
import { type HttpHarness, ORIGIN, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

// The route specs the OpenAPI document is generated from: every real response below is checked
// against its route's declared response schema (and every error against the error body).
const specs: RouteSpec[] = (() => {
  const deps = { walletAuth: { tokens: {}, exchangeProxy: {} } } as unknown as RouteDeps;
  return [...credentialRoutes(deps), ...walletRoutes(deps), ...accountRoutes(deps), ...botRoutes(deps)];
})();
const specFor = (method: string, path: string) =>
  specs.find((s) => s.method === method.toLowerCase() && new RegExp(`^/api${s.path.replace(/:[A-Za-z]+/g, "[^/]+")}$`).test(path));
let checkedResponses = 0;

const SECRET = "s3cr3t-CANARY-do-not-leak-7f1e2d";
const API_KEY = "CANARYAPIKEY0000000000000001";

interface Call {
  status: number;
  body: any;
  headers: Headers;
  text: string;
}

describe.each(storeKinds())("HTTP API on $name", (kind) => {
  let h: HttpHarness;
  const seen: string[] = [];

  async function call(method: string, path: string, options: { token?: string | null; body?: unknown; headers?: Record<string, string>; raw?: string } = {}): Promise<Call> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    const res = await fetch(`${h.base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    seen.push(text, JSON.stringify([...res.headers]));
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    const spec = specFor(method, new URL(`${h.base}${path}`).pathname);
    if (res.status >= 400 && res.headers.get("content-type")?.includes("json")) {
      expect(errorBodySchema.safeParse(parsed).success, `${method} ${path} error body`).toBe(true);
      checkedResponses++;
    } else if (spec && res.status < 300 && spec.response !== null && spec.response !== "stream") {
      const checked = (spec.response as z.ZodType).safeParse(parsed);
      expect(checked.success, `${method} ${path} matches its documented response`).toBe(true);
      checkedResponses++;
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  }

  beforeAll(async () => {
    h = await startHttpHarness(kind, { rateLimit: { sensitive: { limit: 1000, windowMs: 60_000 } } });
    h.exchange.addAccount({ apiKey: API_KEY, secret: SECRET, balances: { BTC: { free: "0.5", locked: "0.1" }, USDT: { free: "100", locked: "0" } } });
  }, 180_000); // PGlite start-up passed a minute with two workers under load 20
  afterAll(async () => {
    await h?.close();
  });

  let accounts = 0;
  /** A fresh exchange account (one API key is stored once across all users), same canary secret. */
  const newApiKey = () => {
    const apiKey = `${API_KEY}${String(++accounts).padStart(4, "0")}`;
    h.exchange.addAccount({ apiKey, secret: SECRET, balances: { BTC: { free: "0.5", locked: "0.1" }, USDT: { free: "100", locked: "0" } } });
    return apiKey;
  };
  const create = async (userId: string, token?: string) =>
    call("POST", "/v1/credentials", { token: token ?? (await h.token(userId)), body: { exchange: "binance", label: "main", apiKey: newApiKey(), secret: SECRET } });

  it("answers every bad session token with the same 401 body and audits the reason", async () => {
    const other = createClerkTestKeys();
    const forged = await mintForgedTokens(h.keys, "user_a", ORIGIN);
    const bad: Record<string, string> = {
      expired: await mintSessionToken(h.keys, { userId: "user_a", azp: ORIGIN, expiresInS: -120 }),
      notYetValid: await mintSessionToken(h.keys, { userId: "user_a", azp: ORIGIN, notBeforeS: 600, expiresInS: 900 }),
      wrongSignature: await mintSessionToken(h.keys, { userId: "user_a", azp: ORIGIN, signWith: other.privateKey }),
      wrongAzp: await mintSessionToken(h.keys, { userId: "user_a", azp: "https://evil.example" }),
      wrongIss: await mintSessionToken(h.keys, { userId: "user_a", azp: ORIGIN, iss: "https://evil.example" }),
      algNone: forged.algNone,
      hs256WithPublicKey: forged.hs256WithPublicKey,
      missingSub: await mintSessionToken(h.keys, { azp: ORIGIN }),
      garbage: "not-a-jwt",
    };
    const bodies = new Set<string>();
    const reasons: Record<string, string | undefined> = {};
    for (const [name, token] of Object.entries(bad)) {
      const before = h.authFailures.length;
      const res = await call("GET", "/v1/credentials", { token });
      expect(res.status, name).toBe(401);
      expect(res.headers.get("location"), name).toBeNull();
      expect(h.authFailures.length, name).toBe(before + 1);
      reasons[name] = h.authFailures.at(-1);
      bodies.add(JSON.stringify({ ...res.body, error: { ...res.body.error, requestId: "x" } }));
    }
    expect([...bodies]).toEqual([JSON.stringify({ error: { code: "UNAUTHENTICATED", message: "Authentication is required.", requestId: "x" } })]);
    expect(reasons).toEqual({
      expired: "token-expired",
      notYetValid: "token-not-active-yet",
      wrongSignature: "token-invalid-signature",
      wrongAzp: "token-invalid-authorized-parties",
      wrongIss: "token-invalid-issuer",
      algNone: "token-invalid-algorithm",
      hs256WithPublicKey: "token-invalid-algorithm",
      // Clerk refuses a token without `sub` itself; the router's own subject check is the second line.
      missingSub: expect.stringMatching(/^token-invalid(-subject)?$/),
      garbage: "token-invalid",
    });
    // The reason reaches the audit log (the system chain "auth"), never the response.
    const authFailures = async () => (await h.walletAuth.store.audit.listChain(h.walletAuth.audit.systemChainKeyOf("auth"), 0, 100)).filter((e) => e.action === "auth.failure");
    // Written after the response (off the request path): wait for them.
    await expect.poll(async () => (await authFailures()).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(Object.keys(bad).length);
    const failures = await authFailures();
    expect(failures.map((e) => e.details?.reason)).toContain("token-expired");
    expect(failures.every((e) => e.ipHash !== null)).toBe(true);
    expect((await call("GET", "/v1/credentials")).status).toBe(401);
  });

  it("stores a credential over HTTP without ever returning its secret, and serves its balances", async () => {
    const res = await create("user_a");
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ exchange: "binance", label: "main", status: "active", keyHint: expect.any(String) });
    expect(res.text).not.toContain(SECRET);
    const token = await h.token("user_a");
    const list = await call("GET", "/v1/credentials", { token });
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([res.body.id]);
    const balances = await call("GET", `/v1/credentials/${res.body.id}/balances`, { token });
    expect(balances.status).toBe(200);
    expect(balances.body.balances).toContainEqual(expect.objectContaining({ asset: "BTC", total: "0.6" }));
    const all = await call("GET", "/v1/balances", { token });
    expect(all.status).toBe(200);
    expect(all.body.totalUsd).toBe("30100.00");
    expect(list.headers.get("cache-control")).toBe("no-store");
    expect(list.headers.get("x-request-id")).toBeTruthy();
    expect(list.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("makes another user's credential indistinguishable from a missing one, and writes nothing", async () => {
    const mine = (await create("user_owner")).body;
    expect(mine.id).toBeTruthy();
    const before = (await call("GET", `/v1/credentials/${mine.id}`, { token: await h.token("user_owner") })).body;
    const intruder = await h.token("user_intruder");
    const probes: [string, string, unknown?][] = [
      ["GET", `/v1/credentials/${mine.id}`],
      ["PATCH", `/v1/credentials/${mine.id}`, { label: "pwned" }],
      ["DELETE", `/v1/credentials/${mine.id}`],
      ["POST", `/v1/credentials/${mine.id}/validate`],
      ["POST", `/v1/credentials/${mine.id}/disable`],
      ["POST", `/v1/credentials/${mine.id}/enable`],
      ["GET", `/v1/credentials/${mine.id}/balances`],
      ["GET", `/v1/credentials/${mine.id}/transactions`],
    ];
    for (const [method, path, body] of probes) {
      const foreign = await call(method, path, { token: intruder, ...(body !== undefined ? { body } : {}) });
      const missing = await call(method, path.replace(mine.id, "00000000-0000-4000-8000-000000000000"), { token: intruder, ...(body !== undefined ? { body } : {}) });
      expect([foreign.status, foreign.body.error?.code], `${method} ${path}`).toEqual([missing.status, missing.body.error?.code]);
      expect(foreign.status, `${method} ${path}`).toBe(404);
    }
    const after = await call("GET", `/v1/credentials/${mine.id}`, { token: await h.token("user_owner") });
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before);
  });

  it("acknowledges and resolves one's own alerts; another user's alert is not found and stays open; bots cannot", async () => {
    const { alert } = await h.walletAuth.alerts.raise({ userId: "user_alerted", kind: "access.new_ip", severity: "medium" });
    const intruder = await h.token("user_alert_intruder");
    for (const action of ["acknowledge", "resolve"]) {
      const foreign = await call("POST", `/v1/alerts/${alert.id}/${action}`, { token: intruder });
      const missing = await call("POST", `/v1/alerts/00000000-0000-4000-8000-000000000000/${action}`, { token: intruder });
      expect([foreign.status, foreign.body.error?.code]).toEqual([missing.status, missing.body.error?.code]);
      expect(foreign.status).toBe(404);
    }
    const owner = await h.token("user_alerted");
    expect((await call("GET", "/v1/alerts?status=open", { token: owner })).body.items.map((a: { id: string }) => a.id)).toEqual([alert.id]);
    const bot = await h.walletAuth.tokens.create({ userId: "user_alerted" }, { label: "ro", scopes: ["audit:read"] });
    expect((await call("POST", `/v1/alerts/${alert.id}/acknowledge`, { token: bot.token })).status).toBe(403);
    const seen = await call("POST", `/v1/alerts/${alert.id}/acknowledge`, { token: owner });
    expect([seen.status, seen.body.status]).toEqual([200, "acknowledged"]);
    const done = await call("POST", `/v1/alerts/${alert.id}/resolve`, { token: owner });
    expect([done.status, done.body.status]).toEqual([200, "resolved"]);
    expect((await call("GET", "/v1/alerts?status=open", { token: owner })).body.items).toEqual([]);
  });

  it("refuses sensitive actions on a stale session with Clerk's reverification error, then allows them", async () => {
    const stale = await h.token("user_stepup", { stale: true });
    const refused = await create("user_stepup", stale);
    expect(refused.status).toBe(403);
    expect(refused.body.clerk_error).toMatchObject({ type: "forbidden", reason: "reverification-error" });
    expect(refused.body.error.code).toBe("FORBIDDEN");
    expect((await call("GET", "/v1/credentials", { token: stale })).body).toEqual([]);
    const made = await create("user_stepup");
    expect(made.status).toBe(201);
    expect((await call("PATCH", `/v1/credentials/${made.body.id}`, { token: stale, body: { label: "renamed" } })).status).toBe(200);
    expect((await call("DELETE", `/v1/credentials/${made.body.id}`, { token: stale })).status).toBe(403);
    expect((await call("DELETE", "/v1/privacy/account", { token: stale, body: { confirm: "ERASE MY ACCOUNT" } })).status).toBe(403);
    expect((await call("DELETE", `/v1/credentials/${made.body.id}`, { token: await h.token("user_stepup") })).status).toBe(204);
  });

  it("refuses cookie-session writes without the CSRF token or from another site, and allows them with it", async () => {
    const token = await h.token("user_cookie");
    const cookie = { cookie: `__session=${token}` };
    const me = await call("GET", "/v1/me", { headers: cookie });
    expect(me.status).toBe(200);
    const csrf = me.body.csrfToken as string;
    expect(csrf).toBeTruthy();
    const body = { address: privateKeyToAccount(generatePrivateKey()).address, chainId: "eip155:1" };
    expect((await call("POST", "/v1/wallets/challenge", { headers: cookie, body })).body.error.code).toBe("CSRF_INVALID");
    expect((await call("POST", "/v1/wallets/challenge", { headers: { ...cookie, origin: "https://evil.example", "x-csrf-token": csrf }, body })).status).toBe(403);
    expect((await call("POST", "/v1/wallets/challenge", { headers: { ...cookie, origin: ORIGIN, "sec-fetch-site": "cross-site", "x-csrf-token": csrf }, body })).status).toBe(403);
    expect((await call("POST", "/v1/wallets/challenge", { headers: { ...cookie, origin: ORIGIN, "x-csrf-token": csrf }, body })).status).toBe(200);
    expect((await call("POST", "/v1/wallets/challenge", { token, body })).status).toBe(200);
  });

  it("links a wallet proven by a real signature, refuses a replay, and manages it", async () => {
    const token = await h.token("user_wallet");
    const account = privateKeyToAccount(generatePrivateKey());
    const challenge = await call("POST", "/v1/wallets/challenge", { token, body: { address: account.address, chainId: "eip155:1" } });
    expect(challenge.status).toBe(200);
    const signature = await account.signMessage({ message: challenge.body.message });
    const linked = await call("POST", "/v1/wallets", { token, body: { message: challenge.body.message, signature, label: "cold" } });
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({ address: account.address, chainId: "eip155:1", label: "cold", isPrimary: true });
    const replay = await call("POST", "/v1/wallets", { token, body: { message: challenge.body.message, signature } });
    expect(replay.status).toBe(422);
    expect(replay.body.error.code).toBe("WALLET_VERIFICATION_FAILED");
    expect((await call("PATCH", `/v1/wallets/${linked.body.id}`, { token, body: { label: "vault" } })).body.label).toBe("vault");
    // A wallet is read through the list: the path serves PATCH and DELETE only.
    expect((await call("GET", `/v1/wallets/${linked.body.id}`, { token })).status).toBe(405);
    expect((await call("DELETE", `/v1/wallets/${linked.body.id}`, { token: await h.token("user_other") })).status).toBe(404);
    expect((await call("DELETE", `/v1/wallets/${linked.body.id}`, { token })).status).toBe(204);
    expect((await call("GET", "/v1/wallets", { token })).body).toEqual([]);
  });

  it("reads, verifies and exports the audit log as a named download", async () => {
    const token = await h.token("user_a");
    const page = await call("GET", "/v1/audit?limit=5", { token });
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    expect(page.body.items.map((e: { action: string }) => e.action)).toContain("credential.create");
    expect((await call("GET", "/v1/audit/verify", { token })).body).toMatchObject({ ok: true });
    const csv = await fetch(`${h.base}/v1/audit/export?format=csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="[^"]+\.csv"$/);
    const text = await csv.text();
    seen.push(text);
    expect(text.split("\n")[0]).toContain("action");
    expect(text).toContain("credential.create");
  });

  it("refuses malformed, oversized, mistyped and unknown input with a generic 400", async () => {
    const token = await h.token("user_input");
    const cases: [string, string, Parameters<typeof call>[2]][] = [
      ["POST", "/v1/credentials", { token, raw: "{not json", headers: { "content-type": "application/json" } }],
      ["POST", "/v1/credentials", { token, raw: "exchange=binance", headers: { "content-type": "application/x-www-form-urlencoded" } }],
      ["POST", "/v1/credentials", { token, body: { exchange: "binance", label: "x", apiKey: API_KEY, secret: SECRET, [SECRET]: 1 } }],
      ["POST", "/v1/credentials", { token, body: { exchange: ["binance"], label: "x", apiKey: API_KEY, secret: SECRET } }],
      ["POST", "/v1/credentials", { token, body: { exchange: "binance", label: "a\u202Eb", apiKey: API_KEY, secret: SECRET } }],
      ["POST", "/v1/credentials", { token, body: { exchange: "binance", label: "x".repeat(100_000), apiKey: API_KEY, secret: SECRET } }],
      ["GET", "/v1/credentials/a%00b", { token }],
      ["GET", "/v1/audit?limit=abc", { token }],
      ["GET", "/v1/audit?limit=5&limit=6", { token }],
      ["GET", "/v1/audit?unknown=1", { token }],
      ["DELETE", "/v1/privacy/account", { token, body: { confirm: "yes" } }],
    ];
    for (const [method, path, options] of cases) {
      const res = await call(method, path, options);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body.error.code).toBe("INVALID_INPUT");
      expect(res.text).not.toMatch(/at .*\.(ts|js):\d+|SELECT|INSERT|ZodError|SyntaxError/);
      expect(res.text).not.toContain(SECRET);
    }
    expect((await call("GET", "/v1/nope", { token })).status).toBe(404);
  });

  it("erases the account after the confirmation phrase; nothing of it is served afterwards", async () => {
    const token = await h.token("user_erase");
    await create("user_erase").catch(() => undefined);
    const erased = await call("DELETE", "/v1/privacy/account", { token, body: { confirm: "ERASE MY ACCOUNT" } });
    expect(erased.status).toBe(200);
    expect((await call("GET", "/v1/credentials", { token })).body).toEqual([]);
    const exported = await call("GET", "/v1/privacy/export", { token });
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-disposition")).toContain("attachment");
  });

  it("limits admin routes to admins", async () => {
    expect((await call("GET", "/v1/admin/keys", { token: await h.token("user_a") })).status).toBe(403);
    const admin = await call("GET", "/v1/admin/keys", { token: await h.token("user_admin", { claims: { metadata: { role: "admin" } } }) });
    expect(admin.status).toBe(200);
    expect(admin.body.primaryKeyId).toBe("k1");
  });

  it("serves an OpenAPI 3.1 document covering every route", async () => {
    const doc = await call("GET", "/openapi.json");
    expect(doc.body.openapi).toBe("3.1.0");
    const paths = Object.keys(doc.body.paths);
    for (const p of ["/v1/credentials", "/v1/credentials/{id}", "/v1/wallets/challenge", "/v1/balances/history", "/v1/audit/export", "/v1/privacy/account", "/v1/admin/rotation"]) expect(paths).toContain(p);
    expect(doc.body.components.securitySchemes.clerkSession).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.body.components.schemas.ErrorBody).toBeTruthy();
  });

  it("checked the suite's real responses against the documented schemas", () => {
    expect(checkedResponses).toBeGreaterThan(50);
  });

  it("leaks no planted secret or session token in any response or log line", () => {
    const haystack = [...seen, ...h.logger.lines].join("\n");
    expect(haystack).not.toContain(SECRET);
    expect(haystack).not.toContain(Buffer.from(SECRET).toString("base64"));
    expect(haystack).not.toContain(Buffer.from(SECRET).toString("hex"));
    expect(haystack).not.toContain(h.keys.privateKeyPem.split("\n")[1]!);
  });
});
