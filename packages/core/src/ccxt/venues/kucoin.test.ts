import { describe, expect, it } from "vitest";
import { parseKucoinPermissions } from "./kucoin.js";

// KuCoin's documented fields for GET /api/v1/user/api-key.
const documented = (over: Record<string, unknown> = {}) => ({
  code: "200000",
  data: { remark: "bot", apiKey: "6710ab1b77d3e700016c0000", apiVersion: 3, permission: "General,Spot", ipWhitelist: "", createdAt: 1729154411000, uid: 165111215, isMaster: true, ...over },
});

describe("parseKucoinPermissions", () => {
  it("reads a General+Spot key of the main account", () => {
    expect(parseKucoinPermissions(documented())).toEqual({
      read: true,
      spotTrade: true,
      margin: false,
      futures: false,
      internalTransfer: false,
      withdraw: false,
      ipRestricted: false,
      allowedIps: [],
      expiresAt: null,
      account: "master",
    });
  });

  it("reads Transfer as withdrawal, InnerTransfer as an internal transfer, the whitelist and a sub-account", () => {
    const kp = parseKucoinPermissions(documented({ permission: "General, Spot, Transfer, InnerTransfer", ipWhitelist: "127.0.0.1,123.123.123.123", isMaster: false }));
    expect(kp).toMatchObject({ withdraw: true, internalTransfer: true, ipRestricted: true, allowedIps: ["127.0.0.1", "123.123.123.123"], account: "sub" });
  });

  it("malformed or missing fields are unknown, never a crash", () => {
    for (const raw of [null, {}, { data: [] }, documented({ permission: 12 })]) expect(parseKucoinPermissions(raw)).toMatchObject({ withdraw: "unknown", read: "unknown" });
    expect(parseKucoinPermissions(documented({ ipWhitelist: undefined, isMaster: undefined }))).toMatchObject({ ipRestricted: "unknown", account: "unknown" });
  });
});
