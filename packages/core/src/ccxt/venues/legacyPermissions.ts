import type { CredentialPermissions } from "../../ports/CredentialStore.js";
import type { KeyPermissions } from "../../ports/KeyPermissions.js";

/**
 * The boolean `CredentialPermissions` kept for existing readers: a permission counts as granted
 * only when the venue said so; optional fields appear only when the venue reported them.
 */
export function toLegacyPermissions(kp: KeyPermissions): CredentialPermissions {
  const out: CredentialPermissions = { read: kp.read === true, trade: kp.spotTrade === true, withdraw: kp.withdraw === true };
  if (typeof kp.margin === "boolean") out.margin = kp.margin;
  if (typeof kp.futures === "boolean") out.futures = kp.futures;
  if (typeof kp.ipRestricted === "boolean") out.ipRestricted = kp.ipRestricted;
  return out;
}
