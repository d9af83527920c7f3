import type { ExchangeKeyInfo } from "../ports/ExchangeGateway.js";
import { type KeyPermissions, unknownKeyPermissions } from "../ports/KeyPermissions.js";

/**
 * The normalised permissions of a validation result: the gateway's own record when it gave one,
 * else derived from its boolean `permissions` (a gateway without venue modules). When the
 * gateway said it could not read the permissions, only a successful read is known.
 */
export function keyPermissionsOf(info: ExchangeKeyInfo): KeyPermissions {
  if (info.keyPermissions !== undefined) return { ...info.keyPermissions, allowedIps: info.keyPermissions.allowedIps === null ? null : [...info.keyPermissions.allowedIps] };
  const p = info.permissions;
  if (info.permissionsReported === false) return { ...unknownKeyPermissions(), read: p.read ? true : "unknown" };
  return {
    ...unknownKeyPermissions(),
    read: p.read,
    spotTrade: p.trade,
    withdraw: p.withdraw,
    margin: p.margin ?? "unknown",
    futures: p.futures ?? "unknown",
    ipRestricted: p.ipRestricted ?? "unknown",
    expiresAt: info.expiresAt === null ? null : info.expiresAt.toISOString(),
  };
}
