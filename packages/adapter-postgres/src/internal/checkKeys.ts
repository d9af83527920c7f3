import { WalletAuthError, isStorableText } from "@wallet-auth/core";

/**
 * Refuses a key argument (user id, record id, chain key, lease name) that is not a plain string
 * PostgreSQL can compare: an array or a `String` object could otherwise be bound as something
 * else and match rows, and a NUL byte fails inside the database. The services check their
 * inputs first (core's validation module); this keeps an adapter caller who goes straight to
 * the store on the same rule.
 *
 * @throws WalletAuthError `INVALID_INPUT` (`details.fields` names the argument) before any query.
 */
export function checkKeys(values: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(values)) {
    if (typeof value !== "string" || value.length === 0 || value.length > 512 || !isStorableText(value)) {
      throw new WalletAuthError("INVALID_INPUT", { reason: "store-key-invalid", details: { fields: [field] } });
    }
  }
}
