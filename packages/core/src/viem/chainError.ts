import { BaseError, ContractFunctionRevertedError, ContractFunctionZeroDataError, ExecutionRevertedError } from "viem";
import { isWalletAuthError, WalletAuthError } from "../errors/index.js";

/** `true` when viem says the contract itself refused (revert, or no return data), not the node. */
export function isContractRefusal(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  return (
    error.walk(
      (e) => e instanceof ContractFunctionRevertedError || e instanceof ContractFunctionZeroDataError || e instanceof ExecutionRevertedError,
    ) !== null
  );
}

/** Wraps a node/transport failure as `CHAIN_UNAVAILABLE`, keeping the viem error as cause only. */
export function chainUnavailable(error: unknown, reason: string): WalletAuthError {
  if (isWalletAuthError(error)) return error;
  return new WalletAuthError("CHAIN_UNAVAILABLE", { cause: error, reason });
}
