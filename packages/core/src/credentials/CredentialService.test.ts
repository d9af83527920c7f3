import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RequestContext } from "../context/RequestContext.js";
import type { CredentialService } from "./CredentialService.js";
import type { CredentialCreateInput } from "./credentialSchemas.js";
import { failure, harness, ring, type Harness } from "@wallet-auth/testing/scenarios";

let h: Harness;
let svc: CredentialService;
let n = 0;
const alice: RequestContext = { userId: "user_alice", requestId: "req-1" };
const bob: RequestContext = { userId: "user_bob" };

/** A fresh key on the loopback exchange, so tests do not collide on the duplicate index. */
function newKey(extra: Parameters<Harness["loop"]["addAccount"]>[0]["permissions"] = {}, more: Partial<Parameters<Harness["loop"]["addAccount"]>[0]> = {}) {
  n += 1;
  const apiKey = `APIKEY${n}PLANTEDxyzAbc${n}`;
  const secret = `SECRET${n}-planted-QwErTy-${n}`;
  h.loop.addAccount({ apiKey, secret, balances: { BTC: { free: "1", locked: "0" } }, permissions: { enableSpotAndMarginTrading: true, ...extra }, ...more });
  return { apiKey, secret };
}

beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.loop.close();
});
beforeEach(() => {
  svc = h.service();
  h.loop.setMode("ok");
  h.failingAudit.on = false;
});

