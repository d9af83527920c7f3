import { randomBytes } from "node:crypto";
import { createPostgresKnex, createPostgresStore, migrateLatest } from "@wallet-auth/adapter-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpHarness, type StoreKind, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

type CcxtModule = typeof import("ccxt");
let ccxt: CcxtModule;
beforeAll(async () => {
  ccxt = await import("ccxt");
});

/** A second ccxt client trading directly at the loopback Binance with a stored key: the leak. */
function leakedClient(origin: string, apiKey: string, secret: string) {
  const client = new ccxt.binance({ apiKey, secret, enableRateLimit: false, options: { fetchMarkets: { types: ["spot"] }, fetchMargins: false, fetchCurrencies: false } });
  const api = client.urls.api as Record<string, string>;
  for (const [name, url] of Object.entries(api)) api[name] = origin + new URL(url).pathname;
  return client;
}

const order = { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.001", price: "49900" };
const json = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });
let n = 0;

async function account(h: HttpHarness, prefix: string) {
  n += 1;
  const apiKey = `${prefix}${String(n).padStart(32 - prefix.length, "0")}`;
  const secret = `${prefix.toLowerCase()}-secret-${n}-${"s".repeat(20)}`;
  h.exchange.addAccount({ apiKey, secret, permissions: { enableReading: true, enableSpotAndMarginTrading: true }, balances: { USDT: { free: "100000", locked: "0" } } });
  const userId = `user_${prefix.toLowerCase()}_${n}`;
  const session = await h.token(userId);
  const created = await fetch(`${h.base}/v1/credentials`, { method: "POST", headers: json(session), body: JSON.stringify({ exchange: "binance", label: "bot", apiKey, secret }) });
  expect(created.status).toBe(201);
  const credentialId = ((await created.json()) as { id: string }).id;
  const minted = await fetch(`${h.base}/v1/tokens`, { method: "POST", headers: json(session), body: JSON.stringify({ label: "bot", scopes: ["exchange:read", "exchange:trade"], credentialIds: [credentialId] }) });
  expect(minted.status).toBe(201);
  const bot = ((await minted.json()) as { token: string }).token;
  return { apiKey, secret, userId, session, bot, credentialId };
}

