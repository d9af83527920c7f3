import { createPrivateKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { SignJWT, importPKCS8 } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackVenue } from "./startLoopbackVenue.js";
import { ccxtFor, loadCcxt, rejection, type CcxtModule } from "./testSupport.js";
import type { LoopbackVenue } from "./types.js";

const ecPem = () => generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "sec1", format: "pem" }).toString();
const keyName = "organizations/0b7a9c3e-org/apiKeys/5f2d8e1a-key";
const credentials = { apiKey: keyName, secret: ecPem() };
const viewOnly = { apiKey: "organizations/0b7a9c3e-org/apiKeys/view-only", secret: ecPem() };
let venue: LoopbackVenue;
let ccxt: CcxtModule;
let skew = 0;

/** A v2 (Ed25519) CDP secret: base64 of the 32-byte seed followed by the 32-byte public key (88 characters). */
function ed25519Secret(): string {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const seed = privateKey.export({ type: "pkcs8", format: "der" }).subarray(-32);
  const raw = publicKey.export({ type: "spki", format: "der" }).subarray(-32);
  return Buffer.concat([seed, raw]).toString("base64");
}
const edKey = { apiKey: "1f6b2c0e-8d9a-4c47-b0f4-v2-key", secret: ed25519Secret() };

/** A request JWT as Coinbase's SDKs build it, signed with `secret` (an EC PEM), with overrides. */
async function jwtFor(uri: string, options: { secret: string; lifetime?: number }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const signing = await importPKCS8(createPrivateKey(options.secret).export({ type: "pkcs8", format: "pem" }).toString(), "ES256");
  return new SignJWT({ uri })
    .setProtectedHeader({ alg: "ES256", kid: keyName, nonce: randomBytes(16).toString("hex") })
    .setSubject(keyName)
    .setIssuer("cdp")
    .setNotBefore(now)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetime ?? 120))
    .sign(signing);
}

beforeAll(async () => {
  ccxt = await loadCcxt();
  venue = await startLoopbackVenue("coinbase", {
    clock: () => Date.now() + skew,
    credentials,
    permissions: { trade: true, withdraw: false },
    balances: { BTC: { free: "0.5", locked: "0.25" }, USDT: { free: "1000", locked: "0" } },
    trades: [{ symbol: "BTC/USDT", id: "fill-1", side: "buy", price: "60000.5", amount: "0.1", fee: "6.0005", feeAsset: "USDT", time: 1_700_000_000_000 }],
    accounts: [
      { credentials: viewOnly, permissions: { trade: false, withdraw: true } },
      { credentials: edKey, balances: { SOL: { free: "3", locked: "0" } } },
    ],
  });
});

afterAll(async () => {
  await venue.close();
});

