/** Where each venue's API keys are managed (the owner deletes a leaked key there; no API can do it for them). */
const keyPages: Readonly<Record<string, string>> = {
  binance: "https://www.binance.com/en/my/settings/api-management",
  okx: "https://www.okx.com/account/my-api",
  bybit: "https://www.bybit.com/app/user/api-management",
  kraken: "https://pro.kraken.com/app/settings/api",
  coinbase: "https://www.coinbase.com/settings/api",
  kucoin: "https://www.kucoin.com/account/api",
  bitget: "https://www.bitget.com/account/newapi",
  gate: "https://www.gate.io/myaccount/apikeys",
};

/** One credential's key-deletion steps, for an incident record. */
export interface KeyDeletionSteps {
  credentialId: string;
  exchange: string;
  label: string;
  /** The key's non-secret hint as shown in the product (its last characters). */
  keyHint: string;
  /** The venue's API management page, or `null` for a venue without a known page. */
  page: string | null;
  steps: string[];
}

/**
 * The steps to delete a key at its venue: a disabled credential stops this product from using it,
 * but only deleting it at the exchange stops whoever else holds it.
 */
export function keyDeletionSteps(credential: { id: string; exchange: string; label: string; keyHint: string }): KeyDeletionSteps {
  const page = keyPages[credential.exchange] ?? null;
  return {
    credentialId: credential.id,
    exchange: credential.exchange,
    label: credential.label,
    keyHint: credential.keyHint,
    page,
    steps: [
      page === null ? `Sign in to ${credential.exchange} and open its API key management page.` : `Sign in to ${credential.exchange} and open ${page}.`,
      `Delete the API key ending in ${credential.keyHint} (stored here as "${credential.label}"); deleting, not editing, is what stops every copy of it.`,
      "Review the account's open orders, trade history and withdrawal addresses for activity you did not make.",
      "Create a new key with trading only (no withdrawal), restricted to this service's egress IPs, and add it as a new credential.",
    ],
  };
}
