import type { KeyPermissions } from "../../ports/KeyPermissions.js";
import { looksLikePem, readPrivateKey, requireFields, trimmedSecret } from "./canonical.js";
import { anyOf, dateIso, has, permissions, record, strings } from "./read.js";
import type { VenueModule } from "./VenueModule.js";

/**
 * Bybit `GET /v5/user/query-api` (ccxt `privateGetV5UserQueryApi`), `result` as documented
 * (bybit-exchange.github.io/docs/v5/user/apikey-info): `readOnly` (0 read-write, 1 read-only),
 * `permissions` (`Spot: ["SpotTrade"]`, `ContractTrade: ["Order","Position"]`,
 * `Derivatives: ["DerivativesTrade"]`, `Wallet: ["AccountTransfer","SubMemberTransfer",
 * "SubMemberTransferList","Withdraw"]`, Withdraw for master keys only), `ips` (`*` when unbound, as
 * Bybit's sub-apikeys page says), `expiredAt` (only for keys without an IP), `isMaster`. Bybit gives
 * unified accounts `DerivativesTrade` by default, so their keys read as futures-capable. It reports
 * no separate margin permission.
 */
export function parseBybitPermissions(raw: unknown): KeyPermissions {
  const r = record(record(raw)?.result);
  const perms = record(r?.permissions);
  if (r === undefined || perms === undefined) return permissions({});
  const readOnly = r.readOnly === 1 ? true : r.readOnly === 0 ? false : "unknown";
  // A read-only key can do none of the writes, whatever its lists say.
  const writable = (value: boolean | "unknown") => (readOnly === true ? false : value);
  const wallet = strings(perms.Wallet);
  const contract = strings(perms.ContractTrade);
  const ips = strings(r.ips)?.map((ip) => ip.trim()).filter((ip) => ip !== "");
  const unbound = ips !== undefined && (ips.length === 0 || ips.includes("*"));
  return permissions({
    read: true,
    spotTrade: writable(has(strings(perms.Spot), "SpotTrade")),
    futures: writable(anyOf(contract === undefined ? "unknown" : contract.length > 0, has(strings(perms.Derivatives), "DerivativesTrade"))),
    internalTransfer: writable(has(wallet, "AccountTransfer", "SubMemberTransfer", "SubMemberTransferList")),
    withdraw: writable(has(wallet, "Withdraw")),
    ipRestricted: ips === undefined ? "unknown" : !unbound,
    allowedIps: ips === undefined ? null : unbound ? [] : ips,
    expiresAt: dateIso(r.expiredAt),
    account: r.isMaster === true ? "master" : r.isMaster === false ? "sub" : "unknown",
  });
}

/** Bybit. */
export const bybitVenue: VenueModule = {
  id: "bybit",
  displayName: "Bybit",
  fields: [
    { name: "apiKey", label: "API Key", format: "Letters and digits", required: true },
    { name: "secret", label: "API Secret or private key", format: "The HMAC secret, or the RSA private key (PEM) of a self-generated key", required: true },
  ],
  keyPageUrl: "https://www.bybit.com/app/user/api-management",
  enablePermissions: ["Read-Write", "Unified Trading: Spot Trade"],
  leaveOffPermissions: ["Assets: Withdrawal", "Assets: Transfer", "Contracts", "Derivatives"],
  reportsPermissions: true,
  supportsGeneratedKeys: true,
  supportsIpAllowlist: true,
  canonicalise(input) {
    requireFields(input, ["apiKey", "secret"]);
    const secret = trimmedSecret(input);
    // ccxt signs any PEM secret as RSA for Bybit.
    if (looksLikePem(secret.secret)) secret.secret = readPrivateKey("secret", secret.secret, ["rsa"]).pem;
    return secret;
  },
  introspect: async (call) => parseBybitPermissions(await call("privateGetV5UserQueryApi")),
};
