/**
 * React provider, hooks and components for wallet-auth. Imports core *types* and the fetch
 * client only: no key, cipher or secret code can reach a browser bundle.
 *
 * @module
 */
export {
  WalletAuthProvider,
  type WalletAuthProviderProps,
  type WalletAuthContextValue,
  type WalletAuthHttp,
  type WalletAuthSession,
  useWalletAuth,
} from "./WalletAuthProvider.js";
export { WalletAuthApiError, describeError } from "./apiError.js";
export { walletAuthKeys } from "./queryKeys.js";
export {
  type Eip1193Request,
  useAcknowledgeAlert,
  useAlerts,
  useAuditLog,
  useBalanceHistory,
  useBalances,
  useBotTokens,
  useCreateBotToken,
  useCreateCredential,
  useCredential,
  useCredentials,
  useDeleteCredential,
  useLinkWallet,
  useMe,
  useRefreshBalances,
  useResolveAlert,
  useRevokeBotToken,
  useSetCredentialEnabled,
  useSetPrimaryWallet,
  useTransactions,
  useUnlinkWallet,
  useReplaceCredentialKey,
  useUpdateCredential,
  useUpdateWallet,
  useValidateCredential,
  useWallets,
} from "./hooks.js";
export { CredentialManager, exchangeHints } from "./components/CredentialManager.js";
export { BalanceTable } from "./components/BalanceTable.js";
export { BalanceHistoryChart } from "./components/BalanceHistoryChart.js";
export { ConnectWallet, WalletList } from "./components/WalletList.js";
export { AuditLogTable } from "./components/AuditLogTable.js";
export { BotTokens } from "./components/BotTokens.js";
export { ErrorNote } from "./components/ErrorNote.js";
export { AlertsPanel, describeAlert } from "./components/AlertsPanel.js";
export { SecurityStatus } from "./components/SecurityStatus.js";
export { TransactionList } from "./components/TransactionList.js";
export { SessionNotice } from "./components/Section.js";
export type { TransactionDto } from "@wallet-auth/core/client";
export { walletAuthStyles } from "./styles.js";
