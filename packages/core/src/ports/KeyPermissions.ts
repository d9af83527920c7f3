/** A permission as a venue reports it: granted, not granted, or not determinable from what it says. */
export type Tristate = boolean | "unknown";

/**
 * One normalised account of what an exchange API key may do, read from the venue's own
 * key-introspection endpoint (each venue module maps its shape onto this). Anything the venue
 * does not report, or reports in a shape the module does not recognise, is `"unknown"`, never
 * guessed.
 */
export interface KeyPermissions {
  /** Read balances, orders and history. */
  read: Tristate;
  /** Place and cancel spot orders. */
  spotTrade: Tristate;
  margin: Tristate;
  /** Futures / perpetual / derivatives trading. */
  futures: Tristate;
  /** Move funds between the venue's own accounts or sub-accounts (never off the venue). */
  internalTransfer: Tristate;
  /** Withdraw funds off the venue. */
  withdraw: Tristate;
  /** The key only works from an IP allowlist. */
  ipRestricted: Tristate;
  /** The allowlist the venue reports (IPs or CIDR blocks); `null` when it does not report one. */
  allowedIps: string[] | null;
  /** Expiry exactly as the venue reports it (ISO 8601, UTC); `null` when it reports none. */
  expiresAt: string | null;
  /** Whether the key belongs to the venue's main account or to a sub-account. */
  account: "master" | "sub" | "unknown";
}

/** A record with every permission unknown: what a venue without introspection yields. */
export function unknownKeyPermissions(): KeyPermissions {
  return {
    read: "unknown",
    spotTrade: "unknown",
    margin: "unknown",
    futures: "unknown",
    internalTransfer: "unknown",
    withdraw: "unknown",
    ipRestricted: "unknown",
    allowedIps: null,
    expiresAt: null,
    account: "unknown",
  };
}
