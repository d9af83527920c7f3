/**
 * wallet-auth core: envelope encryption under a rotating key ring, and the credential,
 * wallet, balance, audit and privacy services, over small ports.
 *
 * Heavy libraries (ccxt, viem) are never loaded by this entry: their gateways live on the
 * `@wallet-auth/core/ccxt` and `@wallet-auth/core/viem` subpaths.
 *
 * @module
 */
export { type ErrorCode, errorCodes, errorMessages, isErrorCode, WalletAuthError, type WalletAuthErrorOptions, isWalletAuthError } from "./errors/index.js";
export { Redacted } from "./secret/Redacted.js";
export { OpenedExchangeSecret } from "./secret/OpenedSecret.js";
export { PrintsRedacted } from "./secret/PrintsRedacted.js";
export type { RequestContext } from "./context/RequestContext.js";
export type {
  AlertQuery,
  AlertSeverity,
  AlertSink,
  AlertStatus,
  AlertStore,
  AuditActorType,
  AuditChainHead,
  AuditEventRecord,
  AuditLog,
  AuditOutcome,
  AuditQuery,
  BalanceSnapshotRecord,
  BalanceSnapshotStore,
  BalanceSourceType,
  BotTokenRecord,
  BotTokenScope,
  BotTokenStore,
  ChainGateway,
  Clock,
  CredentialPatch,
  CredentialPermissions,
  CredentialRecord,
  CredentialStatus,
  CredentialStore,
  ExchangeBalance,
  ExchangeCallInput,
  ExchangeDescription,
  ExchangeGateway,
  ProxyArgs,
  ProxyCallInput,
  ProxyMethod,
  ExchangeHistoryEntry,
  ExchangeKeyInfo,
  ExchangeSecret,
  ExchangeSecretField,
  JsonObject,
  JsonValue,
  LeaseStore,
  IncidentRecord,
  IncidentStore,
  IdentityEventRecord,
  IdentityEventStore,
  MembershipStateRecord,
  RevokedSubjectRecord,
  OrderJournal,
  OrderJournalRecord,
  ProxyIdempotencyClaim,
  ProxyIdempotencyClaimResult,
  ProxyIdempotencyRecord,
  ProxyIdempotencyStore,
  SyncCursorStore,
  NonceRecord,
  NonceStore,
  Page,
  PageRequest,
  RandomSource,
  RewrapCandidate,
  RotationJobRecord,
  RotationJobStatus,
  RotationJobStore,
  SealedReplacement,
  SecurityAlertRecord,
  SnapshotQuery,
  StoreRepositories,
  TransactionQuery,
  TransactionRecord,
  TransactionStore,
  TransactionType,
  UnitOfWork,
  UserRecord,
  UserStore,
  WalletAuthStore,
  WalletPatch,
  WalletRecord,
  WalletStore,
} from "./ports/index.js";
export { cryptoRandom, systemClock } from "./ports/index.js";
export { type KeyPermissions, type Tristate, unknownKeyPermissions } from "./ports/index.js";
export { VenueCatalog, type VenueCatalogOptions } from "./ccxt/venues/VenueCatalog.js";
export { listVenues, type ListVenuesOptions, type VenueDescription } from "./ccxt/venues/registry.js";
export type { VenueField } from "./ccxt/venues/VenueModule.js";

// --- crypto (key ring, envelope) ---
export { KeyRing, generateKey, SEALED_FORMAT_VERSION } from "./crypto.js";
export type { EnvelopeContext, GenerateKeyOptions, GenerateKeyResult, KeyRingKey, KeyRingOptions, KeyRingProblem, KeyUsage, SealResult, SealedInfo } from "./crypto.js";
// --- end crypto ---

