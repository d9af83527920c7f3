/**
 * Access to EVM chains (viem implementation in `@wallet-auth/core/viem`). Chain ids are CAIP-2
 * (`"eip155:1"`). Failures are `WalletAuthError` with `CHAIN_UNSUPPORTED` or `CHAIN_UNAVAILABLE`.
 *
 * The wallets/balances module owns the detailed shape of this port.
 */
export interface ChainGateway {
  /** `true` when a client is configured for `chainId`. */
  supports(chainId: string): boolean;
  /**
   * Verifies `signature` over the EIP-191 personal message `message` for a contract account:
   * EIP-1271 when deployed, EIP-6492 when counterfactual. Resolves `false` when the contract
   * says no; throws `CHAIN_UNAVAILABLE` when the chain cannot be reached.
   */
  verifyContractSignature(input: {
    chainId: string;
    address: `0x${string}`;
    message: string;
    signature: `0x${string}`;
  }): Promise<boolean>;
  /** Native balance in wei. */
  getNativeBalance(input: { chainId: string; address: `0x${string}` }): Promise<bigint>;
  /** ERC-20 balances (raw units), batched; same order as `tokens`. */
  getTokenBalances(input: { chainId: string; address: `0x${string}`; tokens: readonly `0x${string}`[] }): Promise<bigint[]>;
}
