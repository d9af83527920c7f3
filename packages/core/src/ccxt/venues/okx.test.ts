import { describe, expect, it } from "vitest";
import { parseOkxPermissions } from "./okx.js";

// The shape OKX documents for GET /api/v5/account/config (fields not used here left out).
const config = (over: Record<string, unknown>) => ({
  code: "0",
  msg: "",
  data: [{ acctLv: "2", autoLoan: false, label: "v5 test", level: "Lv1", mainUid: "44705892343619584", perm: "read_only,trade", ip: "", posMode: "long_short_mode", roleType: "0", uid: "44705892343619584", ...over }],
});

describe("parseOkxPermissions", () => {
  it("reads a trade key of the main account without an IP binding", () => {
    expect(parseOkxPermissions(config({}))).toEqual({
      read: true,
      spotTrade: true,
      margin: true,
      futures: true,
      internalTransfer: true,
      withdraw: false,
      ipRestricted: false,
      allowedIps: [],
      expiresAt: null,
      account: "master",
    });
  });

  it("reports withdrawal on, the bound IPs and a sub-account", () => {
    expect(parseOkxPermissions(config({ perm: "read_only,withdraw,trade", ip: "117.37.203.58,117.37.203.57", uid: "1234" }))).toMatchObject({
      withdraw: true,
      ipRestricted: true,
      allowedIps: ["117.37.203.58", "117.37.203.57"],
      account: "sub",
    });
  });

  it("a read-only key can neither trade nor withdraw", () => {
    expect(parseOkxPermissions(config({ perm: "read_only" }))).toMatchObject({ read: true, spotTrade: false, withdraw: false, internalTransfer: false });
  });

  it("malformed or missing fields are unknown, never a crash", () => {
    for (const raw of [null, {}, { data: [] }, { data: "x" }, { data: [null] }, { data: [{ perm: ["trade"] }] }, config({ perm: 7 })]) {
      expect(parseOkxPermissions(raw)).toMatchObject({ withdraw: "unknown", spotTrade: "unknown", ipRestricted: "unknown", account: "unknown" });
    }
    expect(parseOkxPermissions(config({ ip: 5, uid: undefined }))).toMatchObject({ withdraw: false, ipRestricted: "unknown", allowedIps: null, account: "unknown" });
  });
});