// --- audit, alerts, rotation, privacy ---
export { AuditTrail, type AuditEntry, type AuditListener, type AuditTrailOptions, type SystemAuditOptions } from "./audit/AuditTrail.js";
export { sanitizeDetails, isSecretLookingKey, type AuditDetails, type SanitizeDetailsOptions } from "./audit/sanitizeDetails.js";
export {
  verifyAuditChain,
  type AuditChainBreakReason,
  type AuditChainSelector,
  type VerifyAuditChainOptions,
  type VerifyAuditChainResult,
} from "./audit/verifyAuditChain.js";
export { chainHead, type ChainHeadOptions } from "./audit/chainHead.js";
export {
  AuditService,
  type AuditExportFormat,
  type AuditExportOptions,
  type AuditExportResult,
  type AuditFilters,
  type AuditQueryOptions,
  type AuditServiceOptions,
} from "./audit/AuditService.js";
export type { AuditEventView } from "./audit/auditExportFormats.js";
export {
  AlertService,
  type AlertDeliveryListener,
  type AlertServiceOptions,
  type RaiseAlertInput,
  type RaiseAlertResult,
} from "./alerts/AlertService.js";
export {
  AlertDetectors,
  defaultAlertThresholds,
  type AlertDetectorsOptions,
  type AlertThresholds,
  type WindowThreshold,
} from "./alerts/AlertDetectors.js";
export { type DetectorWindows, RedisWindowCounter, type RedisScriptClient, redisDetectorWindows } from "./alerts/RedisWindowCounter.js";
export { SlidingWindowCounter, type SlidingWindowCounterOptions, type WindowCounter } from "./alerts/SlidingWindowCounter.js";
export { createLogAlertSink, type AlertLogger, type LogAlertSinkOptions } from "./alerts/createLogAlertSink.js";
export { createWebhookAlertSink, type WebhookAlertSinkOptions, type WebhookBackoff } from "./alerts/createWebhookAlertSink.js";
export {
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  verifyWebhookSignature,
  type VerifyWebhookSignatureOptions,
} from "./alerts/webhookSignature.js";
export {
  RotationService,
  type CheckKeyAgeResult,
  type KeyStatus,
  type RewrapKeyProgress,
  type RewrapProgress,
  type RotationKeyRing,
  type RotationServiceOptions,
  type RotationStatusResult,
  type RunRewrapOptions,
  type RunRewrapResult,
} from "./rotation/RotationService.js";
export {
  PrivacyService,
  type ExportedCredential,
  type PrivacyEraseResult,
  type PrivacyExport,
  type PrivacyServiceOptions,
} from "./privacy/PrivacyService.js";
// --- end audit ---

// --- credentials ---
export {
  CredentialService,
  type CheckExpiryResult,
  type CredentialPolicy,
  type CredentialServiceOptions,
  type PermissionDriftResult,
  type RevalidateCredentialResult,
} from "./credentials/CredentialService.js";
export { type CredentialLease, type CredentialLeaseSummary, type LeaseTimers, systemLeaseTimers } from "./credentials/CredentialLease.js";
export { type CredentialView, toCredentialView } from "./credentials/CredentialView.js";
export {
  createCredentialInputSchema,
  parseCredentialInput,
  updateCredentialInputSchema,
  type CreateCredentialInput,
  type CredentialCreateInput,
  type CredentialUpdateInput,
  type UpdateCredentialInput,
} from "./credentials/credentialSchemas.js";
export { credentialFingerprint } from "./credentials/secretEnvelope.js";
// --- end credentials ---

// --- wallets, balances ---
export type { ChainTokenTransfer, ContractSignatureResult } from "./ports/index.js";
export { eip155ChainId, type Eip155ChainId, parseEip155ChainId } from "./wallets/caip2.js";
export type { WalletVerificationReason } from "./wallets/verificationFailed.js";
export {
  checkSiweMessage,
  type SiweExpectations,
  type SiweFields,
  verifySiwe,
  type VerifySiweOptions,
  type VerifySiweResult,
  verifySiweSignature,
} from "./wallets/verifySiwe.js";
export {
  type SiweSettings,
  userBindingResource,
  type WalletChallengeOptions,
  type WalletChallengeResult,
  type WalletIdOptions,
  type WalletLinkOptions,
  WalletService,
  type WalletServiceOptions,
  type WalletUpdateOptions,
} from "./wallets/WalletService.js";
export { WalletLinkService, type WalletLinkServiceOptions } from "./wallets/WalletLinkService.js";
export { WalletDirectory, type WalletDirectoryOptions } from "./wallets/WalletDirectory.js";
export { checkSiweSettings, siweSettingsSchema } from "./wallets/siweSettings.js";
export {
  walletChallengeInputSchema,
  walletIdInputSchema,
  walletLinkInputSchema,
  walletMetadataSchema,
  walletUpdateInputSchema,
} from "./wallets/walletSchemas.js";
export {
  formatSiweText,
  isRfc3986Uri,
  isSiweDomain,
  isSiweStatement,
  matchesSiweRule,
  parseRfc3339,
  parseSiweText,
  type SiweMessageText,
  type SiweParseResult,
  type SiweRule,
  siweRules,
} from "./wallets/siweGrammar.js";
export type { WalletView } from "./wallets/WalletView.js";
export type { BalanceCache, CachedBalanceEntry, PriceSource } from "./ports/index.js";
export {
  type ActiveBalanceSource,
  type BalanceHistoryOptions,
  BalanceService,
  type BalanceServiceOptions,
  type TransactionHistoryOptions,
} from "./balances/BalanceService.js";
export {
  BalanceRefresher,
  type BalanceRefresherOptions,
  type RefresherBackoff,
  type RefresherTimers,
  type RefreshPassResult,
} from "./balances/BalanceRefresher.js";
export { MemoryBalanceCache } from "./balances/MemoryBalanceCache.js";
export { RedisBalanceCache, type RedisBalanceCacheOptions, type RedisLikeClient } from "./balances/RedisBalanceCache.js";
export { formatUnits } from "./balances/decimal.js";
export type {
  Balance,
  BalanceSnapshotView,
  BalanceSource,
  BalancesResult,
  ChainAssets,
  ExchangeSecretProvider,
  TokenConfig,
} from "./balances/types.js";
// --- end wallets ---

