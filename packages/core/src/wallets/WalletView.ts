import type { JsonObject } from "../ports/common.js";
import type { WalletRecord } from "../ports/WalletStore.js";

/** A linked wallet as the service returns it. */
export interface WalletView {
  id: string;
  /** EIP-55 address. */
  address: `0x${string}`;
  /** CAIP-2 chain id the proof was made on, e.g. `"eip155:1"`. */
  chainId: string;
  label: string | null;
  metadata: JsonObject;
  isPrimary: boolean;
  verifiedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** Maps a stored wallet to its public view. */
export function toWalletView(record: WalletRecord): WalletView {
  return {
    id: record.id,
    address: record.address as `0x${string}`,
    chainId: `${record.chainNamespace}:${record.chainReference}`,
    label: record.label,
    metadata: record.metadata,
    isPrimary: record.isPrimary,
    verifiedAt: record.verifiedAt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
