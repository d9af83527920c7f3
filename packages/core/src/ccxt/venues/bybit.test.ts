import { describe, expect, it } from "vitest";
import { parseBybitPermissions } from "./bybit.js";

// Bybit's documented example for GET /v5/user/query-api.
const documented = (over: Record<string, unknown> = {}) => ({
  retCode: 0,
  retMsg: "",
  result: {
    id: "13770661",
    note: "XXXXXX",
    apiKey: "XXXXXX",
    readOnly: 0,
    secret: "",
    permissions: {
      ContractTrade: ["Order", "Position"],
      Spot: ["SpotTrade"],
      Wallet: ["AccountTransfer", "SubMemberTransfer"],
      Options: ["OptionsTrade"],
      Derivatives: [],
      CopyTrading: [],
      BlockTrade: [],
      Exchange: [],
      NFT: [],
      Affiliate: [],
      Earn: [],
    },
    ips: ["*"],
    type: 1,
    deadlineDay: 66,
    expiredAt: "2023-12-22T07:20:25Z",
    createdAt: "2023-10-16T02:24:40Z",
    unified: 0,
    uta: 0,
    userID: 24617703,
    inviterID: 0,
    vipLevel: "No VIP",
    mktMakerLevel: "0",
    affiliateID: 0,
    rsaPublicKey: "",
    isMaster: true,
    parentUid: "0",
    kycLevel: "LEVEL_DEFAULT",
    kycRegion: "",
    ...over,
  },
  retExtInfo: {},
  time: 1697525990798,
});

describe("parseBybitPermissions", () => {
  it("reads the documented example: trade, transfer, no withdrawal, unbound IP, expiry, master", () => {
    expect(parseBybitPermissions(documented())).toEqual({
      read: true,
      spotTrade: true,
      margin: "unknown",
      futures: true,
      internalTransfer: true,
      withdraw: false,
      ipRestricted: false,
      allowedIps: [],
      expiresAt: "2023-12-22T07:20:25.000Z",
      account: "master",
    });
  });

  it("reports Withdraw in the wallet list, the bound IPs, no expiry, a sub-account", () => {
    const raw = documented({ permissions: { Spot: ["SpotTrade"], Wallet: ["Withdraw"] }, ips: ["203.0.113.9"], expiredAt: "", isMaster: false });
    expect(parseBybitPermissions(raw)).toMatchObject({ withdraw: true, ipRestricted: true, allowedIps: ["203.0.113.9"], expiresAt: null, account: "sub" });
  });

  it("a read-only key can write nothing, whatever its lists say", () => {
    expect(parseBybitPermissions(documented({ readOnly: 1, permissions: { Spot: ["SpotTrade"], Wallet: ["Withdraw"] } }))).toMatchObject({ spotTrade: false, withdraw: false, internalTransfer: false });
  });

  it("malformed or missing fields are unknown, never a crash", () => {
    for (const raw of [null, {}, { result: null }, { result: { permissions: "all" } }, documented({ permissions: { Wallet: "Withdraw" } })]) {
      expect(parseBybitPermissions(raw)).toMatchObject({ withdraw: "unknown", internalTransfer: "unknown" });
    }
    expect(parseBybitPermissions(documented({ ips: "x", expiredAt: "not a date", isMaster: "yes" }))).toMatchObject({ ipRestricted: "unknown", allowedIps: null, expiresAt: null, account: "unknown" });
  });
});
