import type { KeyPermissions } from "../../ports/KeyPermissions.js";
import { refuseField, requireFields, trimmedSecret } from "./canonical.js";
import { epochIso, has, ipFields, ipList, permissions, record, strings } from "./read.js";
import type { VenueModule } from "./VenueModule.js";

/**
 * Kraken `POST /0/private/GetApiKeyInfo` (ccxt 4.5.84 `privatePostGetApiKeyInfo`), `result` as
 * documented (docs.kraken.com, Get API Key Info): `permissions` (e.g. "query-funds",
 * "withdraw-funds", "query-open-trades", "modify-trades"), `ipAllowlist`, `validUntil` (unix
 * seconds as a string, "0" for none). No margin, futures, transfer or account level is reported.
 */
export function parseKrakenPermissions(raw: unknown): KeyPermissions {
  const r = record(record(raw)?.result);
  const perms = strings(r?.permissions);
  if (r === undefined || perms === undefined) return permissions({});
  return permissions({
    read: has(perms, "query-funds"),
    spotTrade: has(perms, "modify-trades"),
    withdraw: has(perms, "withdraw-funds"),
    ...ipFields(ipList(r.ipAllowlist)),
    expiresAt: epochIso(r.validUntil, "s"),
  });
}

/** Kraken spot. */
export const krakenVenue: VenueModule = {
  id: "kraken",
  displayName: "Kraken",
  fields: [
    { name: "apiKey", label: "API Key", format: "56 base64 characters", required: true },
    { name: "secret", label: "Private Key", format: "88 base64 characters (64 bytes)", required: true },
  ],
  keyPageUrl: "https://pro.kraken.com/app/settings/api",
  enablePermissions: ["Query Funds", "Query Open Orders & Trades", "Query Closed Orders & Trades", "Create & Modify Orders", "Cancel & Close Orders"],
  leaveOffPermissions: ["Withdraw Funds", "Deposit Funds", "Earn Funds"],
  reportsPermissions: true,
  supportsGeneratedKeys: false,
  supportsIpAllowlist: true,
  canonicalise(input) {
    requireFields(input, ["apiKey", "secret"]);
    const secret = trimmedSecret(input);
    // Kraken signs with the base64-decoded secret; anything else fails every call as "invalid key".
    if (!/^[A-Za-z0-9+/]{86}==$/.test(secret.secret) || Buffer.from(secret.secret, "base64").length !== 64) throw refuseField("secret", "not-base64-64-bytes");
    return secret;
  },
  introspect: async (call) => parseKrakenPermissions(await call("privatePostGetApiKeyInfo")),
};
