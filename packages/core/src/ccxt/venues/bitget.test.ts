import { describe, expect, it } from "vitest";
import { parseBitgetPermissions } from "./bitget.js";

// Bitget's documented example for GET /api/v2/spot/account/info.
const documented = (over: Record<string, unknown> = {}) => ({
  code: "00000",
  msg: "success",
  requestTime: 1695808949356,
  data: { userId: "1234567890", inviterId: "1", ips: "127.0.0.1", authorities: ["trade", "readonly"], parentId: 1234567890, traderType: "trader", channelCode: "XYZ", channel: "XXX", regisTime: "1246566789345", ...over },
});

describe("parseBitgetPermissions", () => {
  it("reads the documented example (older spellings): trade on, no withdrawal code, the IP whitelist, the main account", () => {
    expect(parseBitgetPermissions(documented())).toEqual({
      read: true,
      spotTrade: true,
      margin: "unknown",
      futures: "unknown",
      internalTransfer: "unknown",
      withdraw: false,
      ipRestricted: true,
      allowedIps: ["127.0.0.1"],
      expiresAt: null,
      account: "master",
    });
  });

  it("reads the documented authority codes: wwow is withdrawal, wtow a transfer; a sub-account", () => {
    const kp = parseBitgetPermissions(documented({ authorities: ["stow", "coow", "wtow", "wwow"], ips: "", parentId: 42 }));
    expect(kp).toMatchObject({ spotTrade: true, futures: true, margin: false, internalTransfer: true, withdraw: true, ipRestricted: false, allowedIps: [], account: "sub" });
    expect(parseBitgetPermissions(documented({ authorities: ["stor", "stow"] }))).toMatchObject({ withdraw: false, internalTransfer: false, futures: false });
  });

  it("an undocumented code makes withdrawal unknown rather than off", () => {
    expect(parseBitgetPermissions(documented({ authorities: ["stow", "zzzz"] })).withdraw).toBe("unknown");
  });

  it("malformed or missing fields are unknown, never a crash", () => {
    for (const raw of [null, {}, { data: null }, documented({ authorities: "stow" })]) expect(parseBitgetPermissions(raw)).toMatchObject({ withdraw: "unknown", read: "unknown" });
    expect(parseBitgetPermissions(documented({ ips: 3, parentId: undefined }))).toMatchObject({ ipRestricted: "unknown", account: "unknown" });
  });
});
