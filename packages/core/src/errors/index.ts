export { type ErrorCode, errorCodes, errorMessages, isErrorCode } from "./codes.js";
export { WalletAuthError, type WalletAuthErrorOptions, isWalletAuthError } from "./WalletAuthError.js";
