import { WalletAuthError } from "../errors/index.js";

/** A parsed EVM CAIP-2 chain id. */
export interface Eip155ChainId {
  namespace: "eip155";
  /** Decimal chain reference, e.g. `"1"`. */
  reference: string;
  /** The number form used in EIP-4361 messages. */
  number: number;
}

const EIP155 = /^eip155:([1-9][0-9]{0,15})$/;

/**
 * Parses a CAIP-2 `eip155:<n>` chain id.
 *
 * @throws WalletAuthError `CHAIN_UNSUPPORTED` for any other namespace or a malformed id.
 */
export function parseEip155ChainId(chainId: string): Eip155ChainId {
  const match = EIP155.exec(chainId);
  if (!match?.[1]) throw new WalletAuthError("CHAIN_UNSUPPORTED", { reason: "chain-id-not-eip155" });
  return { namespace: "eip155", reference: match[1], number: Number(match[1]) };
}

/** `eip155:<n>` for an EIP-155 chain number. */
export function eip155ChainId(chainNumber: number): string {
  return `eip155:${chainNumber}`;
}
