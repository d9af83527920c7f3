import type { KeyPermissions } from "../../ports/KeyPermissions.js";
import { looksLikePem, readPrivateKey, requireFields, trimmedSecret } from "./canonical.js";
import { anyOf, epochIso, flag, ipList, permissions, record } from "./read.js";
import type { VenueModule } from "./VenueModule.js";

/**
 * Binance `GET /sapi/v1/account/apiRestrictions` (ccxt `sapiGetAccountApiRestrictions`), as
 * documented (developers.binance.com, wallet/account/api-key-permission): `enableReading`,
 * `enableSpotAndMarginTrading`, `enableMargin`, `enableFutures`, `enableInternalTransfer`,
 * `permitsUniversalTransfer`, `enableWithdrawals`, `ipRestrict`, and
 * `tradingAuthorityExpirationTime` ("expiration time for spot and margin trading permission",
 * epoch ms; Binance sets it on keys without an IP restriction). The IP list comes from
 * `GET /sapi/v1/account/apiRestrictions/ipRestriction` (`ipList`), when the key is restricted.
 */
export function parseBinancePermissions(raw: unknown, ipRaw?: unknown): KeyPermissions {
  const r = record(raw);
  if (r === undefined) return permissions({});
  const ipRestricted = flag(r.ipRestrict);
  const listed = ipList(record(ipRaw)?.ipList);
  return permissions({
    read: flag(r.enableReading),
    spotTrade: flag(r.enableSpotAndMarginTrading),
    margin: flag(r.enableMargin),
    futures: flag(r.enableFutures),
    internalTransfer: anyOf(flag(r.enableInternalTransfer), flag(r.permitsUniversalTransfer)),
    withdraw: flag(r.enableWithdrawals),
    ipRestricted,
    allowedIps: ipRestricted === false ? [] : ipRestricted === true ? (listed ?? null) : null,
    // Binance's trading-authority expiry applies to keys without an IP list.
    expiresAt: ipRestricted === true ? null : epochIso(r.tradingAuthorityExpirationTime),
  });
}

/** Binance spot. */
export const binanceVenue: VenueModule = {
  id: "binance",
  displayName: "Binance",
  fields: [
    { name: "apiKey", label: "API Key", format: "64 letters and digits", required: true },
    { name: "secret", label: "Secret Key or private key", format: "The HMAC secret key, or the Ed25519/RSA private key (PEM) of a self-generated key", required: true },
  ],
  keyPageUrl: "https://www.binance.com/en/my/settings/api-management",
  enablePermissions: ["Enable Reading", "Enable Spot & Margin Trading"],
  leaveOffPermissions: ["Enable Withdrawals", "Enable Internal Transfer", "Permits Universal Transfer", "Enable Margin Loan, Repay & Transfer", "Enable Futures"],
  reportsPermissions: true,
  supportsGeneratedKeys: true,
  supportsIpAllowlist: true,
  canonicalise(input) {
    requireFields(input, ["apiKey", "secret"]);
    const secret = trimmedSecret(input);
    if (looksLikePem(secret.secret)) secret.secret = readPrivateKey("secret", secret.secret, ["ed25519", "rsa"]).pem;
    return secret;
  },
  async introspect(call) {
    const raw = await call("sapiGetAccountApiRestrictions");
    if (record(raw)?.ipRestrict !== true) return parseBinancePermissions(raw);
    let ipRaw: unknown;
    try {
      ipRaw = await call("sapiGetAccountApiRestrictionsIpRestriction");
    } catch {
      // The list is informative; the restriction itself is already known.
      ipRaw = undefined;
    }
    return parseBinancePermissions(raw, ipRaw);
  },
};
