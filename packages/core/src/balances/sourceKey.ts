import { createHash } from "node:crypto";
import { WalletAuthError } from "../errors/index.js";
import type { BalanceSourceType } from "../ports/BalanceSnapshotStore.js";
import type { BalanceSource } from "./types.js";

/** The stored source type and id of a source. */
export function sourceParts(source: BalanceSource): { sourceType: BalanceSourceType; sourceId: string } {
  if (source?.type === "exchange" && typeof source.credentialId === "string" && source.credentialId.length > 0 && source.credentialId.length <= 128) {
    return { sourceType: "exchange", sourceId: source.credentialId };
  }
  if (source?.type === "wallet" && typeof source.walletId === "string" && source.walletId.length > 0 && source.walletId.length <= 128) {
    return { sourceType: "wallet", sourceId: source.walletId };
  }
  throw new WalletAuthError("INVALID_INPUT", { reason: "balance-source-invalid", details: { field: "source" } });
}

/**
 * Cache/lease key of a user's source. Hashed so user ids never appear in Redis keys or lease
 * names.
 */
export function sourceKey(userId: string, source: BalanceSource): string {
  const { sourceType, sourceId } = sourceParts(source);
  return createHash("sha256").update(`${userId}\u0000${sourceType}\u0000${sourceId}`).digest("hex").slice(0, 40);
}
