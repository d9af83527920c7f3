/**
 * The router's answers to an outside review: who a rate limit counts, what a failed sign-in
 * lockout stops, how a token is read (scheme case, pending sessions, one-line PEM keys), what a
 * bad body, a wrong method or a limit answers, which options are refused at construction, and
 * which headers every response carries. Each test is named after the behaviour the old router got
 * wrong.
 */
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import { KeyRing, Redacted, createWalletAuth } from "@wallet-auth/core";
import { createMemoryStore } from "@wallet-auth/core/memory";
import { mintSessionToken } from "@wallet-auth/testing/clerk";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWalletAuthRouter, type WalletAuthRouterOptions } from "./createWalletAuthRouter.js";
import { walletAuthSecurityHeaders } from "./middleware/securityHeaders.js";
import { type HttpHarness, ORIGIN, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

const memory = storeKinds()[0]!;
const SECRET = "hardening-CANARY-secret-5b1d";

async function send(h: HttpHarness, method: string, path: string, options: { token?: string; authorization?: string; body?: unknown; headers?: Record<string, string>; raw?: Uint8Array | string } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.authorization) headers.authorization = options.authorization;
  let body: string | Uint8Array | undefined = options.raw;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const res = await fetch(`${h.base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, body: json, text };
}

/** A stored Binance credential of `userId` on the harness's loopback exchange. */
async function credentialOf(h: HttpHarness, userId: string, apiKey: string): Promise<string> {
  h.exchange.addAccount({ apiKey, secret: SECRET, balances: { BTC: { free: "1", locked: "0" } } });
  return (await h.walletAuth.credentials.create({ userId }, { exchange: "binance", label: "bot", apiKey, secret: SECRET })).id;
}

describe.each(storeKinds())("the exchange-proxy limit on $name", (kind) => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness(kind, { rateLimit: { proxy: { limit: 5, windowMs: 60_000 } } });
    // PGlite starts in 2-6 s alone, past a minute on a loaded shared machine.
  }, 180_000);
  afterAll(() => h?.close());

  it("keeps the owner's proxy calls working while an attacker floods the credential id unauthenticated and as another user", async () => {
    const id = await credentialOf(h, "user_proxy_owner", `PROXYOWNER${"0".repeat(20)}`);
    const path = `/v1/credentials/${id}/exchange/fetchBalance`;
    const intruder = await h.token("user_proxy_intruder");
    // 65 requests naming the owner's credential, in parallel: no token, a bad token, another user.
    const flood = await Promise.all([
      ...Array.from({ length: 20 }, () => send(h, "POST", path, { body: {} })),
      ...Array.from({ length: 20 }, () => send(h, "POST", path, { body: {}, authorization: "Bearer not-a-token" })),
      ...Array.from({ length: 25 }, () => send(h, "POST", path, { body: {}, token: intruder })),
    ]);
    expect(new Set(flood.slice(0, 40).map((r) => r.status))).toEqual(new Set([401]));
    expect(new Set(flood.slice(40).map((r) => r.status))).toEqual(new Set([404]));
    // The owner's budget is untouched: all 5 calls go through, in parallel, and the 6th is limited.
    const owner = await h.token("user_proxy_owner");
    const calls = await Promise.all(Array.from({ length: 5 }, () => send(h, "POST", path, { body: {}, token: owner })));
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await send(h, "POST", path, { body: {}, token: owner });
    expect([sixth.status, sixth.body.error.code]).toEqual([429, "RATE_LIMITED"]);
    expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
    // The intruder is still answered "not found", never "limited": nothing of theirs was counted there.
    expect((await send(h, "POST", path, { body: {}, token: intruder })).status).toBe(404);
  });
});

describe("the router on the memory store", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness(memory, { rateLimit: { authFailures: { limit: 3, windowMs: 60_000 }, sensitive: { limit: 1000, windowMs: 60_000 } } });
  });
  afterAll(() => h?.close());

  it("answers a gzip, deflate or br body that does not decode with 400 INVALID_INPUT and logs no error", async () => {
    const token = await h.token("user_gzip");
    const good = JSON.stringify({ address: "0x000000000000000000000000000000000000dEaD", chainId: "eip155:1" });
    for (const [encoding, pack] of [["gzip", gzipSync], ["deflate", deflateSync], ["br", brotliCompressSync]] as const) {
      const corrupt = pack(Buffer.from(good)).subarray(0, 12);
      const before = h.logger.lines.length;
      const bad = await send(h, "POST", "/v1/wallets/challenge", { token, raw: new Uint8Array(corrupt), headers: { "content-type": "application/json", "content-encoding": encoding } });
      expect([bad.status, bad.body?.error?.code], encoding).toEqual([400, "INVALID_INPUT"]);
      expect(h.logger.lines.slice(before).filter((l) => l.includes('"msg":"request failed"')), encoding).toEqual([]);
      // A body that does decode is accepted.
      const ok = await send(h, "POST", "/v1/wallets/challenge", { token, raw: new Uint8Array(pack(Buffer.from(good))), headers: { "content-type": "application/json", "content-encoding": encoding } });
      expect(ok.status, encoding).toBe(200);
    }
    // Before authentication too: no token, corrupt gzip.
    const anonymous = await send(h, "POST", "/v1/wallets/challenge", { raw: new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), headers: { "content-type": "application/json", "content-encoding": "gzip" } });
    expect(anonymous.status).toBe(400);
    const unknown = await send(h, "POST", "/v1/wallets/challenge", { token, raw: good, headers: { "content-type": "application/json", "content-encoding": "compress" } });
    expect([unknown.status, unknown.body?.error?.code]).toEqual([400, "INVALID_INPUT"]);
  });

  it("treats a session with a pending task (sts: pending) as signed out, without counting it as a failed sign-in", async () => {
    const pending = await mintSessionToken(h.keys, { userId: "user_pending", azp: ORIGIN, claims: { sts: "pending" } });
    const before = h.authFailures.length;
    const refused = await send(h, "GET", "/v1/me", { token: pending });
    expect([refused.status, refused.body.error.code]).toEqual([401, "UNAUTHENTICATED"]);
    expect(h.authFailures.slice(before)).toEqual(["session-pending"]);
    // Four of them from one IP with a limit of 3 failures: none is a failure, so none is locked out.
    for (let i = 0; i < 4; i++) expect((await send(h, "GET", "/v1/me", { token: pending })).status).toBe(401);
    const active = await mintSessionToken(h.keys, { userId: "user_pending", azp: ORIGIN, claims: { sts: "active" } });
    expect((await send(h, "GET", "/v1/me", { token: active })).status).toBe(200);
  });

  it("accepts the Authorization scheme in any case (bearer, BEARER) and counts none as a failed sign-in", async () => {
    const token = await h.token("user_scheme");
    const before = h.authFailures.length;
    for (const scheme of ["bearer", "BEARER", "Bearer", "bEaReR"]) {
      const me = await send(h, "GET", "/v1/me", { authorization: `${scheme} ${token}` });
      expect([me.status, me.body.userId], scheme).toEqual([200, "user_scheme"]);
    }
    expect(h.authFailures.slice(before)).toEqual([]);
  });

  it("accepts a pending session when treatPendingAsSignedOut is false", async () => {
    const open = await startHttpHarness(memory, { clerk: { treatPendingAsSignedOut: false } });
    try {
      const pending = await mintSessionToken(open.keys, { userId: "user_pending_ok", azp: ORIGIN, claims: { sts: "pending" } });
      expect((await send(open, "GET", "/v1/me", { token: pending })).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe("the failed-authentication limit", () => {
  it("serves a valid token from an IP past its failed sign-ins, answers failing ones 429, and says so in its headers", async () => {
    const h = await startHttpHarness(memory, { rateLimit: { authFailures: { limit: 3, windowMs: 60_000 }, perIp: { limit: 600, windowMs: 60_000 } } });
    try {
      for (let i = 0; i < 3; i++) expect((await send(h, "GET", "/v1/me", { authorization: "Bearer nope" })).status).toBe(401);
      const locked = await send(h, "GET", "/v1/me", { authorization: "Bearer nope-again" });
      expect([locked.status, locked.body.error.code]).toEqual([429, "RATE_LIMITED"]);
      const retryAfter = Number(locked.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // The headers describe the limit that refused: nothing remains, reset agrees with Retry-After.
      expect(locked.headers.get("ratelimit-policy")).toBe("3;w=60");
      expect(locked.headers.get("ratelimit")).toBe(`limit=3, remaining=0, reset=${retryAfter}`);
      // A valid session token and a valid bot token from the same IP are served.
      expect((await send(h, "GET", "/v1/me", { token: await h.token("user_locked_ip") })).status).toBe(200);
      const bot = await h.walletAuth.tokens.create({ userId: "user_locked_ip" }, { label: "b", scopes: ["credentials:read"] });
      expect((await send(h, "GET", "/v1/credentials", { token: bot.token })).status).toBe(200);
      // No token at all is not an attempt: the public document is still served.
      expect((await send(h, "GET", "/openapi.json")).status).toBe(200);
      // Locked requests are not counted again (the stored count stays at the limit).
      for (let i = 0; i < 5; i++) expect((await send(h, "GET", "/v1/me", { authorization: "Bearer nope" })).status).toBe(429);
    } finally {
      await h.close();
    }
  });
});

describe("every 429 the router sends", () => {
  it("carries Retry-After: the per-IP, per-user, per-token, sensitive and proxy limits and the balance-refresh cooldown", async () => {
    const one = { limit: 1, windowMs: 30_000 };
    const results: Record<string, [number, string | null, string | null]> = {};
    const record = (name: string, r: { status: number; headers: Headers }) => (results[name] = [r.status, r.headers.get("retry-after"), r.headers.get("ratelimit")]);

    const ip = await startHttpHarness(memory, { rateLimit: { perIp: one } });
    try {
      await send(ip, "GET", "/openapi.json");
      record("perIp", await send(ip, "GET", "/openapi.json"));
    } finally {
      await ip.close();
    }
    const h = await startHttpHarness(memory, { rateLimit: { perUser: { limit: 2, windowMs: 30_000 }, perToken: { limit: 2, windowMs: 30_000 } } });
    try {
      const token = await h.token("user_429");
      for (let i = 0; i < 2; i++) await send(h, "GET", "/v1/me", { token });
      record("perUser", await send(h, "GET", "/v1/me", { token }));
      const bot = (await h.walletAuth.tokens.create({ userId: "user_429" }, { label: "b", scopes: ["credentials:read"] })).token;
      for (let i = 0; i < 2; i++) expect((await send(h, "GET", "/v1/me", { token: bot })).status).toBe(200);
      record("perToken", await send(h, "GET", "/v1/me", { token: bot }));
      // The owner's session was limited above; their bot had a budget of its own.
    } finally {
      await h.close();
    }
    const s = await startHttpHarness(memory, { rateLimit: { sensitive: one, proxy: one } });
    try {
      const token = await s.token("user_429s");
      const challenge = { address: "0x000000000000000000000000000000000000dEaD", chainId: "eip155:1" };
      await send(s, "POST", "/v1/wallets/challenge", { token, body: challenge });
      record("sensitive", await send(s, "POST", "/v1/wallets/challenge", { token, body: challenge }));
      const id = await credentialOf(s, "user_429s", `LIMIT429${"0".repeat(20)}`);
      await send(s, "POST", `/v1/credentials/${id}/exchange/fetchBalance`, { token, body: {} });
      record("proxy", await send(s, "POST", `/v1/credentials/${id}/exchange/fetchBalance`, { token, body: {} }));
    } finally {
      await s.close();
    }
    const r = await startHttpHarness(memory, { rateLimit: { sensitive: { limit: 100, windowMs: 60_000 } } });
    try {
      const token = await r.token("user_refresh");
      const id = await credentialOf(r, "user_refresh", `REFRESH${"0".repeat(20)}`);
      expect((await send(r, "POST", "/v1/balances/refresh", { token, body: { source: `exchange:${id}` } })).status).toBe(200);
      record("refreshCooldown", await send(r, "POST", "/v1/balances/refresh", { token, body: { source: `exchange:${id}` } }));
    } finally {
      await r.close();
    }
    for (const [name, [status, retryAfter, rateLimit]] of Object.entries(results)) {
      expect(status, name).toBe(429);
      expect(Number(retryAfter), name).toBeGreaterThan(0);
      if (name === "refreshCooldown") expect(rateLimit, name).toBeNull();
      else expect(rateLimit, name).toMatch(/remaining=0/);
    }
    expect(Object.keys(results)).toEqual(["perIp", "perUser", "perToken", "sensitive", "proxy", "refreshCooldown"]);
    // The cooldown is 30 s by default: the wait named is what is left of it.
    expect(Number(results.refreshCooldown![1])).toBeLessThanOrEqual(30);
  });
});

describe("wrong methods on known paths", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness(memory);
  });
  afterAll(() => h?.close());

  it("answers 405 METHOD_NOT_ALLOWED with an Allow header instead of 404", async () => {
    const token = await h.token("user_405");
    const id = "00000000-0000-4000-8000-000000000001";
    const cases: [string, string, string][] = [
      ["DELETE", "/v1/credentials", "GET, POST, HEAD, OPTIONS"],
      ["PUT", `/v1/credentials/${id}`, "GET, PATCH, DELETE, HEAD, OPTIONS"],
      ["GET", `/v1/wallets/${id}`, "PATCH, DELETE, OPTIONS"],
      ["GET", "/v1/wallets/challenge", "POST, OPTIONS"],
      ["POST", "/openapi.json", "GET, HEAD, OPTIONS"],
      ["GET", `/v1/credentials/${id}/exchange/fetchBalance`, "POST, OPTIONS"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await send(h, method, path, { token });
      expect([res.status, res.body?.error?.code], `${method} ${path}`).toEqual([405, "METHOD_NOT_ALLOWED"]);
      expect(res.headers.get("allow"), `${method} ${path}`).toBe(allow);
      expect(Object.keys(res.body.error).sort()).toEqual(["code", "message", "requestId"]);
    }
    const options = await fetch(`${h.base}/v1/credentials`, { method: "OPTIONS" });
    expect([options.status, options.headers.get("allow")]).toEqual([204, "GET, POST, HEAD, OPTIONS"]);
    expect((await send(h, "GET", "/v1/nothing-here", { token })).status).toBe(404);
  });
});

describe("step-up rules", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness(memory);
  });
  afterAll(() => h?.close());

  it("asks a stale session to reverify before it replaces any part of a credential's key (password alone included), not for a rename", async () => {
    const id = await credentialOf(h, "user_patch", `PATCHKEY${"0".repeat(20)}`);
    const stale = await h.token("user_patch", { stale: true });
    expect((await send(h, "PATCH", `/v1/credentials/${id}`, { token: stale, body: { label: "renamed" } })).status).toBe(200);
    expect((await send(h, "PATCH", `/v1/credentials/${id}`, { token: stale, body: { expiresAt: null } })).status).toBe(200);
    for (const body of [{ apiKey: "NEWKEY0000000000000000" }, { secret: "new" }, { password: "passphrase" }, { uid: "u1" }, { allowWithdrawal: true }]) {
      const refused = await send(h, "PATCH", `/v1/credentials/${id}`, { token: stale, body });
      expect([refused.status, refused.body.clerk_error?.reason], JSON.stringify(body)).toEqual([403, "reverification-error"]);
    }
    expect((await send(h, "PATCH", `/v1/credentials/${id}`, { token: stale, body: { allowWithdrawal: false } })).status).toBe(200);
  });

  it("documents PATCH /v1/credentials/{id} as sensitive exactly when the router asks for a reverification", async () => {
    const doc = (await send(h, "GET", "/openapi.json")).body;
    const op = doc.paths["/v1/credentials/{id}"].patch;
    expect(op.description).toContain("Sensitive when the body sets `apiKey`, `secret`, `password`, `uid`, `allowWithdrawal: true` or `acceptUnknownPermissions: true`: then it needs a recent verification");
    expect(op["x-step-up"]).toEqual({
      when: [{ field: "apiKey" }, { field: "secret" }, { field: "password" }, { field: "uid" }, { field: "allowWithdrawal", equals: true }, { field: "acceptUnknownPermissions", equals: true }],
    });
    expect(doc.paths["/v1/credentials/{id}"].delete["x-step-up"]).toEqual({ always: true });
    expect(doc.paths["/v1/credentials/{id}"].get["x-step-up"]).toBeUndefined();
  });

  it("in MFA-enforced mode refuses a sensitive action on a fresh first factor when no second factor is enrolled", async () => {
    const mfa = await startHttpHarness(memory, { stepUp: { requireMfa: true } });
    try {
      const token = (fva: [number, number]) => mintSessionToken(mfa.keys, { userId: "user_mfa", azp: ORIGIN, verifiedMinutesAgo: fva });
      const create = async (fva: [number, number]) => send(mfa, "POST", "/v1/tokens", { token: await token(fva), body: { label: "b", scopes: ["credentials:read"] } });
      // Clerk's strict level passes this (no second factor enrolled, first factor fresh); MFA mode does not.
      expect((await send(h, "POST", "/v1/tokens", { token: await mintSessionToken(h.keys, { userId: "user_mfa", azp: ORIGIN, verifiedMinutesAgo: [0, -1] }), body: { label: "b", scopes: ["credentials:read"] } })).status).toBe(201);
      const noSecond = await create([0, -1]);
      expect([noSecond.status, noSecond.body.clerk_error?.reason, noSecond.body.clerk_error?.metadata?.reverification?.level]).toEqual([403, "reverification-error", "second_factor"]);
      expect((await create([0, 30])).status).toBe(403);
      expect((await create([30, 2])).status).toBe(201);
      expect((await send(mfa, "GET", "/v1/me", { token: await token([0, -1]) })).body.recentlyVerified).toBe(false);
    } finally {
      await mfa.close();
    }
  });
});

describe("router options checked at construction", () => {
  const walletAuth = createWalletAuth({
    store: createMemoryStore(),
    keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: new Uint8Array(32).fill(1) }], primaryKeyId: "k1" }),
    secrets: { fingerprintKey: Redacted.make(new Uint8Array(32).fill(2)), auditKey: Redacted.make(new Uint8Array(32).fill(3)) },
    siwe: { domain: "app.wallet-auth.test", uri: ORIGIN, chainIds: ["eip155:1"] },
  });
  afterAll(() => walletAuth.shutdown());
  let pem = "";
  beforeAll(async () => {
    pem = (await import("@wallet-auth/testing/clerk")).createClerkTestKeys().publicKeyPem;
  });
  const build = (options: Partial<WalletAuthRouterOptions>) =>
    createWalletAuthRouter(walletAuth, { allowedOrigins: [ORIGIN], ...options, clerk: { jwtKey: pem, authorizedParties: [ORIGIN], ...options.clerk } });

  it("refuses nonsense rate limits with an error naming the option", () => {
    const bad: [WalletAuthRouterOptions["rateLimit"] | Record<string, unknown>, RegExp][] = [
      [{ perIp: { limit: 0, windowMs: 60_000 } }, /^rateLimit\.perIp\.limit: a whole number/],
      [{ perUser: { limit: 1.5, windowMs: 60_000 } }, /^rateLimit\.perUser\.limit: /],
      [{ perToken: { limit: 10, windowMs: 10 } }, /^rateLimit\.perToken\.windowMs: whole milliseconds/],
      [{ proxy: { limit: Number.NaN, windowMs: 60_000 } }, /^rateLimit\.proxy\.limit: /],
      [{ sensitive: { limit: 5 } }, /^rateLimit\.sensitive\.windowMs: /],
      [{ authFailures: "20/15min" }, /^rateLimit\.authFailures: \{ limit, windowMs \} expected/],
      [{ perIP: { limit: 5, windowMs: 60_000 } }, /^rateLimit\.perIP: unknown option/],
      [{ perIp: { limit: 5, windowMs: 60_000, burst: 2 } }, /^rateLimit\.perIp\.burst: unknown option/],
      [{ prefix: "" }, /^rateLimit\.prefix: /],
    ];
    for (const [rateLimit, message] of bad) expect(() => build({ rateLimit: rateLimit as never }), JSON.stringify(rateLimit)).toThrow(message);
    expect(() => build({ rateLimit: { perIp: { limit: 1, windowMs: 1_000 }, authFailures: { limit: 1_000_000_000, windowMs: 86_400_000 } } })).not.toThrow();
  });

  it("refuses a bad body limit and bad step-up options", () => {
    expect(() => build({ bodyLimit: "lots" })).toThrow(/bodyLimit/);
    expect(() => build({ bodyLimit: "11mb" })).toThrow(/bodyLimit/);
    expect(() => build({ stepUp: { afterMinutes: 0 } })).toThrow(/^stepUp\.afterMinutes/);
    expect(() => build({ stepUp: { requireMfa: "yes" as never } })).toThrow(/^stepUp\.requireMfa/);
  });

  it("accepts clerk.jwtKey as a one-line value with literal \\n, and refuses one that does not parse, naming clerk.jwtKey", async () => {
    const h = await startHttpHarness(memory);
    try {
      const oneLine = h.keys.publicKeyPem.trim().replace(/\n/g, "\\n");
      expect(oneLine).not.toContain("\n");
      for (const jwtKey of [oneLine, `"${oneLine}"`, h.keys.publicKeyPem.replace(/\n/g, "\r\n")]) {
        const app = express();
        app.use("/api", createWalletAuthRouter(h.walletAuth, { allowedOrigins: [ORIGIN], clerk: { jwtKey, authorizedParties: [ORIGIN], issuer: h.keys.issuer } }));
        const server = app.listen(0, "127.0.0.1");
        await new Promise<void>((resolve) => server.once("listening", () => resolve()));
        try {
          const me = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/me`, { headers: { authorization: `Bearer ${await h.token("user_pem")}` } });
          expect(me.status, JSON.stringify(jwtKey.slice(0, 40))).toBe(200);
        } finally {
          server.closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
        }
      }
    } finally {
      await h.close();
    }
    for (const jwtKey of ["not a key", "-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----", pem.split("\n").filter((_, i) => i !== 2).join("\n")]) {
      expect(() => build({ clerk: { jwtKey } as never }), jwtKey.slice(0, 30)).toThrow(/^clerk\.jwtKey: /);
    }
    let message = "";
    try {
      build({ clerk: { jwtKey: "-----BEGIN PUBLIC KEY-----\nMIIBroken\n-----END PUBLIC KEY-----" } as never });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^clerk\.jwtKey: /);
    expect(message).not.toContain("MIIBroken");
  });
});