// --- setup (composition root) ---
export { createWalletAuth, type CreateWalletAuthOptions, type WalletAuth } from "./setup/createWalletAuth.js";
export { loadWalletAuthSecrets, type WalletAuthSecrets } from "./setup/loadWalletAuthSecrets.js";
export {
  dateSchema,
  durationMsSchema,
  idSchema,
  isSafeText,
  isStorableText,
  labelSchema,
  parseContext,
  parseId,
  parseInput,
  requestContextSchema,
  storableText,
  userIdSchema,
} from "./validation/index.js";
export {
  BotTokenService,
  type BotTokenPrincipal,
  type BotTokenServiceOptions,
  type BotTokenView,
  type CreateBotTokenInput,
  botTokenScopes,
  createBotTokenInputSchema,
  looksLikeBotToken,
} from "./tokens/BotTokenService.js";
export { type BotTokenKey, type BotTokenKeys, botTokenKeysFrom, botTokenKeysFromAuditKey, hashBotToken } from "./tokens/botTokenKeys.js";
export { type ExchangeProxyCallOptions, type ExchangeProxyRunResult, ExchangeProxyService, type ExchangeProxyServiceOptions, proxyMethods, tradingProxyMethods } from "./proxy/ExchangeProxyService.js";
export { type ReconcileResult, ReconciliationService, type ReconciliationServiceOptions } from "./reconcile/ReconciliationService.js";
export { type KillSwitchInput, type KillSwitchResult, KillSwitchService, type KillSwitchServiceOptions, killSwitchInputSchema } from "./reconcile/KillSwitchService.js";
export { type KeyDeletionSteps, keyDeletionSteps } from "./reconcile/keyDeletionSteps.js";
export {
  type ClerkDelivery,
  DeprovisioningService,
  type DeprovisioningResult,
  type DeprovisioningServiceOptions,
  deprovisioningEventTypes,
} from "./deprovisioning/DeprovisioningService.js";
export { type TradePolicy, defaultTradePolicy, fundMovements, quoteOf, tradePolicySchema } from "./policy/tradePolicySchema.js";
export {
  type PolicyDecision,
  type PolicyOrder,
  type PolicyRequest,
  type PolicyRule,
  type WindowCharge,
  type WindowEntry,
  decideTradePolicy,
  windowAdmits,
} from "./policy/decideTradePolicy.js";
export { policyWidening } from "./policy/policyWidening.js";
export { parseTradePolicy } from "./policy/parseTradePolicy.js";
export {
  type AuthorizeOrderInput,
  type PolicyPermit,
  type PolicyServiceOptions,
  type PolicySubject,
  type PutPolicyOptions,
  type TradePolicyView,
  PolicyService,
  tokenIdOf,
} from "./policy/PolicyService.js";
export type { MarketCatalog, MarketCatalogEntry } from "./ports/MarketCatalog.js";
export {
  type PolicySubjectType,
  type TradePolicyRecord,
  type TradePolicyStore,
  type TradePolicyWrite,
  type WindowReservation,
  type WindowReservationResult,
  policyWindowKey,
} from "./ports/TradePolicyStore.js";
export { DEFAULT_PAGE_LIMIT, clampPageLimit, decodePageCursor, encodePageCursor } from "./ports/paging.js";
export { safeErrorFields, stderrLogger, type WalletAuthLogger } from "./ports/Logger.js";
export { type BackgroundFailure, type BackgroundOperation, FailureReporter, type FailureReporterOptions, type WalletAuthObserver } from "./observe/FailureReporter.js";
export { type KeyProvider, type KeyWrapContext, keyRingWrapContext } from "./keys/KeyProvider.js";
export type { KeyProviderOutage, KeyProviderRefusal } from "./keys/keyProviderErrors.js";
export { loadKeyRing, type LoadKeyRingOptions } from "./keys/loadKeyRing.js";
export { formatWrappedKeys, parseWrappedKeys, type WrappedKeyEntry } from "./keys/wrappedKeys.js";
