import { describe, expect, it } from "vitest";
import { parseCoinbasePermissions } from "./coinbase.js";

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