describe("CredentialService.create", () => {
  it("validates live, stores sealed, returns a view without secrets, audits in the same write", async () => {
    const key = newKey({ tradingAuthorityExpirationTime: Date.UTC(2026, 5, 1) });
    const view = await svc.create(alice, { exchange: "binance", label: " main ", ...key });
    expect(view).toMatchObject({ exchange: "binance", label: "main", status: "active", keyHint: key.apiKey.slice(-4) });
    expect(view.permissions).toMatchObject({ read: true, trade: true, withdraw: false });
    expect(view.expiresAt?.toISOString()).toBe("2026-06-01T00:00:00.000Z");
    expect(Object.keys(view).sort()).toEqual(["createdAt", "exchange", "expiresAt", "id", "keyHint", "keyPermissions", "label", "lastUsedAt", "lastValidatedAt", "permissionRiskAcceptedAt", "permissions", "status", "updatedAt"]);
    expect(view.keyPermissions).toMatchObject({ read: true, spotTrade: true, withdraw: false, ipRestricted: false, allowedIps: [], expiresAt: "2026-06-01T00:00:00.000Z" });
    expect(view.permissionRiskAcceptedAt).toBeNull();
    expect(await svc.get(alice, view.id)).toEqual(view);
    expect((await svc.list(alice)).map((v) => v.id)).toContain(view.id);
    const events = await h.events(alice.userId);
    expect(events.filter((e) => e.action === "credential.create" && e.targetId === view.id && e.outcome === "success")).toHaveLength(1);
  });

  it("names missing or malformed fields only, never values", async () => {
    const bad = await failure(svc.create(alice, { exchange: "binance", label: "x", apiKey: "has space PLANTED", extra: "PLANTED-EXTRA" } as unknown as CredentialCreateInput));
    expect(bad.code).toBe("INVALID_INPUT");
    expect(bad.details).toEqual({ fields: ["(unknown)", "apiKey", "secret"] });
    expect(JSON.stringify(bad) + inspect(bad)).not.toContain("PLANTED");
    const okx = await failure(svc.create(alice, { exchange: "okx", label: "x", apiKey: "a", secret: "b" }));
    expect(okx.details).toEqual({ fields: ["password"] });
    expect((await failure(svc.create(alice, { exchange: "nope", label: "x", apiKey: "a", secret: "b" }))).code).toBe("EXCHANGE_UNSUPPORTED");
  });

  it("refuses withdrawal-enabled keys unless the caller opts in and the policy allows", async () => {
    const key = newKey({ enableWithdrawals: true });
    expect((await failure(svc.create(alice, { exchange: "binance", label: "w", ...key }))).code).toBe("CREDENTIAL_WITHDRAWAL_ENABLED");
    expect((await failure(svc.create(alice, { exchange: "binance", label: "w", ...key, allowWithdrawal: true }))).code).toBe("CREDENTIAL_WITHDRAWAL_ENABLED");
    const permissive = h.service({ allowWithdrawal: true });
    expect((await failure(permissive.create(alice, { exchange: "binance", label: "w", ...key }))).code).toBe("CREDENTIAL_WITHDRAWAL_ENABLED");
    const view = await permissive.create(alice, { exchange: "binance", label: "w", ...key, allowWithdrawal: true });
    expect(view.permissions?.withdraw).toBe(true);
  });

  it("stores nothing when the exchange refuses the key, and audits the refusal", async () => {
    const key = newKey();
    const before = h.memory.countRows("api_credentials");
    const error = await failure(svc.create(alice, { exchange: "binance", label: "bad", apiKey: key.apiKey, secret: key.secret + "x" }));
    expect(error.code).toBe("CREDENTIAL_INVALID");
    expect(h.memory.countRows("api_credentials")).toBe(before);
    const events = await h.events(alice.userId);
    expect(events.some((e) => e.action === "credential.create" && e.outcome === "denied" && e.details.code === "CREDENTIAL_INVALID")).toBe(true);
  });

  it("maps exchange trouble on create: down, rate limited, IP restricted", async () => {
    const key = newKey();
    h.loop.setMode("down");
    expect((await failure(svc.create(alice, { exchange: "binance", label: "d", ...key }))).code).toBe("EXCHANGE_UNAVAILABLE");
    h.loop.setMode("rate-limited");
    expect((await failure(svc.create(alice, { exchange: "binance", label: "d", ...key }))).code).toBe("EXCHANGE_RATE_LIMITED");
    h.loop.setMode("ok");
    const ipKey = newKey({ ipRestrict: true }, { allowedIps: ["198.51.100.7"] });
    expect((await failure(svc.create(alice, { exchange: "binance", label: "ip", ...ipKey }))).code).toBe("CREDENTIAL_INVALID");
    const ipOk = newKey({ ipRestrict: true }, { allowedIps: ["127.0.0.1"] });
    expect((await svc.create(alice, { exchange: "binance", label: "ip", ...ipOk })).permissions?.ipRestricted).toBe(true);
  });

  it("refuses the same API key twice, for any user, without storing the key", async () => {
    const key = newKey();
    await svc.create(alice, { exchange: "binance", label: "a", ...key });
    expect((await failure(svc.create(bob, { exchange: "binance", label: "b", ...key }))).code).toBe("CREDENTIAL_DUPLICATE");
    const results = await Promise.allSettled([0, 1].map(() => svc.create(bob, { exchange: "binance", label: "c", ...newKeyShared })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(h.memory.dump()).not.toContain(key.apiKey);
  });

  it("is atomic with its audit event: a failing audit write leaves no credential", async () => {
    const key = newKey();
    const before = h.memory.countRows("api_credentials");
    h.failingAudit.on = true;
    const error = await failure(svc.create(alice, { exchange: "binance", label: "atomic", ...key }));
    h.failingAudit.on = false;
    expect(error.code).toBe("AUDIT_UNAVAILABLE");
    expect(h.memory.countRows("api_credentials")).toBe(before);
    await svc.create(alice, { exchange: "binance", label: "atomic", ...key });
  });
});

let newKeyShared: { apiKey: string; secret: string };
beforeAll(() => {
  newKeyShared = { apiKey: "SHAREDKEYforRace0001", secret: "shared-race-secret" };
  h.loop.addAccount({ ...newKeyShared, permissions: { enableSpotAndMarginTrading: true } });
});

describe("CredentialService access control", () => {
  it("treats another user's id exactly like a missing one", async () => {
    const view = await svc.create(alice, { exchange: "binance", label: "mine", ...newKey() });
    for (const id of [view.id, "00000000-0000-4000-8000-000000000000"]) {
      expect((await failure(svc.get(bob, id))).toJSON()).toEqual({ code: "NOT_FOUND", message: "The resource was not found." });
      expect((await failure(svc.use(bob, id, () => "x"))).code).toBe("NOT_FOUND");
      expect((await failure(svc.delete(bob, id))).code).toBe("NOT_FOUND");
      expect((await failure(svc.update(bob, id, { label: "hijack" }))).code).toBe("NOT_FOUND");
      expect((await failure(svc.disable(bob, id))).code).toBe("NOT_FOUND");
    }
    const bobDenials = (await h.events(bob.userId)).filter((e) => e.action === "credential.use" && e.outcome === "denied");
    expect(bobDenials.map((e) => e.details.code)).toEqual(["NOT_FOUND", "NOT_FOUND"]);
    expect((await svc.get(alice, view.id)).label).toBe("mine");
  });
});

describe("CredentialService.update (renewal)", () => {
  it("keeps the old key when the new one fails validation, switches when it passes", async () => {
    const oldKey = newKey();
    const view = await svc.create(alice, { exchange: "binance", label: "r", ...oldKey });
    const next = newKey();
    expect((await failure(svc.update(alice, view.id, { apiKey: next.apiKey, secret: "wrong" }))).code).toBe("CREDENTIAL_INVALID");
    expect(await svc.use(alice, view.id, (s) => s.apiKey)).toBe(oldKey.apiKey);
    expect((await failure(svc.update(alice, view.id, { apiKey: next.apiKey }))).details).toEqual({ fields: ["secret"] });
    const renewed = await svc.update(alice, view.id, { ...next, label: "renewed" });
    expect(renewed).toMatchObject({ label: "renewed", keyHint: next.apiKey.slice(-4), status: "active" });
    expect(await svc.use(alice, view.id, (s) => s.secret)).toBe(next.secret);
  });
});

describe("CredentialService status, use and leases", () => {
  it("refuses disabled, invalid and expired credentials with their codes", async () => {
    const key = newKey();
    const view = await svc.create(alice, { exchange: "binance", label: "s", ...key, expiresAt: new Date(h.clock.ms + 3 * 86_400_000).toISOString() });
    await svc.disable(alice, view.id);
    expect((await failure(svc.use(alice, view.id, () => 1))).code).toBe("CREDENTIAL_DISABLED");
    await svc.enable(alice, view.id);
    expect(await svc.use(alice, view.id, () => 1)).toBe(1);
    const expiry = await svc.checkExpiry();
    expect(expiry.warned).toBeGreaterThanOrEqual(1);
    expect((await h.events(alice.userId)).some((e) => e.action === "credential.expiring" && e.targetId === view.id)).toBe(true);
    expect((await svc.checkExpiry()).warned).toBe(0);
    h.clock.advance(4 * 86_400_000);
    try {
      expect((await failure(svc.use(alice, view.id, () => 1))).code).toBe("CREDENTIAL_EXPIRED");
      expect((await svc.checkExpiry()).expired).toBeGreaterThanOrEqual(1);
      expect((await svc.get(alice, view.id)).status).toBe("expired");
    } finally {
      h.clock.advance(-4 * 86_400_000);
    }
  });

  it("revalidate keeps the status on transient failure and marks refused keys invalid", async () => {
    const key = newKey();
    const view = await svc.create(alice, { exchange: "binance", label: "rv", ...key });
    h.loop.setMode("down");
    expect(await svc.revalidate(alice, view.id)).toMatchObject({ outcome: "unchanged", code: "EXCHANGE_UNAVAILABLE", credential: { status: "active" } });
    h.loop.setMode("ok");
    h.loop.addAccount({ ...key, permissions: { enableSpotAndMarginTrading: true, enableWithdrawals: true } });
    expect(await svc.revalidate(alice, view.id)).toMatchObject({ outcome: "invalid", code: "CREDENTIAL_WITHDRAWAL_ENABLED" });
    h.loop.addAccount({ ...key, permissions: { enableSpotAndMarginTrading: true } });
    expect(await svc.revalidate(alice, view.id)).toMatchObject({ outcome: "valid", credential: { status: "active" } });
    h.loop.removeAccount(key.apiKey);
    expect(await svc.revalidate(alice, view.id)).toMatchObject({ outcome: "invalid", code: "CREDENTIAL_INVALID", credential: { status: "invalid" } });
    expect((await failure(svc.use(alice, view.id, () => 1))).code).toBe("CREDENTIAL_INVALID");
  });

  it("audits every use() and throttles lastUsedAt", async () => {
    const view = await svc.create(alice, { exchange: "binance", label: "u", ...newKey() });
    await svc.use(alice, view.id, () => 1);
    const first = (await svc.get(alice, view.id)).lastUsedAt;
    h.clock.advance(1000);
    await svc.use(alice, view.id, () => 1);
    expect((await svc.get(alice, view.id)).lastUsedAt).toEqual(first);
    h.clock.advance(60_000);
    await svc.use(alice, view.id, () => 1);
    expect((await svc.get(alice, view.id)).lastUsedAt?.getTime()).toBe(h.clock.ms);
    const uses = (await h.events(alice.userId)).filter((e) => e.action === "credential.use" && e.targetId === view.id);
    expect(uses).toHaveLength(3);
  });

  it("a lease writes one use event and one closing event with the count", async () => {
    const key = newKey();
    const view = await svc.create(alice, { exchange: "binance", label: "l", ...key });
    const lease = await svc.lease(alice, view.id, { ttlMs: 60_000 });
    for (let i = 0; i < 100; i += 1) expect(await lease.use((s) => s.apiKey)).toBe(key.apiKey);
    expect(await lease.close()).toMatchObject({ uses: 100, endedBy: "closed" });
    const events = (await h.events(alice.userId)).filter((e) => e.targetId === view.id);
    expect(events.filter((e) => e.action === "credential.use")).toHaveLength(1);
    expect(events.filter((e) => e.action === "credential.lease_end").map((e) => e.details.uses)).toEqual([100]);
    expect((await failure(lease.use(() => 1))).code).toBe("CREDENTIAL_UNAVAILABLE");
  });

  it("a lease ends at its TTL and when the credential is disabled", async () => {
    const view = await svc.create(alice, { exchange: "binance", label: "l2", ...newKey() });
    const short = await svc.lease(alice, view.id, { ttlMs: 1000 });
    h.clock.advance(1001);
    const expired = await failure(short.use(() => 1));
    expect(expired.reason).toBe("lease-expired");
    const lease = await svc.lease(alice, view.id);
    await svc.disable(alice, view.id);
    expect((await failure(lease.use(() => 1))).reason).toBe("lease-revoked");
    const ends = (await h.events(alice.userId)).filter((e) => e.targetId === view.id && e.action === "credential.lease_end");
    expect(ends.map((e) => e.details.endedBy).sort()).toEqual(["expired", "revoked"]);
  });
});

describe("CredentialService decryption failures", () => {
  it("gives the generic error and an audit event for a tampered record and for a wrong key ring", async () => {
    const view = await svc.create(alice, { exchange: "binance", label: "t", ...newKey() });
    const other = h.service(undefined, ring(2));
    const wrongKey = await failure(other.use(alice, view.id, () => 1));
    expect(wrongKey.toJSON()).toEqual({ code: "DECRYPTION_FAILED", message: "The protected record could not be opened." });
    const record = await h.memory.credentials.get(alice.userId, view.id);
    if (record === null) throw new Error("missing");
    const flipped = record.sealedSecret.slice(0, -6) + (record.sealedSecret.at(-6) === "A" ? "B" : "A") + record.sealedSecret.slice(-5);
    await h.memory.credentials.replaceSealedIfKey(view.id, record.keyId, { sealedSecret: flipped, keyId: record.keyId, formatVersion: record.formatVersion });
    const tampered = await failure(svc.use(alice, view.id, () => 1));
    expect(tampered.code).toBe("DECRYPTION_FAILED");
    expect((await failure(svc.lease(alice, view.id))).code).toBe("DECRYPTION_FAILED");
    const failures = (await h.events(alice.userId)).filter((e) => e.action === "credential.decrypt" && e.targetId === view.id);
    expect(failures.length).toBe(3);
    expect(failures.every((e) => e.outcome === "failure")).toBe(true);
  });
});
