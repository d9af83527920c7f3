import { z } from "zod";
import { parseInput } from "../validation/parseInput.js";
import { dateSchema, labelSchema } from "../validation/schemas.js";

const exchangeId = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/);
// One label rule for credentials and wallets: no control, bidi-override or lone-surrogate characters.
const label = labelSchema;
// API keys are printable ASCII without spaces; secrets may be PEM keys (Binance RSA/Ed25519), so
// only NUL and length are refused there.
const apiKey = z.string().min(1).max(512).regex(/^[\x21-\x7e]+$/);
const secret = z.string().min(1).max(8192).regex(/^[^\u0000]+$/);
const passphrase = z.string().min(1).max(512).regex(/^[\x20-\x7e]+$/);
// The one date rule (1970-01-01..9999-12-31): year -200000 is INVALID_INPUT on every store, not a SQL error.
const expiresAt = dateSchema;

/**
 * Input of `CredentialService.create` (and of `POST /credentials`). Unknown fields are refused.
 * Which of `password` / `uid` are required depends on the exchange.
 */
export const createCredentialInputSchema = z.strictObject({
  exchange: exchangeId,
  label,
  apiKey,
  secret,
  password: passphrase.optional(),
  uid: passphrase.optional(),
  /** Accept a key that can withdraw (also needs the service policy to allow it). */
  allowWithdrawal: z.boolean().optional(),
  /**
   * Store the key although the exchange does not say whether it can withdraw (the acceptance is
   * audited and recorded on the credential). The HTTP API asks for a fresh step-up with it.
   */
  acceptUnknownPermissions: z.boolean().optional(),
  /** User-set expiry; the earlier of this and the exchange's own wins. */
  expiresAt: expiresAt.optional(),
});

/**
 * Input of `CredentialService.update`. Giving `apiKey` and `secret` renews the key (validated
 * live before anything changes); `label` and `expiresAt` (`null` clears) are plain edits.
 */
export const updateCredentialInputSchema = z.strictObject({
  label: label.optional(),
  apiKey: apiKey.optional(),
  secret: secret.optional(),
  password: passphrase.optional(),
  uid: passphrase.optional(),
  allowWithdrawal: z.boolean().optional(),
  acceptUnknownPermissions: z.boolean().optional(),
  expiresAt: expiresAt.nullable().optional(),
});

/**
 * What `CredentialService.create` takes. Checked again at run time (a bot in plain JavaScript,
 * or a body from the network): unknown fields are refused there too.
 */
export interface CredentialCreateInput {
  /** ccxt exchange id, e.g. `"binance"`. */
  exchange: string;
  label: string;
  apiKey: string;
  secret: string;
  /** Passphrase (OKX, KuCoin, Coinbase ...). */
  password?: string | undefined;
  uid?: string | undefined;
  /** Accept a key that can withdraw (also needs the service policy to allow it). */
  allowWithdrawal?: boolean | undefined;
  /** Store the key although the exchange does not say whether it can withdraw (audited, recorded). */
  acceptUnknownPermissions?: boolean | undefined;
  /** User-set expiry; the earlier of this and the exchange's own wins. */
  expiresAt?: Date | string | undefined;
}

/** What `CredentialService.update` takes: a rename / expiry edit, or a renewal with a new key. */
export interface CredentialUpdateInput {
  label?: string | undefined;
  apiKey?: string | undefined;
  secret?: string | undefined;
  password?: string | undefined;
  uid?: string | undefined;
  allowWithdrawal?: boolean | undefined;
  acceptUnknownPermissions?: boolean | undefined;
  /** `null` clears the expiry. */
  expiresAt?: Date | string | null | undefined;
}

/** Parsed create input. */
export type CreateCredentialInput = z.infer<typeof createCredentialInputSchema>;
/** Parsed update input. */
export type UpdateCredentialInput = z.infer<typeof updateCredentialInputSchema>;

/**
 * Parses `input` with `schema` ({@link parseInput}). On failure throws `INVALID_INPUT` whose `details.fields` names
 * the offending declared fields only (an unknown field is `(unknown)`, never its name): never their values, and the zod error is not kept as `cause`
 * (its issues can echo input).
 *
 * @throws `INVALID_INPUT`
 */
export function parseCredentialInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  return parseInput(schema, input);
}
