import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { KeyRing, Redacted, type WalletAuth, createWalletAuth } from "@wallet-auth/core";
import { createCcxtExchangeGateway } from "@wallet-auth/core/ccxt";
import { createClerkTestKeys, mintSessionToken } from "@wallet-auth/testing/clerk";
import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import express from "express";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWalletAuthRouter } from "./createWalletAuthRouter.js";
import { ORIGIN, storeKinds } from "./test-support/httpHarness.js";

const SECRET = `whsec_${randomBytes(32).toString("base64")}`;
const signer = new Webhook(SECRET);
const API_SECRET = "webhook-test-secret-ssssssssssssssss";
const keys = createClerkTestKeys();
const key = (b: number) => new Uint8Array(32).fill(b);

/** A Svix-signed delivery of `event` (as Clerk sends it). */
function signed(event: unknown, options: { id?: string; body?: string; secret?: Webhook; at?: Date } = {}) {
  const id = options.id ?? `msg_${randomBytes(8).toString("hex")}`;
  const body = options.body ?? JSON.stringify(event);
  const at = options.at ?? new Date();
  const signature = (options.secret ?? signer).sign(id, at, body);
  return { body, headers: { "content-type": "application/json", "svix-id": id, "svix-timestamp": String(Math.floor(at.getTime() / 1000)), "svix-signature": signature } };
}

const clerkEvent = (type: string, data: Record<string, unknown>, timestamp = Date.now()) => ({ object: "event", type, data, timestamp, instance_id: "ins_test", event_attributes: {} });

