import type { KeyPermissions } from "../../ports/KeyPermissions.js";
import { requireFields, trimmedSecret } from "./canonical.js";
import { has, ipFields, ipList, permissions, record, strings } from "./read.js";
import type { VenueModule } from "./VenueModule.js";

/**
 * KuCoin `GET /api/v1/user/api-key` (ccxt `privateGetUserApiKey`), `data` as documented: `permission`
 * (comma-separated: "General", "Spot", "Margin", "Futures", "InnerTransfer", "Transfer", ...),
 * `ipWhitelist`, `isMaster`. KuCoin's "Transfer" permission is the one that moves funds off the
 * venue ("transfer funds (including deposit and withdrawal)", KuCoin's key guide); "InnerTransfer"
 * moves them between its own accounts. Older keys name spot and margin trading "Trade".
 */
export function parseKucoinPermissions(raw: unknown): KeyPermissions {
  const d = record(record(raw)?.data);
  const listed = typeof d?.permission === "string" ? d.permission.split(",") : strings(d?.permission);
  if (d === undefined || listed === undefined) return permissions({});
  const perms = listed.map((p) => p.trim().toLowerCase()).filter((p) => p !== "");
  return permissions({
    read: has(perms, "general"),
    spotTrade: has(perms, "spot", "trade"),
    margin: has(perms, "margin", "trade"),
    futures: has(perms, "futures"),
    internalTransfer: has(perms, "innertransfer"),
    withdraw: has(perms, "transfer", "withdrawal", "withdraw"),
    ...ipFields(ipList(d.ipWhitelist)),
    account: d.isMaster === true ? "master" : d.isMaster === false ? "sub" : "unknown",
  });
}

/** KuCoin spot. */
export const kucoinVenue: VenueModule = {
  id: "kucoin",
  displayName: "KuCoin",
  fields: [
    { name: "apiKey", label: "API Key", format: "24 hexadecimal characters", required: true },
    { name: "secret", label: "API Secret", format: "A UUID", required: true },
    { name: "password", label: "API Passphrase", format: "The passphrase you chose when creating the key", required: true },
  ],
  keyPageUrl: "https://www.kucoin.com/account/api",
  enablePermissions: ["General", "Spot Trading"],
  leaveOffPermissions: ["Transfer", "Margin Trading", "Futures Trading"],
  reportsPermissions: true,
  supportsGeneratedKeys: false,
  supportsIpAllowlist: true,
  canonicalise(input) {
    requireFields(input, ["apiKey", "secret", "password"]);
    return trimmedSecret(input);
  },
  introspect: async (call) => parseKucoinPermissions(await call("privateGetUserApiKey")),
};
