import { generateKeyPairSync } from "node:crypto";
import { type LoopbackVenue, type LoopbackVenueId, type VenueCredentials, startLoopbackVenue } from "@wallet-auth/testing/venues";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpHarness, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

/**
 * Every venue through the HTTP API, against the test kit's loopback stand-in of that venue (real
 * ccxt signing each venue's own protocol, the stand-in verifying it as the venue does): add with
 * live validation, validate, balances, history and a proxied order; a withdrawal key refused; a key
 * whose withdrawal permission is unknown refused unless accepted with a fresh step-up.
 */

const EXPIRY = Date.UTC(2031, 5, 1);
const ALLOWED = ["127.0.0.1", "203.0.113.9"];
const krakenSecret = (byte: number): string => Buffer.alloc(64, byte).toString("base64");
const ecPem = (): string => generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "sec1", format: "pem" }).toString();
const cdp = (name: string): string => `organizations/0b7a9c3e-org/apiKeys/${name}`;

interface Case {
  id: LoopbackVenueId;
  /** Trading key, IP-bound to the stand-in's view of us, with a venue-side expiry. */
  trader: VenueCredentials;
  /** Same venue, may withdraw. */
  withdrawer: VenueCredentials;
  /** A trading key with no IP list (Binance reports trading-authority expiry only for these). */
  open: VenueCredentials;
  /** Whether the venue reports when a key expires. */
  reportsExpiry: boolean;
  /** Whether the venue reports the IP allowlist through the key-introspection call. */
  reportsIps: boolean;
  /** Gate documents no withdrawal permission: its keys are "unknown". */
  unknown?: true;
}

const cases: Case[] = [
  {
    id: "binance",
    trader: { apiKey: "VENUEHTTPBINANCETRADER000000000000000000000000000000000000000001", secret: "binance-http-secret-1" },
    withdrawer: { apiKey: "VENUEHTTPBINANCEWITHDRAW0000000000000000000000000000000000000001", secret: "binance-http-secret-2" },
    open: { apiKey: "VENUEHTTPBINANCEOPEN00000000000000000000000000000000000000000001", secret: "binance-http-secret-3" },
    reportsExpiry: true,
    reportsIps: true,
  },
  {
    id: "okx",
    trader: { apiKey: "okx-http-trader", secret: "okx-http-secret-1", password: "okx-pass-1" },
    withdrawer: { apiKey: "okx-http-withdrawer", secret: "okx-http-secret-2", password: "okx-pass-2" },
    open: { apiKey: "okx-http-open", secret: "okx-http-secret-3", password: "okx-pass-3" },
    reportsExpiry: false,
    reportsIps: true,
  },
  {
    id: "bybit",
    trader: { apiKey: "bybit-http-trader", secret: "bybit-http-secret-1" },
    withdrawer: { apiKey: "bybit-http-withdrawer", secret: "bybit-http-secret-2" },
    open: { apiKey: "bybit-http-open", secret: "bybit-http-secret-3" },
    reportsExpiry: true,
    reportsIps: true,
  },
  {
    id: "kraken",
    trader: { apiKey: "kraken-http-trader", secret: krakenSecret(11) },
    withdrawer: { apiKey: "kraken-http-withdrawer", secret: krakenSecret(12) },
    open: { apiKey: "kraken-http-open", secret: krakenSecret(13) },
    reportsExpiry: true,
    reportsIps: true,
  },
  {
    id: "coinbase",
    trader: { apiKey: cdp("http-trader"), secret: ecPem() },
    withdrawer: { apiKey: cdp("http-withdrawer"), secret: ecPem() },
    open: { apiKey: cdp("http-open"), secret: ecPem() },
    reportsExpiry: false,
    reportsIps: false,
  },
  {
    id: "kucoin",
    trader: { apiKey: "kucoin-http-trader", secret: "kucoin-http-secret-1", password: "kucoin-pass-1" },
    withdrawer: { apiKey: "kucoin-http-withdrawer", secret: "kucoin-http-secret-2", password: "kucoin-pass-2" },
    open: { apiKey: "kucoin-http-open", secret: "kucoin-http-secret-3", password: "kucoin-pass-3" },
    reportsExpiry: false,
    reportsIps: true,
  },
  {
    id: "bitget",
    trader: { apiKey: "bg_http_trader", secret: "bitget-http-secret-1", password: "bitget-pass-1" },
    withdrawer: { apiKey: "bg_http_withdrawer", secret: "bitget-http-secret-2", password: "bitget-pass-2" },
    open: { apiKey: "bg_http_open", secret: "bitget-http-secret-3", password: "bitget-pass-3" },
    reportsExpiry: false,
    reportsIps: true,
  },
  {
    id: "gate",
    trader: { apiKey: "gate-http-trader", secret: "gate-http-secret-1" },
    withdrawer: { apiKey: "gate-http-withdrawer", secret: "gate-http-secret-2" },
    open: { apiKey: "gate-http-open", secret: "gate-http-secret-3" },
    reportsExpiry: false,
    reportsIps: true,
    unknown: true,
  },
];