describe.each(storeKinds())("Clerk webhook deprovisioning on $name (two replicas, one store)", (kind) => {
  let opened: Awaited<ReturnType<typeof kind.open>>;
  let exchange: LoopbackExchange;
  const replicas: { base: string; walletAuth: WalletAuth; server: Server; authFailures: string[] }[] = [];

  beforeAll(async () => {
    opened = await kind.open();
    exchange = await startLoopbackExchange();
    for (let i = 0; i < 2; i++) {
      const walletAuth = createWalletAuth({
        store: opened.store,
        keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
        secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
        exchanges: createCcxtExchangeGateway({ urls: { binance: exchange.origin }, enableRateLimit: false, timeoutMs: 5_000 }),
        siwe: { domain: "app.wallet-auth.test", uri: ORIGIN, chainIds: ["eip155:1"] },
      });
      const authFailures: string[] = [];
      const app = express();
      app.use(
        "/api",
        createWalletAuthRouter(walletAuth, {
          allowedOrigins: [ORIGIN],
          clerk: { jwtKey: keys.publicKeyPem, authorizedParties: [ORIGIN], issuer: keys.issuer },
          clerkWebhook: { signingSecret: SECRET },
          observe: { authFailure: (reason) => void authFailures.push(reason) },
        }),
      );
      const server = app.listen(0, "127.0.0.1");
      await new Promise<void>((resolve) => server.once("listening", () => resolve()));
      replicas.push({ base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, walletAuth, server, authFailures });
    }
  }, 180_000);
  afterAll(async () => {
    for (const r of replicas) {
      r.server.closeAllConnections();
      await new Promise<void>((resolve) => r.server.close(() => resolve()));
      await r.walletAuth.shutdown();
    }
    await opened?.close();
    await exchange?.close();
  });

  const deliver = async (replica: number, delivery: { body: string; headers: Record<string, string> }) => {
    const res = await fetch(`${replicas[replica]!.base}/v1/webhooks/clerk`, { method: "POST", headers: delivery.headers, body: delivery.body });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as any) : null, text };
  };
  const call = async (replica: number, method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${replicas[replica]!.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };

  /** A user with a trading credential and a bot token that can call the proxy. */
  async function botUser(userId: string) {
    const auth = replicas[0]!.walletAuth;
    const apiKey = `WHK${randomBytes(14).toString("hex").toUpperCase()}`;
    exchange.addAccount({ apiKey, secret: API_SECRET, permissions: { enableSpotAndMarginTrading: true }, balances: { USDT: { free: "100", locked: "0" } } });
    const credential = await auth.credentials.create({ userId }, { exchange: "binance", label: "bot", apiKey, secret: API_SECRET });
    const { token } = await auth.tokens.create({ userId }, { label: "bot", scopes: ["exchange:read"], credentialIds: [credential.id] });
    return { credentialId: credential.id, token };
  }

  it("user.deleted: the next proxy call with the user's bot token is refused on both replicas, credentials disabled (not erased), sessions refused, audited", async () => {
    const userId = `user_gone_${kind.name}`;
    const { credentialId, token } = await botUser(userId);
    const proxy = `/v1/credentials/${credentialId}/exchange/fetchBalance`;
    expect((await call(0, "POST", proxy, token, {})).status).toBe(200);
    expect((await call(1, "POST", proxy, token, {})).status).toBe(200);
    const session = await mintSessionToken(keys, { userId, azp: ORIGIN });
    expect((await call(1, "GET", "/v1/credentials", session)).status).toBe(200);

    const answer = await deliver(0, signed(clerkEvent("user.deleted", { object: "user", id: userId, deleted: true })));
    expect(answer).toMatchObject({ status: 200, body: { received: true, outcome: "applied" } });

    for (const r of [0, 1]) {
      expect((await call(r, "POST", proxy, token, {})).status).toBe(401);
      // The session token was cached as verified on replica 1: still refused.
      expect((await call(r, "GET", "/v1/credentials", session)).status).toBe(401);
    }
    const store = replicas[1]!.walletAuth.store;
    const credential = await store.credentials.get(userId, credentialId);
    expect(credential?.status).toBe("disabled");
    expect((await store.botTokens.listByUser(userId)).every((t) => t.revokedAt !== null)).toBe(true);
    expect(replicas[0]!.authFailures.concat(replicas[1]!.authFailures)).toContain("session-revoked");
  }, 60_000);

  it("session.revoked: that session's unexpired JWT is refused on both replicas; another session of the user still works", async () => {
    const userId = `user_sess_${kind.name}`;
    const revoked = await mintSessionToken(keys, { userId, azp: ORIGIN, sessionId: "sess_revokedone" });
    const other = await mintSessionToken(keys, { userId, azp: ORIGIN, sessionId: "sess_stillgood" });
    for (const r of [0, 1]) expect((await call(r, "GET", "/v1/credentials", revoked)).status).toBe(200);
    const answer = await deliver(1, signed(clerkEvent("session.revoked", { object: "session", id: "sess_revokedone", user_id: userId, status: "revoked" })));
    expect(answer.status).toBe(200);
    for (const r of [0, 1]) {
      expect((await call(r, "GET", "/v1/credentials", revoked)).status).toBe(401);
      expect((await call(r, "GET", "/v1/credentials", other)).status).toBe(200);
    }
    const ended = await mintSessionToken(keys, { userId, azp: ORIGIN, sessionId: "sess_endedone" });
    expect((await deliver(0, signed(clerkEvent("session.ended", { object: "session", id: "sess_endedone", user_id: userId, status: "ended" })))).status).toBe(200);
    expect((await call(1, "GET", "/v1/credentials", ended)).status).toBe(401);
  }, 60_000);

  it("replay and duplicate deliveries (same svix-id) change nothing and answer duplicate, also when sent to both replicas at once", async () => {
    const userId = `user_dup_${kind.name}`;
    const delivery = signed(clerkEvent("session.revoked", { object: "session", id: "sess_dupe", user_id: userId, status: "revoked" }));
    const [a, b] = await Promise.all([deliver(0, delivery), deliver(1, delivery)]);
    expect([a.body.outcome, b.body.outcome].sort()).toEqual(["applied", "duplicate"]);
    const replay = await deliver(0, delivery);
    expect(replay).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
  }, 60_000);

  it("a bad signature, a wrong secret, missing headers or an old timestamp: 401, audited as an auth failure, nothing changed", async () => {
    const userId = `user_forged_${kind.name}`;
    const { credentialId, token } = await botUser(userId);
    const event = clerkEvent("user.deleted", { object: "user", id: userId, deleted: true });
    const other = new Webhook(`whsec_${randomBytes(32).toString("base64")}`);
    const tampered = signed(event);
    tampered.body = tampered.body.replace(userId, `${userId}x`);
    const noHeaders = signed(event);
    delete (noHeaders.headers as Record<string, string>)["svix-signature"];
    const before = replicas[0]!.authFailures.length;
    for (const delivery of [signed(event, { secret: other }), tampered, noHeaders, signed(event, { at: new Date(Date.now() - 10 * 60_000) })]) {
      const answer = await deliver(0, delivery);
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe("UNAUTHENTICATED");
    }
    expect(replicas[0]!.authFailures.slice(before)).toEqual(Array(4).fill("webhook-signature-invalid"));
    expect((await replicas[0]!.walletAuth.store.credentials.get(userId, credentialId))?.status).toBe("active");
    expect((await call(1, "POST", `/v1/credentials/${credentialId}/exchange/fetchBalance`, token, {})).status).toBe(200);
  }, 60_000);

  it("a malformed body is 400 and an oversized one 413; nothing recorded", async () => {
    const bad = signed(null, { body: "{not json" });
    expect((await deliver(0, bad)).status).toBe(400);
    const wrongShape = signed(clerkEvent("user.deleted", { object: "user" }));
    expect((await deliver(0, wrongShape)).status).toBe(400);
    expect(await replicas[0]!.walletAuth.store.identityEvents.hasEvent(wrongShape.headers["svix-id"])).toBe(false);
    const huge = signed(clerkEvent("user.updated", { id: "user_big", padding: "x".repeat(300_000) }));
    expect((await deliver(0, huge)).status).toBe(413);
    expect(await replicas[0]!.walletAuth.store.identityEvents.hasEvent(huge.headers["svix-id"])).toBe(false);
  }, 60_000);

  it("organizationMembership events are recorded; an earlier event delivered later does not undo a later one", async () => {
    const userId = `user_member_${kind.name}`;
    const membership = (role: string, updatedAt: number) => ({ object: "organization_membership", id: "orgmem_1", role, updated_at: updatedAt, organization: { id: "org_acme" }, public_user_data: { user_id: userId } });
    const t = Date.now();
    const removed = await deliver(0, signed(clerkEvent("organizationMembership.deleted", membership("org:member", t), t)));
    expect(removed.body.outcome).toBe("applied");
    const late = await deliver(1, signed(clerkEvent("organizationMembership.updated", membership("org:admin", t - 5_000), t - 5_000)));
    expect(late).toMatchObject({ status: 200, body: { outcome: "stale" } });
    const state = await replicas[0]!.walletAuth.store.identityEvents.getMembership("org_acme", userId);
    expect(state).toMatchObject({ status: "removed", role: null });
  }, 60_000);

  it("parallel membership events for one membership, in shuffled order across both replicas: the newest state wins", async () => {
    const userId = `user_race_${kind.name}`;
    const base = Date.now() - 60_000;
    const deliveries = Array.from({ length: 12 }, (_, i) => {
      const data = { object: "organization_membership", role: `org:role_${i}`, updated_at: base + i * 1000, organization: { id: "org_race" }, public_user_data: { user_id: userId } };
      return signed(clerkEvent("organizationMembership.updated", data, base + i * 1000));
    });
    const shuffled = [...deliveries].sort(() => Math.random() - 0.5);
    const answers = await Promise.all(shuffled.map((d, i) => deliver(i % 2, d)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(await replicas[1]!.walletAuth.store.identityEvents.getMembership("org_race", userId)).toMatchObject({ role: "org:role_11", status: "active", eventId: deliveries[11]!.headers["svix-id"] });
  }, 60_000);
});
