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

/** Longest SIWE message and signature accepted (an ERC-6492 signature carries its deploy call). */
export const MAX_WALLET_LINK_CHARS = 8192;

/**
 * An EVM address: `0x` and 40 hex digits. Its EIP-55 checksum (a mixed-case address must match
 * it; all-lowercase and all-uppercase carry none) is checked by the service, which has keccak.
 */
const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

const CAIP2 = /^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}$/;

/**
 * A chain id as CAIP-2 (`"eip155:1"`), or an EIP-155 chain number as a number (`1`), a decimal
 * string (`"1"`) or a hex string (`"0x1"`, what `eth_chainId` returns): normalised to CAIP-2.
 * Other CAIP-2 namespaces pass through (the service answers `CHAIN_UNSUPPORTED`).
 */
export const chainIdInputSchema = z.union([z.number(), z.string().max(64)]).transform((value, ctx) => {
  let number: number | null = null;
  if (typeof value === "number") number = value;
  else if (/^[1-9][0-9]{0,15}$/.test(value)) number = Number(value);
  else if (/^0x[0-9a-fA-F]{1,14}$/.test(value)) number = Number.parseInt(value.slice(2), 16);
  else if (CAIP2.test(value)) return value;
  if (number !== null && Number.isSafeInteger(number) && number >= 1) return `eip155:${number}`;
  ctx.addIssue({ code: "custom", message: "not a chain id" });
  return z.NEVER;
});

/**
 * Input of `challenge`: the address to prove and its chain. The HTTP API parses its body with
 * this very schema, so the SDK and the API accept the same inputs.
 */
export const walletChallengeInputSchema = z.strictObject({
  /** The address to prove: lowercase, uppercase or EIP-55 checksummed (shown EIP-55 in the message). */
  address: evmAddress.describe("0x + 40 hex digits: lowercase, uppercase or a correct EIP-55 checksum"),
  /** CAIP-2 (`"eip155:1"`), or an EIP-155 chain number (`1`, `"1"`, `"0x1"`). */
  chainId: chainIdInputSchema.describe("CAIP-2 (eip155:1) or an EIP-155 chain number (1, \"1\", \"0x1\")"),
});

/**
 * Input of `verifyAndLink`: the message exactly as signed, the signature, an optional label. The
 * HTTP API parses its body with this very schema. Only the lengths are checked here: a malformed
 * message or signature within them is a verification failure the service audits (detectors count it).
 */
export const walletLinkInputSchema = z.strictObject({
  message: z.string().max(MAX_WALLET_LINK_CHARS),
  signature: z.string().max(MAX_WALLET_LINK_CHARS),
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