describe("loopback Coinbase Advanced Trade with the real ccxt client", () => {
  it("serves spot products and the balance from v2 accounts (ccxt's default) and v3 accounts", async () => {
    const coinbase = await ccxtFor(venue, credentials);
    const markets = await coinbase.loadMarkets();
    expect(markets["BTC/USDT"]).toMatchObject({ id: "BTC-USDT", spot: true, active: true });
    const v2 = await coinbase.fetchBalance();
    expect(v2["BTC"]).toMatchObject({ total: 0.75 });
    expect(v2["USDT"]).toMatchObject({ total: 1000 });
    const v3 = await coinbase.fetchBalance({ v3: true });
    expect(v3["BTC"]).toMatchObject({ free: 0.5, used: 0.25, total: 0.75 });
  });

  it("serves my trades from the historical fills", async () => {
    const trades = await (await ccxtFor(venue, credentials)).fetchMyTrades("BTC/USDT");
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ id: "fill-1", symbol: "BTC/USDT", side: "buy", price: 60000.5, amount: 0.1, timestamp: 1_700_000_000_000, takerOrMaker: "taker" });
  });

  it("places, lists and cancels a limit order, and records what reached it", async () => {
    const coinbase = await ccxtFor(venue, credentials);
    const placed = await coinbase.createOrder("ETH/USDT", "limit", "sell", 0.5, 3500);
    expect(placed.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await coinbase.fetchOpenOrders("ETH/USDT")).map((o) => [o.id, o.price, o.amount])).toEqual([[placed.id, 3500, 0.5]]);
    await coinbase.cancelOrder(String(placed.id), "ETH/USDT");
    expect(await coinbase.fetchOpenOrders("ETH/USDT")).toEqual([]);
    const recorded = venue.orders(credentials.apiKey).find((o) => o.id === placed.id);
    expect(recorded).toMatchObject({ symbol: "ETH/USDT", side: "sell", type: "limit", amount: "0.5", price: "3500", status: "canceled" });
    expect(recorded?.request).toMatchObject({ product_id: "ETH-USDT", side: "SELL", order_configuration: { limit_limit_gtc: { base_size: "0.5", limit_price: "3500" } } });
  });

  it("reports can_view, can_trade and can_transfer through key_permissions", async () => {
    expect(await (await ccxtFor(venue, credentials)).v3PrivateGetBrokerageKeyPermissions()).toMatchObject({ can_view: true, can_trade: true, can_transfer: false });
    expect(await (await ccxtFor(venue, viewOnly)).v3PrivateGetBrokerageKeyPermissions()).toMatchObject({ can_view: true, can_trade: false, can_transfer: true });
  });

  it("verifies an EdDSA JWT of a v2 (88-character) secret", async () => {
    expect(edKey.secret).toHaveLength(88);
    const coinbase = await ccxtFor(venue, edKey);
    expect(await coinbase.v3PrivateGetBrokerageKeyPermissions()).toMatchObject({ can_view: true });
    const other = await rejection((await ccxtFor(venue, { ...edKey, secret: ed25519Secret() })).v3PrivateGetBrokerageKeyPermissions());
    expect(other).toBeInstanceOf(ccxt.AuthenticationError);
  });

  it("refuses a JWT signed by another key (401, AuthenticationError) and orders from a key without trade (403)", async () => {
    const forged = await rejection((await ccxtFor(venue, { ...credentials, secret: ecPem() })).v3PrivateGetBrokerageKeyPermissions());
    expect(forged).toBeInstanceOf(ccxt.AuthenticationError);
    const unknown = await rejection((await ccxtFor(venue, { ...credentials, apiKey: "organizations/x/apiKeys/nobody" })).v3PrivateGetBrokerageKeyPermissions());
    expect(unknown).toBeInstanceOf(ccxt.AuthenticationError);
    const noTrade = await ccxtFor(venue, viewOnly);
    expect(await rejection(noTrade.createOrder("BTC/USDT", "limit", "buy", 0.001, 50000))).toBeInstanceOf(ccxt.PermissionDenied);
    expect(venue.orders(viewOnly.apiKey)).toEqual([]);
  });

  it("refuses an expired JWT, one living longer than 120 s, and one whose uri names another request", async () => {
    const coinbase = await ccxtFor(venue, credentials);
    skew = 121_000;
    try {
      expect(await rejection(coinbase.v3PrivateGetBrokerageKeyPermissions())).toBeInstanceOf(ccxt.AuthenticationError);
    } finally {
      skew = 0;
    }
    const host = new URL(venue.origin).host;
    const call = async (path: string, token: string) => (await fetch(venue.origin + path, { headers: { authorization: `Bearer ${token}` } })).status;
    const good = await jwtFor(`GET ${host}/api/v3/brokerage/key_permissions`, { secret: credentials.secret });
    expect(await call("/api/v3/brokerage/key_permissions", good)).toBe(200);
    // The same token replayed against another endpoint.
    expect(await call("/api/v3/brokerage/accounts", good)).toBe(401);
    expect(await call("/api/v3/brokerage/key_permissions", await jwtFor(`GET ${host}/api/v3/brokerage/key_permissions`, { secret: credentials.secret, lifetime: 600 }))).toBe(401);
  });
});
