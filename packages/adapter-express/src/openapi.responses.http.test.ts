/**
 * Every operation of the served OpenAPI document, called for real, and every answer checked
 * against the document itself (not the zod schemas it came from): the status must be one the
 * operation declares, the body must validate against that status's schema for the answer's
 * content type, and every object in the document is closed (`additionalProperties: false`), so a
 * field no schema names fails. The suite fails if any operation was never answered with success.
 * The validator is zod's own JSON Schema reader over the document's schemas.
 */
import { randomBytes } from "node:crypto";
import type { ChainGateway } from "@wallet-auth/core";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Webhook } from "standardwebhooks";
import { createWalletAuthRouter } from "./createWalletAuthRouter.js";
import { type HttpHarness, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

type Json = Record<string, any>;

/** A chain that answers every read: 1 ETH native, no tokens, no transfers. */
const fakeChain: ChainGateway = {
  supports: (chainId) => chainId === "eip155:1",
  verifyContractSignature: async () => ({ valid: false, method: "none" }),
  getNativeBalance: async () => 10n ** 18n,
  getTokenBalances: async ({ tokens }) => tokens.map(() => 0n),
  getBalances: async ({ tokens }) => ({ native: 10n ** 18n, tokens: tokens.map(() => 0n) }),
  getBlockNumber: async () => 0n,
  getTokenTransfers: async () => [],
};

/** Every object schema in `schema` that is not closed (neither `additionalProperties: false` nor a map). */
function openObjects(schema: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(schema)) schema.forEach((s, i) => openObjects(s, `${path}/${i}`, out));
  else if (schema && typeof schema === "object") {
    const s = schema as Json;
    if (s.type === "object" && s.properties !== undefined && s.additionalProperties !== false) out.push(path);
    for (const [key, value] of Object.entries(s)) if (key !== "example" && key !== "x-step-up") openObjects(value, `${path}/${key}`, out);
  }
  return out;
}

const webhookSecret = `whsec_${randomBytes(32).toString("base64")}`;

