import type { RequestContext } from "../context/RequestContext.js";
import type { ExchangeSecret } from "../ports/ExchangeGateway.js";

/** Where balances come from: a stored exchange credential or a linked wallet. */
export type BalanceSource = { type: "exchange"; credentialId: string } | { type: "wallet"; walletId: string };

/** One asset's balance, amounts as exact decimal strings. */
export interface Balance {
  /** Asset symbol, e.g. `"BTC"`, `"ETH"`, `"USDC"`. */
  asset: string;
  free: string;
  locked: string;
  total: string;
  /** `total` valued in USD (2 decimals), or `null` when no price is known. */
  usdValue: string | null;
  /** Token decimals, for chain assets. */
  decimals?: number;
}

/** Result of a balance read. */
export interface BalancesResult {
  source: BalanceSource;
  balances: Balance[];
  /** Sum of the known `usdValue`s, or `null` when none is known. */
  totalUsd: string | null;
  /** When the upstream read happened. */
  asOf: Date;
  /** `true` when served from the cache without an upstream call. */
  fromCache: boolean;
}

/** An ERC-20 token to read on a chain. */
export interface TokenConfig {
  address: `0x${string}`;
  symbol: string;
  decimals: number;
}

/** The assets read for wallets on one chain. */
export interface ChainAssets {
  /** The native currency; default `{ symbol: "ETH", decimals: 18 }`. */
  native?: { symbol: string; decimals: number } | undefined;
  tokens?: readonly TokenConfig[] | undefined;
  /**
   * First block a wallet's transfer history is read from when it was never synced (e.g. the
   * tokens' deployment block). Default 0.
   */
  historyFromBlock?: bigint | undefined;
}

/**
 * Hands a credential's decrypted secret to a callback. `CredentialService` satisfies it
 * (`credentials.use(ctx, id, fn)`: audited, scoped to the user).
 */
export interface ExchangeSecretProvider {
  use<T>(ctx: RequestContext, id: string, fn: (secret: ExchangeSecret) => Promise<T> | T): Promise<T>;
}

/** A balance snapshot as history returns it. */
export interface BalanceSnapshotView {
  asset: string;
  free: string;
  locked: string;
  total: string;
  usdValue: string | null;
  takenAt: Date;
}
