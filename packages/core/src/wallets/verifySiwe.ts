import type { ChainGateway } from "../ports/ChainGateway.js";
import { eip155ChainId } from "./caip2.js";
import { z } from "zod";
import { parseInput } from "../validation/index.js";
import { loadViem } from "./loadViem.js";
import { parseRfc3339, parseSiweText } from "./siweGrammar.js";
import { verificationFailed } from "./verificationFailed.js";

/** What the verifier expects of an EIP-4361 message. Absent optional fields are not checked. */
export interface SiweExpectations {
  /** The RFC 3986 authority that must appear as the message domain (`"app.example.com"`). */
  domain: string;
  /** The exact `URI:` value. */
  uri?: string | undefined;
  /** The scheme, when the message carries one (`"https"`). */
  scheme?: string | undefined;
  /** The exact nonce. */
  nonce?: string | undefined;
  /** The signer address (compared case-insensitively). */
  address?: string | undefined;
  /** Allowed CAIP-2 chain ids (`["eip155:1"]`). */
  chainIds?: readonly string[] | undefined;
  /** The instant to verify at (default: now). */
  time?: Date | undefined;
  /** Longest accepted age of `Issued At`; also refuses `Issued At` in the future beyond the skew. */
  maxIssuedAgeMs?: number | undefined;
  /** Tolerance for clock differences on every time check (default 0). */
  clockSkewMs?: number | undefined;
  /** Resources that must all be listed (e.g. the user binding). */
  resources?: readonly string[] | undefined;
}

/** The checked fields of a message. */
export interface SiweFields {
  /** EIP-55 address. */
  address: `0x${string}`;
  /** CAIP-2 chain id. */
  chainId: string;
  domain: string;
  uri: string;
  nonce: string;
  issuedAt: Date;
  expirationTime: Date | null;
  notBefore: Date | null;
  resources: readonly string[];
}

/** Options for {@link verifySiwe}. */
export interface VerifySiweOptions {
  /** The EIP-4361 message text exactly as signed. */
  message: string;
  /** Hex signature: 65-byte ECDSA, or anything a contract wallet accepts (EIP-1271 / EIP-6492). */
  signature: string;
  expected: SiweExpectations;
  /** Chain access for contract wallets; without it only plain accounts verify. */
  chains?: ChainGateway | undefined;
}

/** Result of {@link verifySiwe}. */
export interface VerifySiweResult extends SiweFields {
  /** How the signature was proven. */
  method: "eoa" | "erc1271" | "erc6492";
}

const optionalText = z.string().max(4096).optional();
/** Run-time shape of the verifier's options (the message itself is judged by the grammar, audited). */
const checkOptionsSchema = z.object({
  message: z.unknown().transform((m) => m as string),
  expected: z.object({
    domain: z.string().max(512),
    uri: optionalText,
    scheme: optionalText,
    nonce: optionalText,
    address: optionalText,
    chainIds: z.array(z.string().max(64)).readonly().optional(),
    time: z.date().refine((d) => Number.isFinite(d.getTime())).optional(),
    maxIssuedAgeMs: z.number().nonnegative().finite().optional(),
    clockSkewMs: z.number().nonnegative().finite().optional(),
    resources: z.array(z.string().max(4096)).readonly().optional(),
  }),
});

/**
 * Parses an EIP-4361 message and checks everything but the signature: structure, version,
 * domain, scheme, URI, chain allowlist, nonce, address, resources, and the time window.
 *
 * @param options - The message and the expectations.
 * @returns The checked fields.
 * @throws WalletAuthError `WALLET_VERIFICATION_FAILED` with a specific `reason`; `INVALID_INPUT` when `expected` is not well-formed.
 * @example
 * ```ts
 * import { checkSiweMessage } from "@wallet-auth/core";
 * const fields = await checkSiweMessage({ message, expected: { domain: "app.example.com", chainIds: ["eip155:1"] } });
 * ```
 */
