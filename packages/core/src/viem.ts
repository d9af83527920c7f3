/**
 * Chain gateway over viem: contract-wallet signature checks (EIP-1271, EIP-6492), native and
 * ERC-20 balances batched through Multicall3, ERC-20 transfer logs. Importing this subpath loads
 * viem; the main `@wallet-auth/core` entry never does.
 *
 * @module
 */
export { createViemChainGateway, type ViemChainConfig, type ViemChainGatewayOptions } from "./viem/createViemChainGateway.js";
