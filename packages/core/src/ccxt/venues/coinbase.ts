import { createPrivateKey } from "node:crypto";
import type { KeyPermissions } from "../../ports/KeyPermissions.js";
import { readPrivateKey, refuseField, requireFields, trimmedSecret } from "./canonical.js";
import { flag, permissions, record } from "./read.js";
import type { VenueModule } from "./VenueModule.js";

/**
 * Coinbase Advanced Trade `GET /api/v3/brokerage/key_permissions` (ccxt
 * `v3PrivateGetBrokerageKeyPermissions`), as documented (docs.cdp.coinbase.com, Get API Key
 * Permissions): `can_view`, `can_trade`, `can_transfer` ("deposit/withdrawal permissions"),
 * `portfolio_uuid`, `portfolio_type`. No IP list, expiry or account level is reported.
 */
export function parseCoinbasePermissions(raw: unknown): KeyPermissions {
  const r = record(raw);
  if (r === undefined) return permissions({});
  const trade = flag(r.can_trade);
  const transfer = flag(r.can_transfer);
  return permissions({
    read: flag(r.can_view),
    spotTrade: trade,
    margin: trade === false ? false : "unknown",
    futures: trade === false ? false : "unknown",
    internalTransfer: transfer,
    withdraw: transfer,
  });
}

// A CDP key name, e.g. organizations/{org_id}/apiKeys/{key_id}.
const CDP_KEY_NAME = /^organizations\/[A-Za-z0-9-]{1,64}\/apiKeys\/[A-Za-z0-9-]{1,64}$/;

/** Coinbase Advanced Trade, with Coinbase Developer Platform (CDP) keys signed as ES256 JWTs. */
export const coinbaseVenue: VenueModule = {
  id: "coinbase",
  displayName: "Coinbase Advanced",
  fields: [
    { name: "apiKey", label: "API key name", format: "organizations/{org_id}/apiKeys/{key_id}", required: true },
    { name: "secret", label: "Private key", format: "The ECDSA (ES256) private key, PEM (-----BEGIN EC PRIVATE KEY-----)", required: true },
  ],
  keyPageUrl: "https://portal.cdp.coinbase.com/projects/api-keys",
  enablePermissions: ["View", "Trade"],
  leaveOffPermissions: ["Transfer"],
  reportsPermissions: true,
  supportsGeneratedKeys: false,
  supportsIpAllowlist: true,
  canonicalise(input) {
    requireFields(input, ["apiKey", "secret"]);
    const secret = trimmedSecret(input);
    if (!CDP_KEY_NAME.test(secret.apiKey)) throw refuseField("apiKey", "not-cdp-key-name");
    // Advanced Trade signs with ES256 only (Coinbase's docs: the brokerage refuses Ed25519 keys).
    const { pem } = readPrivateKey("secret", secret.secret, ["ec-p256"]);
    // ccxt reads only the SEC1 form Coinbase issues ("EC PRIVATE KEY"); a PKCS8 export of the same
    // key fails in ccxt with "Unsupported key format", so it is converted, never refused.
    secret.secret = pem.startsWith("-----BEGIN EC PRIVATE KEY-----") ? pem : (createPrivateKey(pem).export({ type: "sec1", format: "pem" }) as string).trim();
    return secret;
  },
  introspect: async (call) => parseCoinbasePermissions(await call("v3PrivateGetBrokerageKeyPermissions")),
};