const GATE_UNKNOWN: VenueCredentials = { apiKey: "gate-http-unknown", secret: "gate-http-secret-4" };
const TRADE_TIME = Date.UTC(2026, 10, 1, 12);

describe.each(storeKinds().filter((k) => k.name !== "pglite"))("every venue through the HTTP API on $name", (kind) => {
  let h: HttpHarness;
  const venues = new Map<LoopbackVenueId, LoopbackVenue>();

  beforeAll(async () => {
    for (const c of cases) {
      venues.set(
        c.id,
        await startLoopbackVenue(c.id, {
          credentials: c.trader,
          permissions: { trade: true, withdraw: false, ips: ALLOWED, expiresAt: EXPIRY },
          balances: { BTC: { free: "0.5", locked: "0" }, USDT: { free: "1000", locked: "0" } },
          trades: [{ symbol: "BTC/USDT", id: `${c.id}-fill-1`, side: "buy", price: "64000", amount: "0.01", fee: "0.64", feeAsset: "USDT", time: TRADE_TIME }],
          accounts: [
            { credentials: c.withdrawer, permissions: { trade: true, withdraw: true, transfer: true, ips: ALLOWED } },
            { credentials: c.open, permissions: { trade: true, withdraw: false, ips: [], expiresAt: EXPIRY }, balances: { USDT: { free: "10", locked: "0" } } },
            ...(c.unknown ? [{ credentials: GATE_UNKNOWN, permissions: { trade: true, withdraw: false, ips: ALLOWED } }] : []),
          ],
        }),
      );
    }
    const exchangeUrls = Object.fromEntries([...venues].map(([id, v]) => [id, v.origin]));
    h = await startHttpHarness(kind, {}, { exchangeUrls });
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    await Promise.all([...venues.values()].map((v) => v.close()));
  });

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await fetch(`${h.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, body: (text === "" ? null : JSON.parse(text)) as Record<string, any> };
  };
  const add = (token: string, c: Case, credentials: VenueCredentials, extra: Record<string, unknown> = {}) =>
    call("POST", "/v1/credentials", token, { exchange: c.id, label: `${c.id} key`, ...credentials, ...(c.unknown ? { acceptUnknownPermissions: true } : {}), ...extra });

  describe.each(cases)("$id", (c) => {
    it(`${c.id}: add (validated live), validate, balances, history and a proxied order through the HTTP API`, async () => {
      const token = await h.token(`user_venue_http_${c.id}`);
      const created = await add(token, c, c.trader);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.lastValidatedAt).toEqual(expect.any(String));
      expect(created.body.keyPermissions).toMatchObject({ read: true, spotTrade: true, withdraw: c.unknown ? "unknown" : false });
      // Nothing of the key comes back.
      expect(JSON.stringify(created.body)).not.toContain(c.trader.secret);
      if (c.reportsIps) expect(created.body.keyPermissions).toMatchObject({ ipRestricted: true, allowedIps: ALLOWED });
      const id = created.body.id as string;

      const validated = await call("POST", `/v1/credentials/${id}/validate`, token);
      expect(validated.status, JSON.stringify(validated.body)).toBe(200);

      const balances = await call("GET", `/v1/credentials/${id}/balances`, token);
      expect(balances.status, JSON.stringify(balances.body)).toBe(200);
      const assets = Object.fromEntries((balances.body.balances as { asset: string; total: string }[]).map((b) => [b.asset, Number(b.total)]));
      expect(assets).toMatchObject({ BTC: 0.5, USDT: 1000 });

      const history = await call("GET", `/v1/credentials/${id}/transactions`, token);
      expect(history.status, JSON.stringify(history.body)).toBe(200);
      const items = history.body.items as { kind?: string; type?: string; asset?: string; amount?: string }[];
      expect(items.length).toBeGreaterThanOrEqual(1);

      const before = venues.get(c.id)!.orders(c.trader.apiKey).length;
      const order = await call("POST", `/v1/credentials/${id}/exchange/createOrder`, token, {
        args: { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.001", price: "65000" },
      });
      expect(order.status, JSON.stringify(order.body)).toBe(200);
      const placed = venues.get(c.id)!.orders(c.trader.apiKey);
      expect(placed).toHaveLength(before + 1);
      expect(placed.at(-1)).toMatchObject({ symbol: "BTC/USDT", side: "buy", type: "limit" });
      expect(Number(placed.at(-1)!.amount)).toBe(0.001);
    });

    it(`${c.id}: a key with no IP list is read as unrestricted${c.reportsExpiry ? ", with the expiry the venue reports" : ""}`, async () => {
      const token = await h.token(`user_venue_http_rec_${c.id}`);
      const open = await add(token, c, c.open, { label: "open" });
      expect(open.status, JSON.stringify(open.body)).toBe(201);
      if (c.reportsIps) expect(open.body.keyPermissions).toMatchObject({ ipRestricted: false });
      if (c.reportsExpiry) {
        expect(open.body.keyPermissions.expiresAt).toBe(new Date(EXPIRY).toISOString());
        expect(new Date(open.body.expiresAt as string).getTime()).toBe(EXPIRY);
      }
    });

    it(`${c.id}: a withdrawal-enabled key is refused and nothing is stored`, async () => {
      const token = await h.token(`user_venue_http_wd_${c.id}`);
      const refused = await call("POST", "/v1/credentials", token, { exchange: c.id, label: "withdrawer", ...c.withdrawer });
      expect(refused.status).toBe(422);
      // Gate cannot say whether a key withdraws: its key is refused as unknown even when it may move funds.
      expect(refused.body.error.code).toBe(c.unknown ? "CREDENTIAL_PERMISSIONS_UNKNOWN" : "CREDENTIAL_WITHDRAWAL_ENABLED");
      const list = await call("GET", "/v1/credentials", token);
      expect(list.body).toHaveLength(0);
    });
  });

  it("gate: an unknown-permission key is refused without acceptance, refused with acceptance on a stale session, stored with acceptance and a fresh step-up (shown on the credential)", async () => {
    const gate = cases.find((c) => c.id === "gate")!;
    const user = "user_venue_http_gate_unknown";
    const fresh = await h.token(user);
    const body = { exchange: gate.id, label: "gate", ...GATE_UNKNOWN };
    const plain = await call("POST", "/v1/credentials", fresh, body);
    expect([plain.status, plain.body.error?.code]).toEqual([422, "CREDENTIAL_PERMISSIONS_UNKNOWN"]);
    const stale = await call("POST", "/v1/credentials", await h.token(user, { stale: true }), { ...body, acceptUnknownPermissions: true });
    expect(stale.status).toBe(403);
    expect((await call("GET", "/v1/credentials", fresh)).body).toHaveLength(0);
    const accepted = await call("POST", "/v1/credentials", fresh, { ...body, acceptUnknownPermissions: true });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(accepted.body.permissionRiskAcceptedAt).toEqual(expect.any(String));
  });
});
