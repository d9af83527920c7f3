import type { ChainTokenTransfer } from "../ports/ChainGateway.js";
import type { TransactionRecord } from "../ports/TransactionStore.js";
import { formatUnits, isZeroDecimal } from "./decimal.js";
import type { TokenConfig } from "./types.js";

/** Input of {@link toTransferRecords}. */
export interface ToTransferRecordsOptions {
  transfers: readonly ChainTokenTransfer[];
  tokens: readonly TokenConfig[];
  /** The wallet whose history this is. */
  address: string;
  chainId: string;
  userId: string;
  sourceId: string;
  newId: () => string;
}

/**
 * Normalises ERC-20 transfer logs into history entries of a wallet: amounts exact in token
 * units, negative when the wallet sent, `"0"` for a transfer to itself; the external id is
 * `txHash:logIndex`, so refetching upserts instead of duplicating.
 */
export function toTransferRecords(options: ToTransferRecordsOptions): TransactionRecord[] {
  const { transfers, address, chainId, userId, sourceId, newId } = options;
  const byAddress = new Map(options.tokens.map((t) => [t.address.toLowerCase(), t]));
  const self = address.toLowerCase();
  return transfers.map((t) => {
    const token = byAddress.get(t.token.toLowerCase());
    const outgoing = t.from.toLowerCase() === self;
    const incoming = t.to.toLowerCase() === self;
    const magnitude = formatUnits(t.value, token?.decimals ?? 18);
    const amount = outgoing && incoming ? "0" : outgoing && !isZeroDecimal(magnitude) ? `-${magnitude}` : magnitude;
    return {
      id: newId(),
      userId,
      sourceType: "wallet",
      sourceId,
      externalId: `${t.txHash}:${t.logIndex}`,
      type: "transfer",
      asset: token?.symbol ?? t.token,
      amount,
      fee: null,
      feeAsset: null,
      status: "ok",
      occurredAt: t.timestamp ?? new Date(0),
      txid: t.txHash,
      info: { chainId, token: t.token, from: t.from, to: t.to, blockNumber: t.blockNumber.toString(), logIndex: t.logIndex },
    };
  });
}
