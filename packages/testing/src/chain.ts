/**
 * A local EVM for tests: ganache in-process with funded accounts, and the contracts wallet-auth
 * needs to be tested against (EIP-1271 smart wallet and its CREATE2 factory for EIP-6492, an
 * ERC-20 token, Multicall3).
 *
 * @module
 */
export { type CompiledContract, type CompiledContracts, compileContracts } from "./chain/compileContracts.js";
export { contractSources } from "./chain/contractSources.js";
export { type LocalChain, type LocalChainOptions, startLocalChain } from "./chain/startLocalChain.js";
