import { isWalletAuthError } from "../errors/index.js";
import type { ChainGateway } from "../ports/ChainGateway.js";
import { eip155ChainId } from "./caip2.js";
import { loadViem } from "./loadViem.js";
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

const DATE_LINE = /^(Issued At|Expiration Time|Not Before): (.*)$/gm;

function canonicalDates(message: string): string {
  return message.replace(DATE_LINE, (line, key: string, value: string) => {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? line : `${key}: ${date.toISOString()}`;
  });
}

/**
 * Parses an EIP-4361 message and checks everything but the signature: structure, version,
 * domain, scheme, URI, chain allowlist, nonce, address, resources, and the time window.
 *
 * @param options - The message and the expectations.
 * @returns The checked fields.
 * @throws WalletAuthError `WALLET_VERIFICATION_FAILED` with a specific `reason`.
 * @example
 * ```ts
 * import { checkSiweMessage } from "@wallet-auth/core";
 * const fields = await checkSiweMessage({ message, expected: { domain: "app.example.com", chainIds: ["eip155:1"] } });
 * ```
 */
export async function checkSiweMessage(options: { message: string; expected: SiweExpectations }): Promise<SiweFields> {
  const { message, expected } = options;
  const { viem, siwe } = await loadViem();
  if (typeof message !== "string" || message.length === 0 || message.length > 8192) throw verificationFailed("message_malformed");
  const parsed = siwe.parseSiweMessage(message);
  const { address, chainId, domain, uri, version, nonce, issuedAt } = parsed;
  if (!address || chainId === undefined || !domain || !uri || !version || !nonce || !issuedAt) throw verificationFailed("message_malformed");
  if (version !== "1") throw verificationFailed("version_unsupported");
  const dates = [issuedAt, parsed.expirationTime, parsed.notBefore].filter((d): d is Date => d !== undefined);
  if (dates.some((d) => Number.isNaN(d.getTime()))) throw verificationFailed("message_malformed");
  // Round trip: the parser is lenient (unanchored suffix, trailing text ignored); a message that
  // does not rebuild to itself carries something the checks below would not see.
  try {
    if (siwe.createSiweMessage({ ...parsed, address, chainId, domain, uri, version, nonce, issuedAt }) !== canonicalDates(message)) {
      throw verificationFailed("message_malformed");
    }
  } catch (error) {
    throw isWalletAuthError(error) ? error : verificationFailed("message_malformed", error);
  }
  if (viem.getAddress(address) !== address && address !== address.toLowerCase()) throw verificationFailed("message_malformed");
  const checksummed = viem.getAddress(address);

  if (domain.toLowerCase() !== expected.domain.toLowerCase()) throw verificationFailed("domain_mismatch");
  if (expected.scheme !== undefined && parsed.scheme !== undefined && parsed.scheme !== expected.scheme) throw verificationFailed("scheme_mismatch");
  if (expected.uri !== undefined && uri !== expected.uri) throw verificationFailed("uri_mismatch");
  const caip2 = eip155ChainId(chainId);
  if (expected.chainIds !== undefined && !expected.chainIds.includes(caip2)) throw verificationFailed("chain_not_allowed");
  if (expected.nonce !== undefined && nonce !== expected.nonce) throw verificationFailed("nonce_mismatch");
  if (expected.address !== undefined && !viem.isAddressEqual(checksummed, expected.address as `0x${string}`)) {
    throw verificationFailed("address_mismatch");
  }
  const resources = parsed.resources ?? [];
  if (expected.resources?.some((r) => !resources.includes(r))) throw verificationFailed("user_binding_missing");

  const now = (expected.time ?? new Date()).getTime();
  const skew = expected.clockSkewMs ?? 0;
  if (parsed.expirationTime && now - skew >= parsed.expirationTime.getTime()) throw verificationFailed("expired");
  if (parsed.notBefore && now + skew < parsed.notBefore.getTime()) throw verificationFailed("not_yet_valid");
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
    expirationTime: parsed.expirationTime ?? null,
    notBefore: parsed.notBefore ?? null,
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
