/** An ERC-20 `Transfer` log touching a wallet. */
export interface ChainTokenTransfer {
  /** Token contract (EIP-55). */
  token: `0x${string}`;
  from: `0x${string}`;
  to: `0x${string}`;
  /** Raw token units. */
  value: bigint;
  txHash: `0x${string}`;
  logIndex: number;
  blockNumber: bigint;
  /** Block time, or `null` when the node did not return the block. */
  timestamp: Date | null;
}

/** How a contract signature was checked. */
export interface ContractSignatureResult {
  /** The contract accepted the signature. */
  valid: boolean;
  /**
   * `"erc1271"`: deployed contract asked; `"erc6492"`: counterfactual (wrapped) signature checked
   * through the deployless validator; `"none"`: the address has no code and the signature is not
   * EIP-6492 wrapped, so no contract was asked (`valid` is `false`).
   */
  method: "erc1271" | "erc6492" | "none";
}

/**
 * Access to EVM chains (viem implementation `createViemChainGateway` in `@wallet-auth/core/viem`).
 * Chain ids are CAIP-2 (`"eip155:1"`). Every method throws `WalletAuthError` `CHAIN_UNSUPPORTED`
 * for a chain without a configured client and `CHAIN_UNAVAILABLE` when the node cannot be reached
 * or answers with a transport error; the upstream error is kept as `cause` only.
 */
export interface ChainGateway {
  /** `true` when a client is configured for `chainId`. Never throws. */
  supports(chainId: string): boolean;
  /**
   * Verifies `signature` over the EIP-191 personal message `message` for a contract account:
   * EIP-1271 when deployed, EIP-6492 when the signature is wrapped for a not-yet-deployed
   * account. Plain accounts are not handled here (callers recover those offline). Resolves
   * `{ valid: false }` when the contract says no or reverts.
   */
  verifyContractSignature(input: {
    chainId: string;
    address: `0x${string}`;
    message: string;
    signature: `0x${string}`;
  }): Promise<ContractSignatureResult>;
  /** Native balance in wei. */
  getNativeBalance(input: { chainId: string; address: `0x${string}` }): Promise<bigint>;
  /** ERC-20 balances (raw units), batched; same order as `tokens`. */
  getTokenBalances(input: { chainId: string; address: `0x${string}`; tokens: readonly `0x${string}`[] }): Promise<bigint[]>;
  /**
   * Native balance and ERC-20 balances in one round trip (Multicall3 when configured for the
   * chain, otherwise parallel calls). `tokens` is in the order of `tokens` input.
   */
  getBalances(input: {
    chainId: string;
    address: `0x${string}`;
    tokens: readonly `0x${string}`[];
  }): Promise<{ native: bigint; tokens: bigint[] }>;
  /** The chain's latest block number (the head a history sync reads up to). */
  getBlockNumber(input: { chainId: string }): Promise<bigint>;
  /**
   * ERC-20 `Transfer` logs of `tokens` from or to `address` in `[fromBlock, toBlock]` (defaults:
   * genesis .. latest), oldest first, each log once (a self-transfer is one entry).
   */
  getTokenTransfers(input: {
    chainId: string;
    address: `0x${string}`;
    tokens: readonly `0x${string}`[];
    fromBlock?: bigint | undefined;
    toBlock?: bigint | undefined;
  }): Promise<ChainTokenTransfer[]>;
}
