import { z } from "zod";
import type { JsonObject } from "../ports/common.js";
import { idSchema, isStorableText, labelSchema } from "../validation/index.js";

const MAX_METADATA_BYTES = 4096;
const MAX_METADATA_DEPTH = 8;

/** `true` when `value` is plain JSON whose keys and strings PostgreSQL can store (no NUL, no lone surrogate). */
function isStorableJson(value: unknown, depth = 0): boolean {
  if (depth > MAX_METADATA_DEPTH) return false;
  if (value === null || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (typeof value === "string") return isStorableText(value);
  if (Array.isArray(value)) return value.every((v) => isStorableJson(v, depth + 1));
  if (typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.entries(value).every(([k, v]) => isStorableText(k) && isStorableJson(v, depth + 1));
}

/** Wallet metadata: a plain JSON object of at most 4 KiB whose strings can be stored. */
export const walletMetadataSchema = z
  .custom<JsonObject>((value) => typeof value === "object" && value !== null && !Array.isArray(value) && isStorableJson(value))
  .refine((value) => Buffer.byteLength(JSON.stringify(value), "utf8") <= MAX_METADATA_BYTES)
  .transform((value) => JSON.parse(JSON.stringify(value)) as JsonObject);

/** Input of `challenge`: the address to prove and a CAIP-2 chain id. */
export const walletChallengeInputSchema = z.strictObject({
  /** The address to prove (any case; shown EIP-55 in the message). */
  address: z.string().max(64),
  /** CAIP-2 chain id, e.g. `"eip155:1"`. */
  chainId: z.string().max(64),
});

/** Input of `verifyAndLink`: the message exactly as signed, the signature, an optional label. */
export const walletLinkInputSchema = z.strictObject({
  message: z.string(),
  signature: z.string(),
  label: labelSchema.nullable().optional(),
});

/** Input of `get`, `setPrimary` and `unlink`. */
export const walletIdInputSchema = z.strictObject({ walletId: idSchema });

/** Input of `update`: a new label (`null` clears it) and/or metadata. */
export const walletUpdateInputSchema = z.strictObject({
  walletId: idSchema,
  label: labelSchema.nullable().optional(),
  metadata: walletMetadataSchema.optional(),
});

/** Input of `WalletService.challenge`. */
export type WalletChallengeOptions = z.input<typeof walletChallengeInputSchema>;
/** Input of `WalletService.verifyAndLink`. */
export type WalletLinkOptions = z.input<typeof walletLinkInputSchema>;
/** Input of `WalletService.get`, `setPrimary` and `unlink`. */
export type WalletIdOptions = z.input<typeof walletIdInputSchema>;
/** Input of `WalletService.update`. */
export type WalletUpdateOptions = z.input<typeof walletUpdateInputSchema>;
