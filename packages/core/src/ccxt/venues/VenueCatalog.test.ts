import { describe, expect, it } from "vitest";
import { VenueCatalog } from "./VenueCatalog.js";

describe("VenueCatalog", () => {
  it("lists every venue with what a key form needs, and the deployment's egress IPs", () => {
    const venues = new VenueCatalog({ egressIps: ["203.0.113.7", " 2001:db8::1 "] }).list();
    expect(venues.map((v) => v.id)).toEqual(["binance", "bitget", "bybit", "coinbase", "coinbaseexchange", "gate", "kraken", "kucoin", "okx"]);
    const okx = venues.find((v) => v.id === "okx");
    expect(okx).toMatchObject({ displayName: "OKX", requiredFields: ["apiKey", "secret", "password"], reportsPermissions: true, supportsIpAllowlist: true, egressIps: ["203.0.113.7", "2001:db8::1"] });
    expect(okx?.leaveOffPermissions).toContain("Withdraw");
    expect(okx?.fields.find((f) => f.name === "password")).toMatchObject({ label: "Passphrase", required: true });
    expect(venues.find((v) => v.id === "gate")?.reportsPermissions).toBe(false);
    for (const v of venues) expect(v.keyPageUrl).toMatch(/^https:\/\//);
  });

  it("keeps to the offered venues, and hands out copies", () => {
    const catalog = new VenueCatalog({ venues: ["okx", "kraken"] });
    const first = catalog.list();
    expect(first.map((v) => v.id)).toEqual(["kraken", "okx"]);
    first[0]!.egressIps.push("10.0.0.1");
    expect(catalog.list()[0]!.egressIps).toEqual([]);
  });

  it("refuses an egress entry that is not an IP or CIDR, naming the option only", () => {
    expect(() => new VenueCatalog({ egressIps: ["203.0.113.7", "not-an-ip"] })).toThrow(expect.objectContaining({ code: "INVALID_INPUT", details: { fields: ["egressIps"] } }));
    expect(new VenueCatalog({ egressIps: ["198.51.100.0/24"] }).list()[0]!.egressIps).toEqual(["198.51.100.0/24"]);
    for (const bad of ["::::", "1.2.3.4/33", "2001:db8::/129", "1.2.3.4/24/1", "300.1.1.1"]) {
      expect(() => new VenueCatalog({ egressIps: [bad] }), bad).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
    }
    expect(new VenueCatalog({ egressIps: ["2001:db8::/32"] }).list()[0]!.egressIps).toEqual(["2001:db8::/32"]);
  });
});
