import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, fixedKey, ring, TestClock } from "@wallet-auth/testing/scenarios";
import { type LoopbackVenue, type LoopbackVenueId, type VenueAccount, startLoopbackVenue } from "@wallet-auth/testing/venues";
import { AuditTrail } from "../../audit/AuditTrail.js";
import { CredentialService } from "../../credentials/CredentialService.js";
import { createMemoryStore } from "../../memory/createMemoryStore.js";
import type { ExchangeGateway } from "../../ports/ExchangeGateway.js";
import type { KeyPermissions } from "../../ports/KeyPermissions.js";
import { Redacted } from "../../secret/Redacted.js";
import { createCcxtExchangeGateway } from "../CcxtExchangeGateway.js";

// Real ccxt, signing each venue's real protocol, through the venue modules, against the test
// kit's loopback stand-ins: the introspection endpoint each module calls, parsed as the venue
// answers it.

const krakenSecret = (byte: number): string => Buffer.alloc(64, byte).toString("base64");
const ecPem = (): string => generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "sec1", format: "pem" }).toString();
const cdp = (name: string): string => `organizations/0b7a9c3e-org/apiKeys/${name}`;
const EXPIRY = Date.UTC(2031, 5, 1);
const pkcs8 = (type: "ed25519" | "rsa"): string =>
  (type === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ed25519")).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
/** A PEM as it arrives from a Windows clipboard: CRLF line ends and trailing spaces. */
const pasted = (pem: string): string => pem.trim().split("\n").join("  \r\n") + "\r\n";
const binanceEd = { apiKey: "BINANCEED25519000000000000000000000000000000000000000000000000001", secret: pkcs8("ed25519") };
const bybitRsa = { apiKey: "bybit-rsa-pasted", secret: pkcs8("rsa") };
const extra: Partial<Record<LoopbackVenueId, VenueAccount[]>> = {
  binance: [{ credentials: binanceEd, permissions: { trade: true, withdraw: false, ips: [] } }],
  bybit: [{ credentials: bybitRsa, permissions: { trade: true, withdraw: false, ips: [] } }],
};

interface Case {
  id: LoopbackVenueId;
  trader: VenueAccount["credentials"];
  withdrawer: VenueAccount["credentials"];
  /** What the trader key's record must say. */
  trades: Partial<KeyPermissions>;
  /** What the withdrawal key's record must say. */
  withdraws: Partial<KeyPermissions>;
}

const cases: Case[] = [
  {
    id: "binance",
    trader: { apiKey: "BINANCETRADER0000000000000000000000000000000000000000000000000001", secret: "binance-secret-1" },
    withdrawer: { apiKey: "BINANCEWITHDRAWER00000000000000000000000000000000000000000000001", secret: "binance-secret-2" },
    trades: { read: true, spotTrade: true, withdraw: false, ipRestricted: false, allowedIps: [] },
    withdraws: { withdraw: true, ipRestricted: true, allowedIps: ["127.0.0.1", "203.0.113.9"], expiresAt: null },
  },
  {
    id: "okx",
    trader: { apiKey: "okx-trader", secret: "okx-secret-1", password: "okx-pass-1" },
    withdrawer: { apiKey: "okx-withdrawer", secret: "okx-secret-2", password: "okx-pass-2" },
    trades: { read: true, spotTrade: true, withdraw: false, ipRestricted: false, allowedIps: [] },
    withdraws: { withdraw: true, ipRestricted: true, allowedIps: ["127.0.0.1", "203.0.113.9"] },
  },
  {
    id: "bybit",
    trader: { apiKey: "bybit-trader", secret: "bybit-secret-1" },
    withdrawer: { apiKey: "bybit-withdrawer", secret: "bybit-secret-2" },
    trades: { read: true, spotTrade: true, withdraw: false, ipRestricted: false, expiresAt: new Date(EXPIRY).toISOString() },
    withdraws: { withdraw: true, internalTransfer: true, ipRestricted: true, allowedIps: ["127.0.0.1", "203.0.113.9"] },
  },
  {
    id: "kraken",
    trader: { apiKey: "kraken-trader", secret: krakenSecret(1) },
    withdrawer: { apiKey: "kraken-withdrawer", secret: krakenSecret(2) },
    trades: { read: true, spotTrade: true, withdraw: false, ipRestricted: false, expiresAt: new Date(EXPIRY).toISOString() },
    withdraws: { withdraw: true, ipRestricted: true, allowedIps: ["127.0.0.1", "203.0.113.9"] },
  },
  {
    id: "kucoin",
    trader: { apiKey: "kucoin-trader", secret: "kucoin-secret-1", password: "kucoin-pass-1" },
    withdrawer: { apiKey: "kucoin-withdrawer", secret: "kucoin-secret-2", password: "kucoin-pass-2" },
    trades: { read: true, spotTrade: true, withdraw: false, ipRestricted: false },
    withdraws: { withdraw: true, ipRestricted: true, allowedIps: ["127.0.0.1", "203.0.113.9"] },
  },
  {
    id: "bitget",
    trader: { apiKey: "bg_trader", secret: "bitget-secret-1", password: "bitget-pass-1" },
    withdrawer: { apiKey: "bg_withdrawer", secret: "bitget-secret-2", password: "bitget-pass-2" },
    trades: { read: true, spotTrade: true, withdraw: false, ipRestricted: false },
    withdraws: { withdraw: true, ipRestricted: true, allowedIps: ["127.0.0.1", "203.0.113.9"] },
  },
  {
    id: "gate",
    trader: { apiKey: "gate-trader", secret: "gate-secret-1" },
    withdrawer: { apiKey: "gate-withdrawer", secret: "gate-secret-2" },
    // Gate documents no separate withdrawal permission: unknown either way, the wallet one is read.
    trades: { read: true, spotTrade: true, withdraw: "unknown", internalTransfer: false, ipRestricted: false, account: "master" },
    withdraws: { withdraw: "unknown", internalTransfer: true, ipRestricted: true, allowedIps: ["127.0.0.1", "203.0.113.9"] },
  },
  {
    id: "coinbase",
    trader: { apiKey: cdp("trader"), secret: ecPem() },
    withdrawer: { apiKey: cdp("withdrawer"), secret: ecPem() },
    trades: { read: true, spotTrade: true, withdraw: false },
    withdraws: { withdraw: true },
  },
];

const venues = new Map<LoopbackVenueId, LoopbackVenue>();
let gateway: ExchangeGateway;

beforeAll(async () => {
  for (const c of cases) {
    venues.set(
      c.id,
      await startLoopbackVenue(c.id, {
        credentials: c.trader,
        permissions: { trade: true, withdraw: false, ips: [], expiresAt: EXPIRY },
        balances: { BTC: { free: "0.5", locked: "0" }, USDT: { free: "100", locked: "0" } },
        accounts: [{ credentials: c.withdrawer, permissions: { trade: true, withdraw: true, transfer: true, ips: ["127.0.0.1", "203.0.113.9"] } }, ...(extra[c.id] ?? [])],
      }),
    );
  }
  const urls = Object.fromEntries([...venues].map(([id, v]) => [id, v.origin]));
  gateway = createCcxtExchangeGateway({ urls, enableRateLimit: false, timeoutMs: 5000 });
}, 120_000);

afterAll(async () => {
  await Promise.all([...venues.values()].map((v) => v.close()));
});

describe.each(cases)("$id through its venue module, real ccxt, loopback stand-in", (c) => {
  it("reads a trading key's permissions from the venue's introspection endpoint", async () => {
    const info = await gateway.validate({ exchange: c.id, secret: c.trader });
    expect(info.keyPermissions).toMatchObject(c.trades);
    expect(info.permissions).toMatchObject({ read: true, trade: true, withdraw: false });
    expect(info.permissionsReported).toBe(c.trades.withdraw !== "unknown");
  });

  it("reads a withdrawal-enabled key as able to withdraw", async () => {
    const info = await gateway.validate({ exchange: c.id, secret: c.withdrawer });
    expect(info.keyPermissions).toMatchObject(c.withdraws);
    expect(info.permissions.withdraw).toBe(c.withdraws.withdraw === true);
  });
});

describe("CredentialService on the stand-ins", () => {
  const clock = new TestClock();
  const service = () => {
    const store = createMemoryStore({ clock });
    const audit = new AuditTrail({ hashKey: Redacted.make(fixedKey(9)), clock });
    return { store, svc: new CredentialService({ store, keyRing: ring(), fingerprintKey: Redacted.make(fixedKey(5)), exchanges: gateway, audit, clock }) };
  };
  const ctx = { userId: "user_venues" };

  it("OKX: stores the trading key with the venue's record, refuses the withdrawal key, stores nothing for it", async () => {
    const { store, svc } = service();
    const okx = cases.find((c) => c.id === "okx")!;
    const view = await svc.create(ctx, { exchange: "okx", label: "okx", ...okx.trader });
    expect(view.keyPermissions).toMatchObject({ ...okx.trades, account: "master" });
    expect((await failure(svc.create(ctx, { exchange: "okx", label: "w", ...okx.withdrawer }))).code).toBe("CREDENTIAL_WITHDRAWAL_ENABLED");
    expect(store.countRows("api_credentials")).toBe(1);
  });

  it("Gate: a key whose withdrawal permission Gate cannot report is refused, then stored once the owner accepts the risk", async () => {
    const { store, svc } = service();
    const gate = cases.find((c) => c.id === "gate")!;
    expect((await failure(svc.create(ctx, { exchange: "gate", label: "gate", ...gate.trader }))).code).toBe("CREDENTIAL_PERMISSIONS_UNKNOWN");
    expect(store.countRows("api_credentials")).toBe(0);
    const view = await svc.create(ctx, { exchange: "gate", label: "gate", ...gate.trader, acceptUnknownPermissions: true });
    expect(view.permissionRiskAcceptedAt).toEqual(clock.now());
  });

  it("Bybit: the venue's expiredAt replaces a later expiry the user typed", async () => {
    const { svc } = service();
    const bybit = cases.find((c) => c.id === "bybit")!;
    const view = await svc.create(ctx, { exchange: "bybit", label: "bybit", ...bybit.trader, expiresAt: new Date(EXPIRY + 86_400_000) });
    expect(view.expiresAt?.getTime()).toBe(EXPIRY);
    expect(view.keyPermissions?.expiresAt).toBe(new Date(EXPIRY).toISOString());
  });

  it("Binance Ed25519 and Bybit RSA keys pasted with CRLF ends are stored and pass the venue's signature check (raw, ccxt could not sign the Ed25519 one: a credential error, not an outage)", async () => {
    const { store, svc } = service();
    const raw = await failure(gateway.validate({ exchange: "binance", secret: { ...binanceEd, secret: pasted(binanceEd.secret) } }));
    // ccxt threw "Unsupported crypto operation" before sending: the key is at fault (it was a 503 EXCHANGE_UNAVAILABLE).
    expect(raw.code).toBe("CREDENTIAL_INVALID");
    expect(raw.details).toMatchObject({ keyFormat: true });
    const ed = await svc.create(ctx, { exchange: "binance", label: "ed25519", apiKey: binanceEd.apiKey, secret: pasted(binanceEd.secret) });
    expect(ed.keyPermissions).toMatchObject({ read: true, withdraw: false });
    const rsa = await svc.create(ctx, { exchange: "bybit", label: "rsa", apiKey: bybitRsa.apiKey, secret: pasted(bybitRsa.secret) });
    expect(rsa.keyPermissions).toMatchObject({ read: true, withdraw: false });
    expect(store.countRows("api_credentials")).toBe(2);
  });
});
