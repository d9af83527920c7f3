import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadCcxt } from "../loadCcxt.js";
import { coinbaseVenue, parseCoinbasePermissions } from "./coinbase.js";

// Coinbase's documented response for GET /api/v3/brokerage/key_permissions.
const documented = { can_view: true, can_trade: true, can_transfer: true, portfolio_uuid: "8b1d6c0b-0000-4000-8000-000000000000", portfolio_type: "DEFAULT" };

describe("parseCoinbasePermissions", () => {
  it("reads can_transfer as withdrawal", () => {
    expect(parseCoinbasePermissions(documented)).toEqual({
      read: true,
      spotTrade: true,
      margin: "unknown",
      futures: "unknown",
      internalTransfer: true,
      withdraw: true,
      ipRestricted: "unknown",
      allowedIps: null,
      expiresAt: null,
      account: "unknown",
    });
  });

  it("a view-and-trade key cannot withdraw", () => {
    expect(parseCoinbasePermissions({ ...documented, can_transfer: false })).toMatchObject({ withdraw: false, spotTrade: true });
    expect(parseCoinbasePermissions({ ...documented, can_trade: false, can_transfer: false })).toMatchObject({ spotTrade: false, margin: false, futures: false });
  });

  it("malformed or missing fields are unknown, never a crash", () => {
    for (const raw of [null, [], "x", {}, { can_transfer: "maybe" }]) expect(parseCoinbasePermissions(raw).withdraw).toBe("unknown");
  });
});

describe("coinbaseVenue.canonicalise", () => {
  it("a CDP EC key exported as PKCS8 is converted to the SEC1 form real ccxt signs with (raw, ccxt: Unsupported key format)", async () => {
    const ccxt = await loadCcxt();
    const key = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
    const pkcs8 = key.export({ type: "pkcs8", format: "pem" }) as string;
    const apiKey = "organizations/0b7a9c3e-org/apiKeys/5f2d8e1a-key";
    const sign = (secret: string) => new ccxt.coinbase({ apiKey, secret, enableRateLimit: false }).sign("brokerage/key_permissions", ["v3", "private"], "GET", {});
    expect(() => sign(pkcs8)).toThrow(/Unsupported key format/);
    const canonical = coinbaseVenue.canonicalise({ apiKey, secret: pkcs8.replace(/\n/g, "\r\n") });
    expect(canonical.secret).toBe((key.export({ type: "sec1", format: "pem" }) as string).trim());
    expect((sign(canonical.secret) as { headers: Record<string, string> }).headers.Authorization).toMatch(/^Bearer /);
  });
});
