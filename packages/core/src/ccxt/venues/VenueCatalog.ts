import { isIP } from "node:net";
import { WalletAuthError } from "../../errors/index.js";
import { listVenues, type VenueDescription } from "./registry.js";

/** Options for {@link VenueCatalog}. */
export interface VenueCatalogOptions {
  /**
   * The addresses this deployment calls exchanges from, shown to users for their keys' IP
   * allowlists (IPv4, IPv6 or CIDR). Default none.
   */
  egressIps?: readonly string[] | undefined;
  /** Only these venues (ccxt ids), e.g. the exchanges the gateway offers. Default every venue with a module. */
  venues?: readonly string[] | undefined;
}

/** An IPv4/IPv6 address (node:net's parser), optionally with a CIDR prefix length in range. */
function isIpOrCidr(value: string): boolean {
  const [address = "", prefix, extra] = value.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * The read-only list of supported venues with what a key form needs: display name, fields with
 * labels and formats, where to create a key, which permissions to enable and leave off, whether
 * the venue reports permissions, supports generated keys and IP allowlists, and this
 * deployment's egress IPs. Holds no secret; built once.
 *
 * @example
 * ```ts
 * import { VenueCatalog } from "@wallet-auth/core";
 * const venues = new VenueCatalog({ egressIps: ["203.0.113.7"] }).list();
 * ```
 */
export class VenueCatalog {
  private readonly venues: readonly VenueDescription[];

  /** @throws `INVALID_INPUT` (`details.fields: ["egressIps"]`) for an entry that is not an IP address or CIDR block. */
  constructor(options: VenueCatalogOptions = {}) {
    const egressIps = (options.egressIps ?? []).map((ip) => ip.trim()).filter((ip) => ip !== "");
    if (!egressIps.every(isIpOrCidr)) throw new WalletAuthError("INVALID_INPUT", { reason: "egress-ip", details: { fields: ["egressIps"] } });
    this.venues = Object.freeze(listVenues({ egressIps, only: options.venues }));
  }

  /** Every venue, in display-name order (fresh copies: callers may not change the catalog). */
  list(): VenueDescription[] {
    return structuredClone([...this.venues]);
  }
}
