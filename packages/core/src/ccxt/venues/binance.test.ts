import { describe, expect, it } from "vitest";
import { binanceVenue, parseBinancePermissions } from "./binance.js";

// Binance's documented example (GET /sapi/v1/account/apiRestrictions), with the trading-authority expiry.
const documented = {
  ipRestrict: false,
  createTime: 1698645219000,
  enableReading: true,
  enableWithdrawals: false,
  enableInternalTransfer: false,
  enableMargin: false,
  enableFutures: false,
  permitsUniversalTransfer: false,
  enableVanillaOptions: false,
  enableFixApiTrade: false,
  enableFixReadOnly: true,
  enableSpotAndMarginTrading: false,
  enablePortfolioMarginTrading: true,
  tradingAuthorityExpirationTime: 1628985600000,
};

describe("parseBinancePermissions", () => {
  it("reads the documented response: every permission, no IP list, the trading-authority expiry", () => {
    expect(parseBinancePermissions(documented)).toEqual({
      read: true,
      spotTrade: false,
      margin: false,
      futures: false,
      internalTransfer: false,
      withdraw: false,
      ipRestricted: false,
      allowedIps: [],
      expiresAt: "2021-08-15T00:00:00.000Z",
      account: "unknown",
    });
  });

  it("reports withdrawal on, transfers on, and the IP list of a restricted key (whose trading authority does not expire)", () => {
    const kp = parseBinancePermissions(
      { ...documented, ipRestrict: true, enableWithdrawals: true, permitsUniversalTransfer: true, enableSpotAndMarginTrading: true },
      { ipRestrict: "true", ipList: ["69.210.67.14", "8.34.21.10"], updateTime: 1636371437000, apiKey: "k" },
    );
    expect(kp).toMatchObject({ withdraw: true, internalTransfer: true, spotTrade: true, ipRestricted: true, allowedIps: ["69.210.67.14", "8.34.21.10"], expiresAt: null });
  });

  it("a restricted key whose IP list could not be read has the restriction and no list", () => {
    expect(parseBinancePermissions({ ...documented, ipRestrict: true }, undefined)).toMatchObject({ ipRestricted: true, allowedIps: null });
  });

  it("malformed or missing fields are unknown, never off, and never a crash", () => {
    for (const raw of [null, undefined, "text", 42, [], {}, { enableWithdrawals: "yes", ipRestrict: 1, tradingAuthorityExpirationTime: "soon" }]) {
      const kp = parseBinancePermissions(raw, { ipList: "not-a-list" });
      expect(kp.withdraw).toBe("unknown");
      expect(kp.read).toBe("unknown");
      expect(kp.expiresAt).toBeNull();
    }
  });
});

describe("binanceVenue.introspect", () => {
  it("asks for the IP list only when the key is restricted, and survives its failure", async () => {
    const calls: string[] = [];
    const kp = await binanceVenue.introspect!(async (method) => {
      calls.push(method);
      if (method === "sapiGetAccountApiRestrictionsIpRestriction") throw new Error("not served");
      return { ...documented, ipRestrict: true };
    }, "key");
    expect(calls).toEqual(["sapiGetAccountApiRestrictions", "sapiGetAccountApiRestrictionsIpRestriction"]);
    expect(kp).toMatchObject({ ipRestricted: true, allowedIps: null });
    calls.length = 0;
    await binanceVenue.introspect!(async (method) => (calls.push(method), documented), "key");
    expect(calls).toEqual(["sapiGetAccountApiRestrictions"]);
  });
});
