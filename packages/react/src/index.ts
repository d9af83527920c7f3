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
export { WalletAuthApiError, StepUpCancelledError, describeError, explainError, errorHelp, errorCodeOf, type ApiErrorDetail, type ErrorHelp, type ClientErrorCode } from "./apiError.js";
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
  useVenues,
  useCredentialPolicy,
  usePutCredentialPolicy,
  usePrivacyExport,
  useEraseAccount,
  useAuditExport,
  type AuditFilters,
  type TradePolicy,
  type TradePolicyView,
} from "./hooks.js";
export { CredentialManager, exchangeHints } from "./components/CredentialManager.js";
export { BalanceTable } from "./components/BalanceTable.js";
export { BalanceHistoryChart } from "./components/BalanceHistoryChart.js";
export { ConnectWallet, CopyButton, WalletList, WalletPicker, defaultChains, useEip6963Wallets, type AnnouncedWallet } from "./components/WalletList.js";
export { AuditLogTable, auditActionNames, showAuditEvents } from "./components/AuditLogTable.js";
export { PrivacyPanel } from "./components/PrivacyPanel.js";
export { ConfirmDialog } from "./components/ConfirmDialog.js";
export { ExchangeMark, monogramOf } from "./components/ExchangeMark.js";
export { PolicyEditor, policySummary } from "./components/PolicyEditor.js";
export { CredentialForm } from "./components/CredentialForm.js";
export { BotTokens } from "./components/BotTokens.js";
export { ErrorNote } from "./components/ErrorNote.js";
export { AlertsPanel, describeAlert } from "./components/AlertsPanel.js";
export { SecurityStatus } from "./components/SecurityStatus.js";
export { TransactionList } from "./components/TransactionList.js";
export { SessionNotice } from "./components/Section.js";
export type { TransactionDto } from "@wallet-auth/core/client";
export { walletAuthStyles } from "./styles.js";
