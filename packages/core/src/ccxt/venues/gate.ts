import type { KeyPermissions, Tristate } from "../../ports/KeyPermissions.js";
import { requireFields, trimmedSecret } from "./canonical.js";
import { anyOf, ipFields, ipList, permissions, record } from "./read.js";
import type { VenueModule } from "./VenueModule.js";

/**
 * Gate: ccxt 4.5.84 has no call that describes the calling key, so the module lists the main
 * account's keys with `GET /api/v4/account/main_keys` (ccxt `privateAccountGetMainKeys`) and picks
 * the entry whose `key` is this one. Each entry (Gate API v4 `AccountMainKey`) has `perms`
 * (`{ name, read_only }`, names "wallet", "spot", "futures", "delivery", "margin", ...),
 * `ip_whitelist`, `mode`, `state`. Gate documents no separate withdrawal permission in this model,
 * so withdrawal stays unknown unless a permission named "withdraw"/"withdrawal" is listed. A key not
 * in the list (a sub-account's key) is unknown throughout, except its IP whitelist, which
 * `GET /api/v4/account/detail` (ccxt `privateAccountGetDetail`, `ip_whitelist`) reports for the
 * calling key ({@link parseGateDetail}).
 */
export function parseGatePermissions(raw: unknown, apiKey: string): KeyPermissions {
  const entries = Array.isArray(raw) ? raw : [raw];
  const entry = entries.map(record).find((e) => e !== undefined && e.key === apiKey);
  const perms = entry?.perms;
  if (entry === undefined || !Array.isArray(perms)) return permissions({});
  const listed = perms.map(record).filter((p): p is Record<string, unknown> => p !== undefined && typeof p.name === "string");
  const writable = (...names: string[]): Tristate => {
    const found = listed.filter((p) => names.includes(String(p.name).toLowerCase()));
    if (found.length === 0) return false;
    return found.some((p) => p.read_only === false) ? true : found.every((p) => p.read_only === true) ? false : "unknown";
  };
  const withdrawListed = listed.some((p) => ["withdraw", "withdrawal"].includes(String(p.name).toLowerCase()));
  return permissions({
    read: listed.length > 0 ? true : "unknown",
    spotTrade: writable("spot"),
    margin: anyOf(writable("margin"), writable("spot")),
    futures: anyOf(writable("futures"), writable("delivery")),
    internalTransfer: writable("wallet"),
    withdraw: withdrawListed ? writable("withdraw", "withdrawal") : "unknown",
    ...ipFields(ipList(entry.ip_whitelist)),
    account: "master",
  });
}

/** The calling key's IP whitelist from Gate's `AccountDetail` (`ip_whitelist`); everything else unknown. */
export function parseGateDetail(raw: unknown): KeyPermissions {
  return permissions({ ...ipFields(ipList(record(raw)?.ip_whitelist)) });
}

/** Gate spot. */
export const gateVenue: VenueModule = {
  id: "gate",
  displayName: "Gate",
  fields: [
    { name: "apiKey", label: "Key", format: "32 hexadecimal characters", required: true },
    { name: "secret", label: "Secret", format: "64 hexadecimal characters", required: true },
  ],
  keyPageUrl: "https://www.gate.com/myaccount/api_key_manage",
  enablePermissions: ["Spot/Margin Trade: Read and Write"],
  leaveOffPermissions: ["Withdrawal", "Wallet", "Perpetual Futures", "Delivery"],
  reportsPermissions: false,
  supportsGeneratedKeys: false,
  supportsIpAllowlist: true,
  canonicalise(input) {
    requireFields(input, ["apiKey", "secret"]);
    return trimmedSecret(input);
  },
  async introspect(call, apiKey) {
    const listed = parseGatePermissions(await call("privateAccountGetMainKeys"), apiKey);
    return listed.read === "unknown" ? parseGateDetail(await call("privateAccountGetDetail")) : listed;
  },
};
