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

const IP = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?:\/(?:3[0-2]|[12]?\d))?|[0-9A-Fa-f:]{2,39}(?:\/(?:12[0-8]|1[01]\d|\d?\d))?)$/;

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
    if (!egressIps.every((ip) => IP.test(ip))) throw new WalletAuthError("INVALID_INPUT", { reason: "egress-ip", details: { fields: ["egressIps"] } });
    this.venues = Object.freeze(listVenues({ egressIps, only: options.venues }));
  }

  /** Every venue, in display-name order (fresh copies: callers may not change the catalog). */
  list(): VenueDescription[] {
    return structuredClone([...this.venues]);
  }
}
