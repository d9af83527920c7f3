import { describe, expect, it } from "vitest";
import { parseKrakenPermissions } from "./kraken.js";

// Kraken's documented example for POST /0/private/GetApiKeyInfo.
const documented = (over: Record<string, unknown> = {}) => ({
  error: [],
  result: {
    apiKeyName: "my-api-key",
    apiKey: "4/SDrDBcOOPnm3nPlNfEMMJDeRcIVqPz+QhRxIodyZbI9po/aVRiHsgX",
    nonce: "1772627060997",
    nonceWindow: 0,
    permissions: ["query-funds", "withdraw-funds", "query-open-trades", "modify-trades"],
    iban: "AA88 N84G WOAK NMOI",
    validUntil: "0",
    queryFrom: "0",
    queryTo: "0",
    createdTime: "1772542900",
    modifiedTime: "1772543095",
    ipAllowlist: [],
    lastUsed: "1772627061",
    ...over,
  },
});

describe("parseKrakenPermissions", () => {
  it("reads the documented example: withdraw-funds on, no IP list, no expiry", () => {
    expect(parseKrakenPermissions(documented())).toEqual({
      read: true,
      spotTrade: true,
      margin: "unknown",
      futures: "unknown",
      internalTransfer: "unknown",
      withdraw: true,
      ipRestricted: false,
      allowedIps: [],
      expiresAt: null,
      account: "unknown",
    });
  });

  it("a key without withdraw-funds, with an allowlist and validUntil", () => {
    const kp = parseKrakenPermissions(documented({ permissions: ["query-funds", "modify-trades"], ipAllowlist: ["203.0.113.0/24"], validUntil: "1798761600" }));
    expect(kp).toMatchObject({ withdraw: false, ipRestricted: true, allowedIps: ["203.0.113.0/24"], expiresAt: "2027-01-01T00:00:00.000Z" });
  });

  it("malformed or missing fields are unknown, never a crash", () => {
    for (const raw of [null, {}, { result: "x" }, documented({ permissions: "query-funds" }), documented({ permissions: [1, 2] })]) {
      expect(parseKrakenPermissions(raw)).toMatchObject({ withdraw: "unknown", read: "unknown" });
    }
    expect(parseKrakenPermissions(documented({ validUntil: "soon", ipAllowlist: null }))).toMatchObject({ expiresAt: null, ipRestricted: "unknown" });
  });
});
