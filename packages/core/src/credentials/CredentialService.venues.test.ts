import { generateKeyPairSync } from "node:crypto";
import { inspect } from "node:util";
import { beforeEach, describe, expect, it } from "vitest";
import { failure, fixedKey, ring, TestClock } from "@wallet-auth/testing/scenarios";
import { AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import { createMemoryStore, type MemoryWalletAuthStore } from "../memory/createMemoryStore.js";
import type { ExchangeCallInput, ExchangeGateway, ExchangeKeyInfo } from "../ports/ExchangeGateway.js";
import { type KeyPermissions, unknownKeyPermissions } from "../ports/KeyPermissions.js";
import { Redacted } from "../secret/Redacted.js";
import { PrivacyService } from "../privacy/PrivacyService.js";
import { CredentialService } from "./CredentialService.js";

const alice: RequestContext = { userId: "user_alice", requestId: "req-v" };

/** A gateway whose `validate` answers what the test sets, recording the secrets it was given. */
function scriptedGateway() {
  const seen: ExchangeCallInput[] = [];
  let answer: KeyPermissions = { ...unknownKeyPermissions(), read: true, spotTrade: true, withdraw: false };
  const gateway: ExchangeGateway = {
    describe: async (exchange) => ({ exchange, requiredFields: ["apiKey", "secret"], reportsPermissions: true }),
    validate: async (input) => {
      seen.push(input);
      const info: ExchangeKeyInfo = {
        permissions: { read: answer.read === true, trade: answer.spotTrade === true, withdraw: answer.withdraw === true },
        keyPermissions: answer,
        expiresAt: answer.expiresAt === null ? null : new Date(answer.expiresAt),
        permissionsReported: answer.withdraw !== "unknown",
      };
      return info;
    },
    fetchBalances: () => Promise.reject(new Error("unused")),
    fetchHistory: () => Promise.reject(new Error("unused")),
    proxy: () => Promise.reject(new Error("unused")),
  };
  return { gateway, seen, set: (kp: Partial<KeyPermissions>) => (answer = { ...unknownKeyPermissions(), read: true, ...kp }) };
}

let store: MemoryWalletAuthStore;
let exchanges: ReturnType<typeof scriptedGateway>;
let svc: CredentialService;
const clock = new TestClock();
let n = 0;
const key = () => ({ apiKey: `VENUEKEY${++n}abcdef`, secret: `venue-secret-${n}` });
const events = async () => (await store.audit.query({ subjectUserId: alice.userId, limit: 100 })).items;

beforeEach(() => {
  store = createMemoryStore({ clock });
  exchanges = scriptedGateway();
  const audit = new AuditTrail({ hashKey: Redacted.make(fixedKey(9)), clock });
  svc = new CredentialService({ store, keyRing: ring(), fingerprintKey: Redacted.make(fixedKey(5)), exchanges: exchanges.gateway, audit, clock });
});

describe("CredentialService: keys whose withdrawal permission is unknown", () => {
  it("refuses a key whose venue does not say whether it can withdraw, with CREDENTIAL_PERMISSIONS_UNKNOWN, storing nothing", async () => {
    exchanges.set({ withdraw: "unknown" });
    const error = await failure(svc.create(alice, { exchange: "gate", label: "g", ...key() }));
    expect(error.code).toBe("CREDENTIAL_PERMISSIONS_UNKNOWN");
    expect(error.message).toMatch(/does not say whether this API key can withdraw/);
    expect(store.countRows("api_credentials")).toBe(0);
    expect((await events()).map((e) => [e.action, e.outcome, e.details.code])).toContainEqual(["credential.create", "denied", "CREDENTIAL_PERMISSIONS_UNKNOWN"]);
  });

  it("stores it when the owner accepts the risk: the acceptance is audited and recorded on the credential", async () => {
    exchanges.set({ withdraw: "unknown", ipRestricted: true, allowedIps: ["203.0.113.9"], account: "sub" });
    const view = await svc.create(alice, { exchange: "gate", label: "g", ...key(), acceptUnknownPermissions: true });
    expect(view.permissionRiskAcceptedAt).toEqual(clock.now());
    expect(view.keyPermissions).toMatchObject({ withdraw: "unknown", ipRestricted: true, allowedIps: ["203.0.113.9"], account: "sub" });
    expect(view.permissions).toMatchObject({ withdraw: false });
    const created = (await events()).find((e) => e.action === "credential.create" && e.outcome === "success");
    expect(created?.details).toMatchObject({ permissionRiskAccepted: "withdraw-unknown" });
    // The owner's export (GDPR art. 15) carries the venue's record and the acceptance too.
    const privacy = new PrivacyService({ store, audit: new AuditTrail({ hashKey: Redacted.make(fixedKey(9)), clock }), clock, endLeasesOf: async () => {} });
    const exported = (await privacy.export(alice)).credentials.find((c) => c.id === view.id);
    expect(exported).toMatchObject({ keyPermissions: { allowedIps: ["203.0.113.9"], account: "sub" }, permissionRiskAcceptedAt: clock.now() });
  });

  it("a known withdrawal-enabled key stays refused even when the owner accepts unknown permissions", async () => {
    exchanges.set({ withdraw: true });
    expect((await failure(svc.create(alice, { exchange: "bybit", label: "w", ...key(), acceptUnknownPermissions: true }))).code).toBe("CREDENTIAL_WITHDRAWAL_ENABLED");
  });

  it("records no acceptance for a key whose withdrawal is known to be off, even when the flag is sent", async () => {
    exchanges.set({ withdraw: false });
    const view = await svc.create(alice, { exchange: "okx", label: "o", ...key(), password: "pass phrase", acceptUnknownPermissions: true });
    expect(view.permissionRiskAcceptedAt).toBeNull();
  });

  it("the venue's expiry replaces a later one the user typed, and a renewal re-decides the acceptance", async () => {
    exchanges.set({ withdraw: false, expiresAt: "2026-03-01T00:00:00.000Z" });
    const view = await svc.create(alice, { exchange: "bybit", label: "b", ...key(), expiresAt: "2027-01-01T00:00:00.000Z" });
    expect(view.expiresAt?.toISOString()).toBe("2026-03-01T00:00:00.000Z");
    exchanges.set({ withdraw: "unknown" });
    expect((await failure(svc.update(alice, view.id, { ...key() }))).code).toBe("CREDENTIAL_PERMISSIONS_UNKNOWN");
    const renewed = await svc.update(alice, view.id, { ...key(), acceptUnknownPermissions: true });
    expect(renewed.permissionRiskAcceptedAt).toEqual(clock.now());
  });
});

describe("CredentialService: the venue's own record after creation", () => {
  it("an expiry edited (or cleared) later cannot go past the expiry the venue reported for the key", async () => {
    exchanges.set({ withdraw: false, expiresAt: "2026-03-01T00:00:00.000Z" });
    const view = await svc.create(alice, { exchange: "bybit", label: "b", ...key() });
    expect((await svc.update(alice, view.id, { expiresAt: "2027-01-01T00:00:00.000Z" })).expiresAt?.toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect((await svc.update(alice, view.id, { expiresAt: null })).expiresAt?.toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect((await svc.update(alice, view.id, { expiresAt: "2026-02-01T00:00:00.000Z" })).expiresAt?.toISOString()).toBe("2026-02-01T00:00:00.000Z");
  });

  it("revalidation refreshes the record (a key that gained an IP list) and keeps the owner's earlier acceptance", async () => {
    exchanges.set({ withdraw: "unknown" });
    const view = await svc.create(alice, { exchange: "gate", label: "g", ...key(), acceptUnknownPermissions: true });
    exchanges.set({ withdraw: "unknown", ipRestricted: true, allowedIps: ["198.51.100.4"] });
    const result = await svc.revalidate(alice, view.id);
    expect(result.outcome).toBe("valid");
    expect(result.credential.keyPermissions).toMatchObject({ ipRestricted: true, allowedIps: ["198.51.100.4"] });
    expect(result.credential.permissionRiskAcceptedAt).toEqual(view.permissionRiskAcceptedAt);
    const audited = (await events()).find((e) => e.action === "credential.revalidate" && e.targetId === view.id);
    expect(audited?.details).toMatchObject({ permissionsChanged: "allowedIps,ipRestricted" });
  });
});

describe("CredentialService.checkPermissionDrift", () => {
  it("validates again the keys least recently validated, counts drift, marks a key that gained withdrawal invalid, and skips fresh ones", async () => {
    exchanges.set({ withdraw: false, ipRestricted: true, allowedIps: ["198.51.100.4"] });
    const a = await svc.create(alice, { exchange: "bybit", label: "a", ...key() });
    const b = await svc.create(alice, { exchange: "bybit", label: "b", ...key() });
    // Nothing is due yet: both were validated just now.
    expect(await svc.checkPermissionDrift({ olderThanMs: 3_600_000 })).toEqual({ checked: 0, changed: 0, invalid: 0, unchanged: 0 });
    clock.advance(2 * 3_600_000);
    // On the venue, the IP allowlist was removed and withdrawal switched on.
    exchanges.set({ withdraw: true, ipRestricted: false, allowedIps: [] });
    exchanges.seen.length = 0;
    const result = await svc.checkPermissionDrift({ olderThanMs: 3_600_000 });
    expect(result).toEqual({ checked: 2, changed: 2, invalid: 2, unchanged: 0 });
    expect(exchanges.seen).toHaveLength(2);
    for (const id of [a.id, b.id]) {
      const view = await svc.get(alice, id);
      expect(view.status).toBe("invalid");
      expect(view.keyPermissions).toMatchObject({ withdraw: true, ipRestricted: false });
    }
    const audited = (await events()).filter((e) => e.action === "credential.revalidate" && e.actorType === "system");
    expect(audited.map((e) => e.details.permissionsChanged)).toEqual(["allowedIps,ipRestricted,withdraw", "allowedIps,ipRestricted,withdraw"]);
    // Invalid keys are no longer active: the next run has nothing to do.
    clock.advance(2 * 3_600_000);
    expect((await svc.checkPermissionDrift({ olderThanMs: 3_600_000 })).checked).toBe(0);
  });

  it("refuses nonsense options naming them", async () => {
    expect((await failure(svc.checkPermissionDrift({ batchSize: 0 }))).details).toEqual({ fields: ["batchSize", "olderThanMs"] });
    expect((await failure(svc.checkPermissionDrift({ olderThanMs: Number.NaN }))).code).toBe("INVALID_INPUT");
  });
});

/** Every malformed format: a coded refusal naming the field, nothing stored, no live call. */
describe("CredentialService: each venue's key format is checked before any live call", () => {
  const ed = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }) as string;
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;
  const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "sec1", format: "pem" }) as string;
  const encrypted = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "PLANTED-PASS" }) as string;
  const krakenSecret = Buffer.alloc(64, 7).toString("base64");
  const cdpName = "organizations/0b8f0c4e-0000-4000-8000-000000000001/apiKeys/4b0f9d3a-0000-4000-8000-000000000002";

  const cases: [string, string, Record<string, string>, string[], string][] = [
    ["okx without a passphrase", "okx", { apiKey: "k", secret: "s" }, ["password"], "required"],
    ["kucoin without a passphrase", "kucoin", { apiKey: "k", secret: "s", password: "  " }, ["password"], "required"],
    ["bitget without a passphrase", "bitget", { apiKey: "k", secret: "s" }, ["password"], "required"],
    ["coinbaseexchange without a passphrase", "coinbaseexchange", { apiKey: "k", secret: "s" }, ["password"], "required"],
    ["binance with an encrypted PEM", "binance", { apiKey: "k", secret: encrypted }, ["secret"], "pem-encrypted"],
    ["binance with a broken PEM", "binance", { apiKey: "k", secret: "-----BEGIN PRIVATE KEY-----\nPLANTEDnotbase64\n-----END PRIVATE KEY-----" }, ["secret"], "pem-invalid"],
    ["binance with an EC key", "binance", { apiKey: "k", secret: ec }, ["secret"], "key-type-not-accepted"],
    ["bybit with an Ed25519 key (ccxt signs Bybit PEMs as RSA)", "bybit", { apiKey: "k", secret: ed }, ["secret"], "key-type-not-accepted"],
    ["kraken with a secret that is not base64", "kraken", { apiKey: "k", secret: "PLANTED-not-base64-at-all" }, ["secret"], "not-base64-64-bytes"],
    ["kraken with base64 of 32 bytes", "kraken", { apiKey: "k", secret: Buffer.alloc(32, 1).toString("base64") }, ["secret"], "not-base64-64-bytes"],
    ["coinbase with a legacy key id", "coinbase", { apiKey: "PLANTEDlegacy", secret: ec }, ["apiKey"], "not-cdp-key-name"],
    ["coinbase with an Ed25519 key", "coinbase", { apiKey: cdpName, secret: ed }, ["secret"], "key-type-not-accepted"],
    ["coinbase with an HMAC-looking secret", "coinbase", { apiKey: cdpName, secret: "PLANTEDhmacsecret" }, ["secret"], "pem-invalid"],
  ];

  for (const [name, exchange, fields, refused, problem] of cases) {
    it(`refuses ${name}: INVALID_INPUT naming ${refused.join(", ")} (${problem}), nothing stored`, async () => {
      const error = await failure(svc.create(alice, { exchange, label: "x", ...(fields as { apiKey: string; secret: string }) }));
      expect([error.code, error.details?.fields, error.details?.problem]).toEqual(["INVALID_INPUT", refused, problem]);
      expect(typeof error.details?.hint).toBe("string");
      expect(JSON.stringify(error) + inspect(error) + String(error.details?.hint)).not.toMatch(/PLANTED|BEGIN/);
      expect(exchanges.seen).toHaveLength(0);
      expect(store.countRows("api_credentials")).toBe(0);
    });
  }

  it("hands the live call the canonical key: an Ed25519 PEM pasted with CRLF ends and trailing spaces arrives as LF, short enough for ccxt to sign it as Ed25519", async () => {
    const pasted = ed.trim().split("\n").join("  \r\n") + "\r\n";
    expect(pasted.length).toBeGreaterThan(120);
    await svc.create(alice, { exchange: "binance", label: "ed", apiKey: "EDKEY1", secret: pasted });
    const sent = exchanges.seen[0]?.secret.secret ?? "";
    expect(sent).toBe(ed.trim());
    expect(sent.length).toBeLessThanOrEqual(120);
  });

  it("accepts each venue's well-formed keys: RSA for Binance and Bybit, ES256 for Coinbase, 64-byte base64 for Kraken, a JSON-escaped PEM", async () => {
    await svc.create(alice, { exchange: "binance", label: "r", apiKey: "RSAKEY1", secret: rsa });
    await svc.create(alice, { exchange: "bybit", label: "r", apiKey: "RSAKEY2", secret: rsa.replace(/\n/g, "\\n") });
    expect(exchanges.seen[1]?.secret.secret).toBe(rsa.trim());
    await svc.create(alice, { exchange: "coinbase", label: "c", apiKey: cdpName, secret: ec });
    await svc.create(alice, { exchange: "kraken", label: "k", apiKey: "KRAKENKEY", secret: ` ${krakenSecret}\n` });
    expect(exchanges.seen[3]?.secret.secret).toBe(krakenSecret);
    expect(store.countRows("api_credentials")).toBe(4);
  });
});
