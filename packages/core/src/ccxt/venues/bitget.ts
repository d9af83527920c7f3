import type { KeyPermissions, Tristate } from "../../ports/KeyPermissions.js";
import { requireFields, trimmedSecret } from "./canonical.js";
import { ipFields, ipList, permissions, record, strings } from "./read.js";
import type { VenueModule } from "./VenueModule.js";

// Bitget's documented authority codes (api-doc/spot/account/Get-Account-Info): "...or" read-only,
// "...ow" read-write; "wwow" is wallet withdrawal. "trade"/"readonly" are the older spellings.
const KNOWN = new Set(["coor", "cpor", "stor", "smor", "ttor", "wtor", "taxr", "chor", "p2pr", "pllr", "coow", "cpow", "stow", "smow", "ttow", "wtow", "wwow", "chow", "p2p", "p2pw", "pllw", "taxw", "trade", "readonly", "withdraw"]);
const CODED = /^[a-z0-9]{3,4}$/;

/**
 * Bitget `GET /api/v2/spot/account/info` (ccxt `privateSpotGetV2SpotAccountInfo`), `data` as
 * documented: `authorities` (codes above), `ips` (the IP whitelist, a string), `userId`,
 * `parentId` (the main account's user id). A permission absent from a list of known codes is off;
 * an unknown code makes what it might grant unknown.
 */
export function parseBitgetPermissions(raw: unknown): KeyPermissions {
  const d = record(record(raw)?.data);
  const list = strings(d?.authorities)?.map((a) => a.trim().toLowerCase());
  if (d === undefined || list === undefined) return permissions({});
  const allKnown = list.every((a) => KNOWN.has(a));
  const coded = list.some((a) => a !== "trade" && a !== "readonly" && CODED.test(a));
  // Granted when listed; off when every code is known (and, for the new codes, the list uses them).
  const grant = (codes: string[], needsCoded = true): Tristate => (codes.some((c) => list.includes(c)) ? true : allKnown && (coded || !needsCoded) ? false : "unknown");
  const userId = d.userId === undefined || d.userId === null ? undefined : String(d.userId);
  const parentId = d.parentId === undefined || d.parentId === null ? undefined : String(d.parentId);
  return permissions({
    read: list.length > 0 ? true : "unknown",
    spotTrade: grant(["stow", "trade"]),
    margin: grant(["smow"]),
    futures: grant(["coow", "cpow"]),
    internalTransfer: grant(["wtow"]),
    withdraw: grant(["wwow", "withdraw"], false),
    ...ipFields(ipList(d.ips)),
    account: userId === undefined || parentId === undefined ? "unknown" : userId === parentId ? "master" : "sub",
  });
}

/** Bitget spot. */
export const bitgetVenue: VenueModule = {
  id: "bitget",
  displayName: "Bitget",
  fields: [
    { name: "apiKey", label: "API Key", format: "Starts with bg_", required: true },
    { name: "secret", label: "Secret Key", format: "64 hexadecimal characters", required: true },
    { name: "password", label: "Passphrase", format: "The passphrase you chose when creating the key", required: true },
  ],
  keyPageUrl: "https://www.bitget.com/account/newapi",
  enablePermissions: ["Spot: Read-Write (trade)"],
  leaveOffPermissions: ["Wallet: Withdraw", "Wallet: Transfer", "Futures", "Margin"],
  reportsPermissions: true,
  supportsGeneratedKeys: true,
  supportsIpAllowlist: true,
  canonicalise(input) {
    requireFields(input, ["apiKey", "secret", "password"]);
    return trimmedSecret(input);
  },
  introspect: async (call) => parseBitgetPermissions(await call("privateSpotGetV2SpotAccountInfo")),
};