export async function checkSiweMessage(options: { message: string; expected: SiweExpectations }): Promise<SiweFields> {
  const { message } = parseInput(checkOptionsSchema, options);
  const expected = options.expected;
  if (typeof message !== "string" || message.length === 0 || message.length > 8192) throw verificationFailed("message_malformed");
  // The product's own grammar check (EIP-4361 ABNF, RFC 3986, RFC 3339 with calendar checks):
  // viem's parser accepts bad IP literals, any statement characters and rolled-over dates.
  const parsed = parseSiweText(message);
  if (!parsed.ok) throw verificationFailed(parsed.field === "version" ? "version_unsupported" : "message_malformed");
  const { domain, uri, nonce } = parsed.fields;
  const issuedAt = parseRfc3339(parsed.fields.issuedAt) as Date;
  const expirationTime = parsed.fields.expirationTime === undefined ? undefined : (parseRfc3339(parsed.fields.expirationTime) as Date);
  const notBefore = parsed.fields.notBefore === undefined ? undefined : (parseRfc3339(parsed.fields.notBefore) as Date);
  const chainId = Number(parsed.fields.chainId);
  if (!Number.isSafeInteger(chainId) || chainId < 1) throw verificationFailed("message_malformed");
  const { viem } = await loadViem();
  // EIP-55 is mandatory in EIP-4361 messages: an all-lowercase or wrongly cased address is malformed.
  const checksummed = viem.getAddress(parsed.fields.address);
  if (checksummed !== parsed.fields.address) throw verificationFailed("message_malformed");
  const parsedScheme = parsed.fields.scheme;

  if (domain.toLowerCase() !== expected.domain.toLowerCase()) throw verificationFailed("domain_mismatch");
  if (expected.scheme !== undefined && parsedScheme !== undefined && parsedScheme !== expected.scheme) throw verificationFailed("scheme_mismatch");
  if (expected.uri !== undefined && uri !== expected.uri) throw verificationFailed("uri_mismatch");
  const caip2 = eip155ChainId(chainId);
  if (expected.chainIds !== undefined && !expected.chainIds.includes(caip2)) throw verificationFailed("chain_not_allowed");
  if (expected.nonce !== undefined && nonce !== expected.nonce) throw verificationFailed("nonce_mismatch");
  if (expected.address !== undefined && !viem.isAddressEqual(checksummed, expected.address as `0x${string}`)) {
    throw verificationFailed("address_mismatch");
  }
  const resources = parsed.fields.resources ?? [];
  if (expected.resources?.some((r) => !resources.includes(r))) throw verificationFailed("user_binding_missing");

  const now = (expected.time ?? new Date()).getTime();
  const skew = expected.clockSkewMs ?? 0;
  if (expirationTime && now - skew >= expirationTime.getTime()) throw verificationFailed("expired");
  if (notBefore && now + skew < notBefore.getTime()) throw verificationFailed("not_yet_valid");
  if (expected.maxIssuedAgeMs !== undefined) {
    if (issuedAt.getTime() > now + skew) throw verificationFailed("issued_at_in_future");
    if (now - issuedAt.getTime() > expected.maxIssuedAgeMs + skew) throw verificationFailed("issued_at_too_old");
  }
  return {
    address: checksummed,
    chainId: caip2,
    domain,
    uri,
    nonce,
    issuedAt,
    expirationTime: expirationTime ?? null,
    notBefore: notBefore ?? null,
    resources,
  };
}

/**
 * Proves that `address` signed `message` (EIP-191). A 65-byte signature is recovered offline
 * first (no RPC for plain accounts); the chain is asked only when that fails, the signature has
 * another length, or it is EIP-6492 wrapped.
 *
 * @returns How the signature was proven.
 * @throws WalletAuthError `WALLET_VERIFICATION_FAILED` with a specific `reason`.
 */
export async function verifySiweSignature(options: {
  message: string;
  address: `0x${string}`;
  chainId: string;
  signature: string;
  chains?: ChainGateway | undefined;
}): Promise<"eoa" | "erc1271" | "erc6492"> {
  const { message, address, chainId, chains } = options;
  const { viem } = await loadViem();
  const signature = options.signature;
  if (typeof signature !== "string" || !/^0x(?:[0-9a-fA-F]{2})+$/.test(signature) || signature.length > 2 + 2 * 16_384) {
    throw verificationFailed("signature_malformed");
  }
  const hex = signature as `0x${string}`;
  const wrapped = viem.isErc6492Signature(hex);
  const plainLength = (hex.length - 2) / 2 === 65;
  if (plainLength && !wrapped) {
    try {
      const recovered = await viem.recoverMessageAddress({ message, signature: hex });
      if (viem.isAddressEqual(recovered, address)) return "eoa";
    } catch {
      // Not a valid secp256k1 signature: a contract wallet may still accept these bytes.
    }
  }
  if (!chains?.supports(chainId)) {
    throw verificationFailed(plainLength && !wrapped ? "signature_mismatch" : wrapped ? "contract_signature_unsupported_chain" : "signature_malformed");
  }
  let result;
  try {
    result = await chains.verifyContractSignature({ chainId, address, message, signature: hex });
  } catch (error) {
    throw verificationFailed("chain_unavailable", error);
  }
  if (result.valid && result.method !== "none") return result.method;
  if (result.method === "none") throw verificationFailed(plainLength ? "signature_mismatch" : "signature_malformed");
  throw verificationFailed("contract_signature_refused");
}

/**
 * Verifies a Sign-In with Ethereum message end to end: {@link checkSiweMessage}, then
 * {@link verifySiweSignature}. Pure: it consumes no nonce and writes nothing (the wallet service
 * adds the single-use nonce, user binding and linking around it).
 *
 * @param options - Message, signature, expectations, optional chain access for contract wallets.
 * @returns The verified fields and how the signature was proven.
 * @throws WalletAuthError `WALLET_VERIFICATION_FAILED`; the specific cause is in `reason` only.
 * @example
 * ```ts
 * import { verifySiwe } from "@wallet-auth/core";
 * const { address } = await verifySiwe({
 *   message,
 *   signature,
 *   expected: { domain: "app.example.com", nonce, chainIds: ["eip155:1"] },
 * });
 * ```
 */
export async function verifySiwe(options: VerifySiweOptions): Promise<VerifySiweResult> {
  parseInput(z.object({ expected: z.unknown() }), options);
  const fields = await checkSiweMessage({ message: options.message, expected: options.expected });
  const method = await verifySiweSignature({
    message: options.message,
    address: fields.address,
    chainId: fields.chainId,
    signature: options.signature,
    chains: options.chains,
  });
  return { ...fields, method };
}
