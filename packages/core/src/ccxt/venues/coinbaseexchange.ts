import { requireFields, trimmedSecret } from "./canonical.js";
import type { VenueModule } from "./VenueModule.js";

/**
 * Coinbase Exchange (the institutional venue, ccxt `coinbaseexchange`): key, base64 secret and
 * passphrase. It has no endpoint that reports a key's own permissions, so a key is stored only
 * when its owner accepts that withdrawal permission is unknown.
 */
export const coinbaseExchangeVenue: VenueModule = {
  id: "coinbaseexchange",
  displayName: "Coinbase Exchange",
  fields: [
    { name: "apiKey", label: "API Key", format: "32 hexadecimal characters", required: true },
    { name: "secret", label: "API Secret", format: "Base64 text", required: true },
    { name: "password", label: "Passphrase", format: "The passphrase shown when the key was created", required: true },
  ],
  keyPageUrl: "https://exchange.coinbase.com/profile/api",
  enablePermissions: ["View", "Trade"],
  leaveOffPermissions: ["Transfer"],
  reportsPermissions: false,
  supportsGeneratedKeys: false,
  supportsIpAllowlist: true,
  canonicalise(input) {
    requireFields(input, ["apiKey", "secret", "password"]);
    return trimmedSecret(input);
  },
};