async function proxy(h: HttpHarness, token: string, credentialId: string, method: string, args: unknown = {}) {
  const res = await fetch(`${h.base}/v1/credentials/${credentialId}/exchange/${method}`, { method: "POST", headers: json(token), body: JSON.stringify({ args }) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe.each(storeKinds())("leaked key detection and kill switch over HTTP on $name", (kind) => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness(kind);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it("a second ccxt client trading directly with the same key is flagged within one reconciliation pass: key disabled, orders cancelled, foreign order in GET /v1/foreign-orders, bot refused", async () => {
    const a = await account(h, "LEAK");
    expect((await proxy(h, a.bot, a.credentialId, "createOrder", order)).status).toBe(200);
    const foreign = await leakedClient(h.exchange.origin, a.apiKey, a.secret).createOrder("BTC/USDT", "limit", "sell", 0.002, 51_000);

    const pass = await h.walletAuth.reconciliation.reconcile();
    expect(pass).toMatchObject({ compromised: 1, foreignOrders: 1, failed: 0 });

    const listed = await fetch(`${h.base}/v1/foreign-orders`, { headers: json(a.session) });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual([expect.objectContaining({ credentialId: a.credentialId, venueOrderId: foreign.id, symbol: "BTC/USDT", side: "sell", exchange: "binance" })]);
    const credential = (await (await fetch(`${h.base}/v1/credentials/${a.credentialId}`, { headers: json(a.session) })).json()) as { status: string };
    expect(credential.status).toBe("disabled");
    expect(h.exchange.orders(a.apiKey).every((o) => o.status === "CANCELED")).toBe(true);
    expect((await proxy(h, a.bot, a.credentialId, "fetchBalance")).body.error.code).toBe("CREDENTIAL_DISABLED");
    const incidents = (await (await fetch(`${h.base}/v1/incidents`, { headers: json(a.session) })).json()) as { kind: string }[];
    expect(incidents.map((i) => i.kind)).toEqual(["foreign_orders"]);
    // Another user's session sees none of it.
    const other = await h.token("user_leak_nobody");
    expect(await (await fetch(`${h.base}/v1/foreign-orders`, { headers: json(other) })).json()).toEqual([]);
    expect(JSON.stringify(h.logger.lines)).not.toContain(a.secret);
  });

  it("POST /v1/kill-switch needs a recent verification (403 reverification, nothing changed), then stops everything once; a second call returns the same incident", async () => {
    const a = await account(h, "KILL");
    expect((await proxy(h, a.bot, a.credentialId, "createOrder", order)).status).toBe(200);
    const stale = await h.token(a.userId, { stale: true });
    const refused = await fetch(`${h.base}/v1/kill-switch`, { method: "POST", headers: json(stale), body: JSON.stringify({ cancelOpenOrders: true }) });
    expect(refused.status).toBe(403);
    expect((await proxy(h, a.bot, a.credentialId, "fetchBalance")).status).toBe(200);

    const res = await fetch(`${h.base}/v1/kill-switch`, { method: "POST", headers: json(a.session), body: JSON.stringify({ cancelOpenOrders: true }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { alreadyStopped: boolean; incident: { id: string; details: Record<string, any> } };
    expect(body.alreadyStopped).toBe(false);
    expect(body.incident.details).toMatchObject({ credentialsDisabled: [a.credentialId], proxyStopped: true });
    expect(body.incident.details.tokensRevoked).toHaveLength(1);
    expect(body.incident.details.keyDeletion[0]).toMatchObject({ exchange: "binance", page: "https://www.binance.com/en/my/settings/api-management" });
    expect(h.exchange.orders(a.apiKey).every((o) => o.status === "CANCELED")).toBe(true);
    const botAfter = await proxy(h, a.bot, a.credentialId, "fetchBalance");
    expect(botAfter.status).toBe(401);

    const again = await fetch(`${h.base}/v1/kill-switch`, { method: "POST", headers: json(a.session), body: JSON.stringify({}) });
    expect(await again.json()).toEqual({ alreadyStopped: true, incident: body.incident });
    const bad = await fetch(`${h.base}/v1/kill-switch`, { method: "POST", headers: json(a.session), body: JSON.stringify({ cancelOpenOrders: "yes" }) });
    expect(bad.status).toBe(400);
  });
});

const url = process.env.DATABASE_URL;
describe.skipIf(!url)("kill switch across two replicas on one real PostgreSQL", () => {
  const schema = `wa_kill_${randomBytes(6).toString("hex")}`;
  let a: HttpHarness;
  let b: HttpHarness;
  let admin: ReturnType<typeof createPostgresKnex>;

  /** Each replica has its own pool on the same schema, as two processes would. */
  const replica: StoreKind = {
    name: "postgres-replica",
    open: async () => {
      const knex = createPostgresKnex({ connectionString: url!, pool: { min: 0, max: 5 }, searchPath: [schema] });
      return { store: createPostgresStore({ knex }), close: () => knex.destroy() };
    },
  };

  beforeAll(async () => {
    admin = createPostgresKnex({ connectionString: url!, pool: { min: 0, max: 1 } });
    await admin.raw(`CREATE SCHEMA ${schema}`);
    const knex = createPostgresKnex({ connectionString: url!, pool: { min: 0, max: 1 }, searchPath: [schema] });
    await migrateLatest(knex);
    await knex.destroy();
    a = await startHttpHarness(replica);
    // Replica B trusts the same Clerk instance as A, so one session works on both.
    b = await startHttpHarness(replica, { clerk: { jwtKey: a.keys.publicKeyPem, issuer: a.keys.issuer } });
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await admin.raw(`DROP SCHEMA ${schema} CASCADE`);
    await admin.destroy();
  });

  it("a bot token that worked on replica B is refused there right after the kill switch ran on replica A, and so is the session's use of the disabled key", async () => {
    const user = await account(a, "REPL");
    // Replica B's venue stand-in knows the same key (both stand for one exchange).
    b.exchange.addAccount({ apiKey: user.apiKey, secret: user.secret, permissions: { enableReading: true, enableSpotAndMarginTrading: true }, balances: { USDT: { free: "1", locked: "0" } } });
    expect((await proxy(b, user.bot, user.credentialId, "fetchBalance")).status).toBe(200);
    // Warm every cache replica B might keep: a second call and the session's credential list.
    expect((await proxy(b, user.bot, user.credentialId, "fetchBalance")).status).toBe(200);
    expect((await fetch(`${b.base}/v1/credentials`, { headers: json(user.session) })).status).toBe(200);

    const killed = await fetch(`${a.base}/v1/kill-switch`, { method: "POST", headers: json(user.session), body: JSON.stringify({}) });
    expect(killed.status).toBe(200);
    const incidentId = ((await killed.json()) as { incident: { id: string } }).incident.id;

    const [botOnB, sessionOnB] = await Promise.all([proxy(b, user.bot, user.credentialId, "fetchBalance"), proxy(b, user.session, user.credentialId, "fetchBalance")]);
    expect(botOnB.status).toBe(401);
    expect(botOnB.body.error.code).toBe("UNAUTHENTICATED");
    expect(sessionOnB.body.error.code).toBe("CREDENTIAL_DISABLED");
    // Running it again on B is a no-op that returns A's incident.
    const again = (await (await fetch(`${b.base}/v1/kill-switch`, { method: "POST", headers: json(user.session), body: JSON.stringify({}) })).json()) as { alreadyStopped: boolean; incident: { id: string } };
    expect(again.alreadyStopped).toBe(true);
    expect(again.incident.id).toBe(incidentId);
  });
});
