/**
 * The typed client of the hosted API (browsers and bots): plain `fetch`, no crypto or Node-only
 * code.
 *
 * @module
 */
export {
  type AlertDto,
  type AllBalancesDto,
  type ApiError,
  type ApiResult,
  type AuditEventDto,
  type BalanceDto,
  type BalanceSourceDto,
  type BalancesDto,
  type BotTokenDto,
  type CreateCredentialBody,
  type CredentialDto,
  type MeDto,
  type Page,
  type SnapshotDto,
  type TradePolicyViewDto,
  type TransactionDto,
  type UpdateCredentialBody,
  type VenueDto,
  type WalletAuthClient,
  type WalletAuthClientOptions,
  type WalletDto,
  createWalletAuthClient,
} from "./client/createWalletAuthClient.js";
