export type { AlertSink } from "./AlertSink.js";
export type { AlertQuery, AlertSeverity, AlertStatus, AlertStore, SecurityAlertRecord } from "./AlertStore.js";
export type { AuditActorType, AuditChainHead, AuditEventRecord, AuditLog, AuditOutcome, AuditQuery } from "./AuditLog.js";
export type { BalanceCache, CachedBalanceEntry } from "./BalanceCache.js";
export type { BalanceSnapshotRecord, BalanceSnapshotStore, BalanceSourceType, SnapshotQuery } from "./BalanceSnapshotStore.js";
export type { ChainGateway, ChainTokenTransfer, ContractSignatureResult } from "./ChainGateway.js";
export { type Clock, systemClock } from "./Clock.js";
export type { JsonObject, JsonValue, Page, PageRequest } from "./common.js";
export type {
  CredentialPatch,
  CredentialPermissions,
  CredentialRecord,
  CredentialStatus,
  CredentialStore,
  RewrapCandidate,
  SealedReplacement,
} from "./CredentialStore.js";
export { type KeyPermissions, type Tristate, unknownKeyPermissions } from "./KeyPermissions.js";
export type {
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
} from "./ExchangeGateway.js";
export type { LeaseStore } from "./LeaseStore.js";
export type { ProxyIdempotencyClaim, ProxyIdempotencyClaimResult, ProxyIdempotencyRecord, ProxyIdempotencyStore } from "./ProxyIdempotencyStore.js";
export type { IncidentRecord, IncidentStore, OrderJournal, OrderJournalRecord } from "./OrderJournal.js";
export type { IdentityEventRecord, IdentityEventStore, MembershipStateRecord, RevokedSubjectRecord } from "./IdentityEventStore.js";
export type { SyncCursorStore } from "./SyncCursorStore.js";
export type { NonceRecord, NonceStore } from "./NonceStore.js";
export type { PriceSource } from "./PriceSource.js";
export { cryptoRandom, type RandomSource } from "./RandomSource.js";
export type { RotationJobRecord, RotationJobStatus, RotationJobStore } from "./RotationJobStore.js";
export type { TransactionQuery, TransactionRecord, TransactionStore, TransactionType } from "./TransactionStore.js";
export type { StoreRepositories, UnitOfWork, WalletAuthStore } from "./UnitOfWork.js";
export type { UserRecord, UserStore } from "./UserStore.js";
export type { WalletPatch, WalletRecord, WalletStore } from "./WalletStore.js";
export type { BotTokenRecord, BotTokenScope, BotTokenStore } from "./BotTokenStore.js";
export type { MarketCatalog, MarketCatalogEntry } from "./MarketCatalog.js";
export {
  type PolicySubjectType,
  type TradePolicyRecord,
  type TradePolicyStore,
  type TradePolicyWrite,
  type WindowReservation,
  type WindowReservationResult,
  policyWindowKey,
} from "./TradePolicyStore.js";
