import { BlockList, isIP } from "node:net";
import type { KeyPermissions } from "../ports/KeyPermissions.js";

/**
 * Whether a key is bound to this product's egress addresses, as the venue reports it:
 * `bound` (an IP allowlist that admits every egress address; with no egress addresses configured,
 * any allowlist), `other-addresses` (an allowlist that lacks one of them), `unbound` (no allowlist:
 * usable from anywhere once leaked), `unknown` (the venue does not say).
 */
export type IpBinding = "bound" | "other-addresses" | "unbound" | "unknown";

function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.trim().split("/");
    const family = isIP(address);
    if (family === 0) continue;
    const type = family === 4 ? "ipv4" : "ipv6";
    try {
      if (prefix === undefined) list.addAddress(address, type);
      else list.addSubnet(address, Number(prefix), type);
    } catch {
      // A malformed entry of the venue's list admits nothing.
    }
  }
  return list;
}

/**
 * Classifies a key's IP binding against the product's egress addresses (IPs or CIDR blocks). An
 * egress CIDR counts as admitted only when the allowlist holds that exact block or its network
 * address falls in an allowed block (venues list addresses; a range is rarely entered whole).
 *
 * @param permissions - The venue's permission record (or `null` when none was read).
 * @param egressIps - The product's egress addresses (core option `egressIps`).
 * @returns The binding.
 * @example
 * ```ts
 * ipBindingOf({ ...record, ipRestricted: true, allowedIps: ["203.0.113.7"] }, ["203.0.113.7"]); // "bound"
 * ```
 */
export function ipBindingOf(permissions: Pick<KeyPermissions, "ipRestricted" | "allowedIps"> | null | undefined, egressIps: readonly string[]): IpBinding {
  if (permissions === null || permissions === undefined || permissions.ipRestricted === "unknown") return "unknown";
  if (permissions.ipRestricted === false) return "unbound";
  if (egressIps.length === 0) return "bound";
  const allowed = permissions.allowedIps ?? [];
  const list = blockListOf(allowed);
  const admitted = (egress: string): boolean => {
    if (allowed.includes(egress)) return true;
    const [address = ""] = egress.split("/");
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
  };
  return egressIps.every(admitted) ? "bound" : "other-addresses";
}
