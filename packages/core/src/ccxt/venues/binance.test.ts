import { generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadCcxt } from "../loadCcxt.js";
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

describe("binanceVenue.canonicalise", () => {
  it("an Ed25519 key pasted with CRLF line ends is signed by real ccxt as Ed25519 and verifies (raw, ccxt took the 122-character PEM for RSA)", async () => {
    const ccxt = await loadCcxt();
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const pasted = (privateKey.export({ type: "pkcs8", format: "pem" }) as string).replace(/\n/g, "\r\n");
    const sign = (secret: string) => {
      const client = new ccxt.binance({ apiKey: "k", secret, enableRateLimit: false });
      const url = new URL((client.sign("account", "private", "GET", {}) as { url: string }).url);
      const signature = decodeURIComponent(url.searchParams.get("signature") ?? "");
      return verify(null, Buffer.from(url.search.slice(1).replace(/&signature=.*$/, "")), publicKey, Buffer.from(signature, "base64"));
    };
    expect(() => sign(pasted)).toThrow(/Unsupported crypto operation/);
    const canonical = binanceVenue.canonicalise({ apiKey: " k ", secret: pasted });
    expect(canonical.apiKey).toBe("k");
    expect(sign(canonical.secret)).toBe(true);
  });
});
