import type { KeyPermissions } from "../../ports/KeyPermissions.js";
import { requireFields, trimmedSecret } from "./canonical.js";
import { has, ipFields, ipList, permissions, record } from "./read.js";
import type { VenueModule } from "./VenueModule.js";

/**
 * OKX `GET /api/v5/account/config` (ccxt `privateGetAccountConfig`), `data[0]` as documented:
 * `perm` ("read_only", "trade", "withdraw", comma-separated), `ip` (the key's bound IPs,
 * comma-separated, `""` when none), `uid` and `mainUid` (equal for the main account).
 * OKX's trade permission is not split by product, and funds transfers between its own accounts
 * are a trade-permission call, so margin, futures and internal transfer follow `trade`.
 */
export function parseOkxPermissions(raw: unknown): KeyPermissions {
  const data = record(raw)?.data;
  const d = Array.isArray(data) ? record(data[0]) : undefined;
  if (d === undefined || typeof d.perm !== "string") return permissions({});
  const perms = d.perm.split(",").map((p) => p.trim()).filter((p) => p !== "");
  const trade = has(perms, "trade");
  const uid = typeof d.uid === "string" && d.uid !== "" ? d.uid : undefined;
  const mainUid = typeof d.mainUid === "string" && d.mainUid !== "" ? d.mainUid : undefined;
  return permissions({
    read: perms.length > 0 ? true : "unknown",
    spotTrade: trade,
    margin: trade,
    futures: trade,
    internalTransfer: trade,
    withdraw: has(perms, "withdraw"),
    ...ipFields(ipList(d.ip)),
    account: uid === undefined || mainUid === undefined ? "unknown" : uid === mainUid ? "master" : "sub",
  });
}

/** OKX. */
export const okxVenue: VenueModule = {
  id: "okx",
  displayName: "OKX",
  fields: [
    { name: "apiKey", label: "API key", format: "A UUID", required: true },
    { name: "secret", label: "Secret key", format: "32 hexadecimal characters", required: true },
    { name: "password", label: "Passphrase", format: "The passphrase you chose when creating the key", required: true },
  ],
  keyPageUrl: "https://www.okx.com/account/my-api",
  enablePermissions: ["Read", "Trade"],
  leaveOffPermissions: ["Withdraw"],
  reportsPermissions: true,
  supportsGeneratedKeys: false,
  supportsIpAllowlist: true,
  canonicalise(input) {
    requireFields(input, ["apiKey", "secret", "password"]);
    return trimmedSecret(input);
  },
  introspect: async (call) => parseOkxPermissions(await call("privateGetAccountConfig")),
};
