import { describe, expect, it } from "vitest";
import { gateVenue, parseGateDetail, parseGatePermissions } from "./gate.js";

// One entry of Gate's GET /api/v4/account/main_keys (AccountMainKey).
const entry = (over: Record<string, unknown> = {}) => ({
  state: 1,
  mode: 1,
  name: "bot",
  currency_pairs: [],
  user_id: 10001,
  ip_whitelist: ["203.0.113.9"],
  perms: [
    { name: "spot", read_only: false },
    { name: "wallet", read_only: true },
  ],
  key: "THEKEY",
  created_at: "1700000000",
  updated_at: "1700000000",
  last_access: "1700000000",
  ...over,
});

describe("parseGatePermissions", () => {
  it("finds this key among the main account's keys; withdrawal stays unknown (no separate permission is documented)", () => {
    expect(parseGatePermissions([entry({ key: "OTHER", perms: [] }), entry()], "THEKEY")).toEqual({
      read: true,
      spotTrade: true,
      margin: true,
      futures: false,
      internalTransfer: false,
      withdraw: "unknown",
      ipRestricted: true,
      allowedIps: ["203.0.113.9"],
      expiresAt: null,
      account: "master",
    });
  });

  it("a listed withdrawal permission is read (on and off)", () => {
    expect(parseGatePermissions(entry({ perms: [{ name: "withdraw", read_only: false }] }), "THEKEY").withdraw).toBe(true);
    expect(parseGatePermissions(entry({ perms: [{ name: "withdrawal", read_only: true }] }), "THEKEY").withdraw).toBe(false);
  });

  it("a key not listed (a sub-account's), or malformed data, is unknown and never a crash", () => {
    expect(parseGatePermissions([entry()], "NOT-THERE")).toMatchObject({ withdraw: "unknown", read: "unknown", account: "unknown" });
    for (const raw of [null, {}, "x", [null], [entry({ perms: "all" })]]) {
      expect(parseGatePermissions(raw, "THEKEY")).toMatchObject({ withdraw: "unknown", read: "unknown", account: "unknown" });
    }
  });
});

describe("gateVenue.introspect", () => {
  it("a key not among the main account's keys still gets its IP whitelist from account/detail", async () => {
    const calls: string[] = [];
    const kp = await gateVenue.introspect!(async (method) => {
      calls.push(method);
      return method === "privateAccountGetMainKeys" ? [entry({ key: "MAIN" })] : { user_id: 10002, ip_whitelist: ["198.51.100.7"], currency_pairs: [], key: { mode: 1 }, tier: 2 };
    }, "SUBKEY");
    expect(calls).toEqual(["privateAccountGetMainKeys", "privateAccountGetDetail"]);
    expect(kp).toMatchObject({ ipRestricted: true, allowedIps: ["198.51.100.7"], withdraw: "unknown", account: "unknown" });
    expect(parseGateDetail({ ip_whitelist: [] })).toMatchObject({ ipRestricted: false, allowedIps: [] });
    expect(parseGateDetail("x")).toMatchObject({ ipRestricted: "unknown", allowedIps: null });
  });
});