describe.each(storeKinds())("real responses against the served OpenAPI document on $name", (kind) => {
  let h: HttpHarness;
  let doc: Json;
  let mount = "";
  const defs: Json = {};
  const validators = new Map<string, z.ZodType>();
  const answered = new Map<string, Set<number>>();
  const failures: string[] = [];

  /** The document's schema as a zod schema, `#/components/schemas/X` read as `#/$defs/X`. */
  const validatorFor = (schema: Json): z.ZodType => {
    const key = JSON.stringify(schema);
    let v = validators.get(key);
    if (!v) {
      const rewritten = JSON.parse(key.replaceAll("#/components/schemas/", "#/$defs/")) as Json;
      v = z.fromJSONSchema({ ...rewritten, $defs: defs } as never);
      validators.set(key, v);
    }
    return v;
  };

  const operationFor = (method: string, pathname: string): { id: string; op: Json } | undefined => {
    const rel = pathname.slice(mount.length);
    for (const [template, item] of Object.entries(doc.paths as Json)) {
      if (!new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(rel)) continue;
      const op = (item as Json)[method.toLowerCase()];
      if (op) return { id: String(op.operationId), op };
    }
    return undefined;
  };

  async function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any; text: string }> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${h.base}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    const text = await res.text();
    const url = new URL(`${h.base}${path}`);
    const found = operationFor(method, url.pathname);
    const where = `${method} ${path} -> ${res.status}`;
    if (!found) {
      failures.push(`${where}: no operation in the document`);
      return { status: res.status, body: null, text };
    }
    const declared = (found.op.responses as Json)[String(res.status)] as Json | undefined;
    if (!declared) failures.push(`${where}: status not declared by ${found.id}`);
    const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
    let body: unknown = text;
    if (declared?.content === undefined) {
      if (text !== "") failures.push(`${where}: a body where the document declares none`);
    } else {
      const media = (declared.content as Json)[type] as Json | undefined;
      if (!media) failures.push(`${where}: content type ${type} not declared`);
      else {
        if (type === "application/json") body = JSON.parse(text);
        const checked = validatorFor(media.schema as Json).safeParse(body);
        if (!checked.success) failures.push(`${where}: ${JSON.stringify(checked.error.issues.slice(0, 3))}`);
        if (type === "application/x-ndjson") {
          const event = validatorFor({ $ref: "#/components/schemas/AuditEvent" });
          for (const line of text.split("\n").filter(Boolean)) {
            const one = event.safeParse(JSON.parse(line));
            if (!one.success) failures.push(`${where}: ndjson line ${JSON.stringify(one.error.issues.slice(0, 2))}`);
          }
        }
      }
    }
    const seen = answered.get(found.id) ?? new Set<number>();
    answered.set(found.id, seen.add(res.status));
    return { status: res.status, body, text };
  }

  beforeAll(async () => {
    h = await startHttpHarness(kind, { rateLimit: { sensitive: { limit: 1000, windowMs: 60_000 } }, clerkWebhook: { signingSecret: webhookSecret } }, { chains: fakeChain });
    mount = new URL(h.base).pathname;
    const res = await fetch(`${h.base}/openapi.json`);
    doc = (await res.json()) as Json;
    Object.assign(defs, JSON.parse(JSON.stringify((doc.components as Json).schemas).replaceAll("#/components/schemas/", "#/$defs/")) as Json);
  }, 180_000);
  afterAll(() => h?.close());

  it("names the mount path in servers and describes bot tokens and their scopes as a security scheme, per operation", () => {
    expect(doc.servers).toEqual([{ url: mount, description: expect.any(String) }]);
    expect(mount).toBe("/api");
    // A host serving the document elsewhere gets the same one.
    const router = createWalletAuthRouter(h.walletAuth, { allowedOrigins: [], clerk: { jwtKey: h.keys.publicKeyPem, authorizedParties: ["http://x.test"] }, clerkWebhook: { signingSecret: webhookSecret } });
    expect(router.openApiDocument({ serverUrl: mount })).toEqual(doc);
    // The webhook is verified by its signature alone: no session or bot token scheme applies.
    expect(doc.paths["/v1/webhooks/clerk"].post.security).toEqual([]);
    expect(doc.components.securitySchemes.botToken).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.paths["/v1/credentials"].get.security).toEqual([{ clerkSession: [] }, { botToken: ["credentials:read"] }]);
    expect(doc.paths["/v1/credentials/{id}/exchange/{method}"].post.security).toEqual([{ clerkSession: [] }, { botToken: ["exchange:read"] }, { botToken: ["exchange:trade"] }]);
    expect(doc.paths["/v1/tokens"].post.security).toEqual([{ clerkSession: [] }]);
    expect(doc.paths["/v1/me"].get.security).toEqual([{ clerkSession: [] }, { botToken: [] }]);
    const exportOk = doc.paths["/v1/audit/export"].get.responses["200"].content;
    expect(exportOk["application/json"].schema).toEqual({ type: "array", items: { $ref: "#/components/schemas/AuditEvent" }, description: expect.any(String) });
  });

  it("names the mount path as the request typed it in servers, and serves the same document otherwise", async () => {
    const origin = new URL(h.base).origin;
    const upper = (await (await fetch(`${origin}/API/openapi.json`)).json()) as Json;
    expect(upper.servers).toEqual([{ url: "/API", description: expect.any(String) }]);
    expect({ ...upper, servers: doc.servers }).toEqual(doc);
    // Built once: 20 more requests cost serialising it, not generating it again.
    const started = performance.now();
    await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${origin}/${i % 2 ? "Api" : "aPI"}/openapi.json`).then((r) => r.arrayBuffer())));
    console.log(`[openapi] 20 document requests in ${Math.round(performance.now() - started)} ms (${kind.name})`);
  });

  it("declares no object that lets unnamed fields through", () => {
    expect(openObjects(doc, "#", [])).toEqual([]);
    // The validator itself refuses what the document does not name, at any depth.
    const me = validatorFor({ $ref: "#/components/schemas/Me" });
    const good = { userId: "user_x", sessionId: null, recentlyVerified: true, admin: false, csrfToken: null };
    expect(me.safeParse(good).success).toBe(true);
    expect(me.safeParse({ ...good, extra: 1 }).success).toBe(false);
    const page = validatorFor({ $ref: "#/components/schemas/AlertPage" });
    const alert = { id: "a", userId: null, kind: "k", severity: "low", status: "open", details: {}, dedupeKey: null, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z" };
    expect(page.safeParse({ items: [alert], nextCursor: null }).success).toBe(true);
    expect(page.safeParse({ items: [{ ...alert, secret: "x" }], nextCursor: null }).success).toBe(false);
  });

  it("answers every operation of the document exactly as the document says, with every status it answered declared", async () => {
    const user = `user_contract_${randomBytes(3).toString("hex")}`;
    const token = await h.token(user);
    const apiKey = (n: number) => `CONTRACT${kind.name.toUpperCase()}${String(n).padStart(20, "0")}`;
    for (const n of [1, 2, 3]) h.exchange.addAccount({ apiKey: apiKey(n), secret: "contract-secret", balances: { BTC: { free: "0.5", locked: "0.1" }, USDT: { free: "10", locked: "0" } } });

    // Errors first: no token, bad input, a missing id, an unknown key, a duplicate key, a stale session.
    expect((await call("GET", "/v1/credentials")).status).toBe(401);
    expect((await call("POST", "/v1/credentials", { token, body: { exchange: "binance" } })).status).toBe(400);
    expect((await call("GET", "/v1/credentials/00000000-0000-4000-8000-000000000000", { token })).status).toBe(404);
    expect((await call("POST", "/v1/credentials", { token, body: { exchange: "binance", label: "x", apiKey: "UNKNOWNKEY000000000000", secret: "s" } })).status).toBe(422);

    const created = await call("POST", "/v1/credentials", { token, body: { exchange: "binance", label: "main", apiKey: apiKey(1), secret: "contract-secret" } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call("POST", "/v1/credentials", { token, body: { exchange: "binance", label: "again", apiKey: apiKey(1), secret: "contract-secret" } })).status).toBe(409);
    const stale = await h.token(user, { stale: true });
    expect((await call("DELETE", `/v1/credentials/${id}`, { token: stale })).status).toBe(403);

    const second = (await call("POST", "/v1/credentials", { token, body: { exchange: "binance", label: "second", apiKey: apiKey(2), secret: "contract-secret" } })).body.id as string;
    expect((await call("POST", "/v1/balances/refresh", { token, body: { source: `exchange:${second}` } })).status).toBe(200);
    expect((await call("POST", "/v1/balances/refresh", { token, body: { source: `exchange:${second}` } })).status).toBe(429);
    await h.walletAuth.store.transactions.upsertMany([
      {
        id: crypto.randomUUID(),
        userId: user,
        sourceType: "exchange",
        sourceId: id,
        externalId: "trade-1",
        type: "trade",
        asset: "BTC",
        amount: "0.01",
        fee: "0.00001",
        feeAsset: "BTC",
        status: "ok",
        occurredAt: new Date(),
        txid: null,
        info: { side: "buy", symbol: "BTC/USDT" },
      },
    ]);
    for (const [method, path, body] of [
      ["GET", "/v1/me"],
      ["GET", "/v1/venues"],
      ["GET", "/v1/credentials"],
      ["GET", `/v1/credentials/${id}`],
      ["PATCH", `/v1/credentials/${id}`, { label: "renamed" }],
      ["POST", `/v1/credentials/${id}/validate`],
      ["POST", `/v1/credentials/${id}/disable`],
      ["POST", `/v1/credentials/${id}/enable`],
      ["GET", `/v1/credentials/${id}/balances`],
      ["GET", `/v1/credentials/${id}/transactions`],
      ["GET", "/v1/balances"],
      ["GET", `/v1/balances/history?source=exchange:${id}`],
      ["POST", `/v1/credentials/${id}/exchange/fetchBalance`, {}],
    ] as [string, string, unknown?][]) {
      const res = await call(method, path, { token, ...(body !== undefined ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
    }

    const account = privateKeyToAccount(generatePrivateKey());
    const challenge = await call("POST", "/v1/wallets/challenge", { token, body: { address: account.address, chainId: "eip155:1" } });
    const linked = await call("POST", "/v1/wallets", { token, body: { message: challenge.body.message, signature: await account.signMessage({ message: challenge.body.message }), label: "cold" } });
    expect(linked.status).toBe(201);
    const wallet = linked.body.id as string;
    for (const [method, path, body] of [
      ["GET", "/v1/wallets"],
      ["PATCH", `/v1/wallets/${wallet}`, { label: "vault", metadata: { note: "x" } }],
      ["POST", `/v1/wallets/${wallet}/primary`],
      ["GET", `/v1/wallets/${wallet}/balances`],
      ["GET", `/v1/wallets/${wallet}/transactions`],
      ["DELETE", `/v1/wallets/${wallet}`],
    ] as [string, string, unknown?][]) {
      const res = await call(method, path, { token, ...(body !== undefined ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
    }

    const { alert } = await h.walletAuth.alerts.raise({ userId: user, kind: "access.new_ip", severity: "medium", details: { ip: "hashed" } });
    const bot = await call("POST", "/v1/tokens", { token, body: { label: "bot", scopes: ["credentials:read", "exchange:read"], credentialIds: [id] } });
    expect(bot.status).toBe(201);
    const admin = await h.token("user_contract_admin", { claims: { metadata: { role: "admin" } } });
    for (const [method, path, body, as] of [
      ["GET", "/v1/alerts"],
      ["POST", `/v1/alerts/${alert.id}/acknowledge`],
      ["POST", `/v1/alerts/${alert.id}/resolve`],
      ["GET", "/v1/tokens"],
      ["GET", "/v1/credentials", undefined, bot.body.token],
      ["DELETE", `/v1/tokens/${bot.body.view.id}`],
      ["GET", "/v1/audit?limit=50"],
      ["GET", "/v1/audit/export"],
      ["GET", "/v1/audit/export?format=ndjson"],
      ["GET", "/v1/audit/export?format=csv"],
      ["GET", "/v1/audit/verify"],
      ["GET", "/v1/privacy/export"],
      ["DELETE", `/v1/credentials/${second}`],
      ["GET", "/v1/admin/keys", undefined, admin],
      ["GET", "/v1/admin/rotation", undefined, admin],
      ["POST", "/v1/admin/rotation", { batchSize: 10 }, admin],
      ["GET", "/v1/admin/rotation", undefined, admin],
      ["GET", "/v1/incidents"],
      ["GET", "/v1/foreign-orders"],
      ["POST", "/v1/kill-switch", {}],
      ["GET", "/v1/incidents"],
      ["DELETE", "/v1/privacy/account", { confirm: "ERASE MY ACCOUNT" }],
    ] as [string, string, unknown?, string?][]) {
      const res = await call(method, path, { token: as ?? token, ...(body !== undefined ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
    }

    // Trade policies, when the router has them: the credential's policy (its default) put back as it is.
    if ((doc.paths as Json)["/v1/credentials/{id}/policy"]) {
      const other = await h.token(`${user}_policy`);
      const credential = (await call("POST", "/v1/credentials", { token: other, body: { exchange: "binance", label: "p", apiKey: apiKey(3), secret: "contract-secret" } })).body.id as string;
      const current = await call("GET", `/v1/credentials/${credential}/policy`, { token: other });
      expect(current.status).toBe(200);
      expect((await call("PUT", `/v1/credentials/${credential}/policy`, { token: other, body: current.body.policy })).status).toBe(200);
      const botId = (await call("POST", "/v1/tokens", { token: other, body: { label: "p", scopes: ["credentials:read"] } })).body.view.id as string;
      expect((await call("GET", `/v1/tokens/${botId}/policy`, { token: other })).status).toBe(200);
      expect((await call("PUT", `/v1/tokens/${botId}/policy`, { token: other, body: current.body.policy })).status).toBe(200);
    }

    // The Clerk webhook: signed (200), unsigned (401), oversized (413).
    const event = { object: "event", type: "session.ended", timestamp: Date.now(), data: { object: "session", id: "sess_openapi", user_id: `${user}_webhook` } };
    const svix = (body: unknown, id: string) => ({ "svix-id": id, "svix-timestamp": String(Math.floor(Date.now() / 1000)), "svix-signature": new Webhook(webhookSecret).sign(id, new Date(), JSON.stringify(body)) });
    expect((await call("POST", "/v1/webhooks/clerk", { body: event, headers: svix(event, "msg_openapi_1") })).status).toBe(200);
    expect((await call("POST", "/v1/webhooks/clerk", { body: event, headers: { "svix-id": "msg_openapi_2", "svix-timestamp": "1", "svix-signature": "v1,AAAA" } })).status).toBe(401);
    const big = { ...event, data: { ...event.data, padding: "x".repeat(300_000) } };
    expect((await call("POST", "/v1/webhooks/clerk", { body: big, headers: svix(big, "msg_openapi_3") })).status).toBe(413);

    expect(failures).toEqual([]);
    const operations = Object.values(doc.paths as Json).flatMap((item) => Object.values(item as Json).map((op) => String((op as Json).operationId)));
    const neverOk = operations.filter((op) => ![...(answered.get(op) ?? [])].some((s) => s < 300));
    expect(neverOk).toEqual([]);
    const statuses = new Set([...answered.values()].flatMap((s) => [...s]));
    console.log(`[openapi] ${operations.length} operations answered with success; statuses seen ${[...statuses].sort().join(", ")}; ${kind.name}`);
    expect([...statuses]).toEqual(expect.arrayContaining([200, 201, 204, 400, 401, 403, 404, 409, 422, 429]));
  }, 180_000);
});