describe("security headers", () => {
  const expectCommon = (headers: Headers, where: string) => {
    expect(headers.get("x-content-type-options"), where).toBe("nosniff");
    expect(headers.get("referrer-policy"), where).toBe("no-referrer");
    expect(headers.get("content-security-policy"), where).toContain("frame-ancestors 'none'");
    expect(headers.get("x-frame-options"), where).toBe("DENY");
  };

  it("sends nosniff, no-referrer and frame-ancestors on every response, and HSTS only over HTTPS", async () => {
    const h = await startHttpHarness(memory, { rateLimit: { perUser: { limit: 1, windowMs: 60_000 } } });
    try {
      const token = await h.token("user_headers");
      const responses = {
        ok: await fetch(`${h.base}/v1/me`, { headers: { authorization: `Bearer ${token}` } }),
        limited: await fetch(`${h.base}/v1/me`, { headers: { authorization: `Bearer ${token}` } }),
        unauthenticated: await fetch(`${h.base}/v1/me`),
        notFound: await fetch(`${h.base}/v1/nope`),
        wrongMethod: await fetch(`${h.base}/v1/me`, { method: "DELETE" }),
        badJson: await fetch(`${h.base}/v1/wallets/challenge`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" }),
        options: await fetch(`${h.base}/v1/me`, { method: "OPTIONS" }),
        document: await fetch(`${h.base}/openapi.json`),
      };
      expect(responses.limited.status).toBe(429);
      for (const [name, res] of Object.entries(responses)) {
        expectCommon(res.headers, name);
        // Plain HTTP: HSTS would be ignored by browsers and misleads scanners.
        expect(res.headers.get("strict-transport-security"), name).toBeNull();
        await res.arrayBuffer();
      }
    } finally {
      await h.close();
    }
  });

  it("exports walletAuthSecurityHeaders for pages in front of the API: the same headers, HSTS behind a trusted TLS proxy, the page's own CSP left alone", async () => {
    const app = express();
    app.set("trust proxy", "loopback");
    app.use(walletAuthSecurityHeaders({ profile: "page" }));
    app.get("/", (_req, res) => void res.type("html").send("<!doctype html><title>demo</title>"));
    const server = app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const page = await fetch(`${base}/`);
      expectCommon(page.headers, "page");
      expect(page.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
      expect(page.headers.get("strict-transport-security")).toBeNull();
      expect(page.headers.get("cache-control")).toBeNull();
      const missing = await fetch(`${base}/missing`, { headers: { "x-forwarded-proto": "https" } });
      expect(missing.status).toBe(404);
      expectCommon(missing.headers, "404");
      expect(missing.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(() => walletAuthSecurityHeaders({ hstsMaxAgeSeconds: -1 })).toThrow(/^securityHeaders\.hstsMaxAgeSeconds/);
  });
});
