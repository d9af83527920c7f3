import { describe, expect, it } from "vitest";
import { KeyRing } from "../crypto/KeyRing.js";
import { createMemoryStore } from "../memory/createMemoryStore.js";
import { createCcxtExchangeGateway } from "../ccxt/CcxtExchangeGateway.js";
import { Redacted } from "../secret/Redacted.js";
import { createWalletAuth } from "../setup/createWalletAuth.js";

const key = (b: number) => new Uint8Array(32).fill(b);
// Never called: credentials are not validated on create here, and nothing is proxied.
const noExchange = createCcxtExchangeGateway({ urls: { binance: "http://127.0.0.1:9" }, enableRateLimit: false, timeoutMs: 1_000 });

function services() {
  return createWalletAuth({
    store: createMemoryStore(),
    keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
    secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
    exchanges: noExchange,
    credentialPolicy: { validateOnCreate: false },
    siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
  });
}
const event = (type: string, data: Record<string, unknown>, timestamp = Date.now()) => ({ object: "event", type, data, timestamp });

describe("DeprovisioningService", () => {
  it("user.deleted revokes every bot token, disables every credential (kept, not erased), refuses the user's sessions, and audits account.deprovision", async () => {
    const auth = services();
    const ctx = { userId: "user_leaver" };
    const credential = await auth.credentials.create(ctx, { exchange: "binance", label: "bot", apiKey: "LEAVERKEY0000000000000000000001", secret: "leaver-secret-ssssssssssssssssss" });
    const { token } = await auth.tokens.create(ctx, { label: "bot", scopes: ["exchange:read"], credentialIds: [credential.id] });
    expect(await auth.deprovisioning.isRevoked("sess_any", ctx.userId)).toBe(false);
    expect(await auth.deprovisioning.handle({ id: "msg_1", event: event("user.deleted", { id: ctx.userId, deleted: true }) })).toEqual({ outcome: "applied", type: "user.deleted" });
    await expect(auth.tokens.authenticate(token)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect((await auth.store.credentials.get(ctx.userId, credential.id))?.status).toBe("disabled");
    expect(await auth.deprovisioning.isRevoked("sess_any", ctx.userId)).toBe(true);
    expect(await auth.deprovisioning.isRevoked(null, ctx.userId)).toBe(true);
    const page = await auth.store.audit.query({ subjectUserId: ctx.userId, limit: 50 } as never);
    expect(page.items.map((e) => e.action)).toEqual(expect.arrayContaining(["account.deprovision", "token.revoke", "credential.disable"]));
  });

  it("user.deleted for a user never seen here refuses their sessions and records the delivery, with nothing else to stop", async () => {
    const auth = services();
    expect((await auth.deprovisioning.handle({ id: "msg_u", event: event("user.deleted", { id: "user_stranger", deleted: true }) })).outcome).toBe("applied");
    expect(await auth.deprovisioning.isRevoked(null, "user_stranger")).toBe(true);
    expect(await auth.store.users.get("user_stranger")).toBeNull();
  });

  it("a delivery id is processed once, also when two arrive in parallel; a replay changes nothing", async () => {
    const auth = services();
    const delivery = { id: "msg_same", event: event("session.revoked", { id: "sess_one", user_id: "user_a" }) };
    const outcomes = (await Promise.all([auth.deprovisioning.handle(delivery), auth.deprovisioning.handle(delivery)])).map((r) => r.outcome).sort();
    expect(outcomes).toEqual(["applied", "duplicate"]);
    expect((await auth.deprovisioning.handle(delivery)).outcome).toBe("duplicate");
    expect(await auth.deprovisioning.isRevoked("sess_one", "user_a")).toBe(true);
    expect(await auth.deprovisioning.isRevoked("sess_two", "user_a")).toBe(false);
  });

  it("an older membership event delivered after a newer one is recorded as stale and does not undo it", async () => {
    const auth = services();
    const data = (role: string, updatedAt: number) => ({ role, updated_at: updatedAt, organization: { id: "org_1" }, public_user_data: { user_id: "user_m" } });
    expect((await auth.deprovisioning.handle({ id: "msg_m2", event: event("organizationMembership.updated", data("org:member", 2_000)) })).outcome).toBe("applied");
    expect((await auth.deprovisioning.handle({ id: "msg_m3", event: event("organizationMembership.deleted", data("org:member", 3_000)) })).outcome).toBe("applied");
    expect((await auth.deprovisioning.handle({ id: "msg_m1", event: event("organizationMembership.updated", data("org:admin", 1_000)) })).outcome).toBe("stale");
    expect(await auth.store.identityEvents.getMembership("org_1", "user_m")).toMatchObject({ status: "removed", role: null, eventId: "msg_m3" });
    expect(await auth.store.identityEvents.hasEvent("msg_m1")).toBe(true);
  });

  it("a malformed event is INVALID_INPUT and records nothing; an unknown type is recorded and ignored", async () => {
    const auth = services();
    for (const bad of [null, "x", { type: "user.deleted" }, event("user.deleted", { id: 42 }), event("session.revoked", { id: "sess_x" }), event("organizationMembership.deleted", { role: "r" })]) {
      await expect(auth.deprovisioning.handle({ id: "msg_bad", event: bad })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    }
    await expect(auth.deprovisioning.handle({ id: "", event: event("user.updated", {}) })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await auth.store.identityEvents.hasEvent("msg_bad")).toBe(false);
    expect((await auth.deprovisioning.handle({ id: "msg_other", event: event("user.updated", { id: "user_x" }) })).outcome).toBe("ignored");
  });
});
