import type { BotTokenScope } from "../ports/BotTokenStore.js";
import type { CredentialPermissions, CredentialStatus } from "../ports/CredentialStore.js";
import type { KeyPermissions } from "../ports/KeyPermissions.js";
import type { VenueDescription } from "../ccxt/venues/registry.js";
import type { ErrorCode } from "../errors/codes.js";
import type { TradePolicy } from "../policy/tradePolicySchema.js";

/**
 * The typed client of the hosted API: plain `fetch`, no crypto or Node-only code, so browsers
 * (the React package) and bots on other machines use the same one. Every call returns
 * `{ data, response }` or `{ error, response }` with the API's stable error code; it never throws
 * for an HTTP error (a network failure rejects, as `fetch` does).
 */

/** The API's error body. */
export interface ApiError {
  code: ErrorCode | "NETWORK";
  message: string;
  requestId: string;
  /** Present on a stale session: Clerk's reverification hint (prompt the person, then retry). */
  reverification?: { level: string; afterMinutes: number } | undefined;
  /** `POLICY_DENIED` only: the trade-policy rule that refused the order (`price_band`, `window`...). */
  rule?: string | undefined;
}

/** A trade policy as the API shows it (`GET /v1/credentials/:id/policy`). */
export interface TradePolicyViewDto {
  subjectType: "credential" | "token";
  subjectId: string;
  /** `null` for a token without its own policy (its credentials' policies apply). */
  policy: TradePolicy | null;
  source: "default" | "stored";
  version: number;
  updatedAt: string | null;
}

/** A call's result. */
export type ApiResult<T> = { data: T; error?: undefined; response: Response } | { data?: undefined; error: ApiError; response: Response };

export interface CredentialDto {
  id: string;
  exchange: string;
  label: string;
  status: CredentialStatus;
  keyHint: string;
  permissions: CredentialPermissions | null;
  /** What the venue reports the key may do; `null` when never validated. */
  keyPermissions?: KeyPermissions | null;
  /** When the owner accepted storing the key although its withdrawal permission is unknown. */
  permissionRiskAcceptedAt?: string | null;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  lastValidatedAt: string | null;
  expiresAt: string | null;
}
/** A supported exchange and what its key form needs (`GET /v1/venues`). */
export type VenueDto = VenueDescription;
export interface CreateCredentialBody {
  exchange: string;
  label: string;
  apiKey: string;
  secret: string;
  password?: string;
  uid?: string;
  allowWithdrawal?: boolean;
  /** Store the key although the venue does not say whether it can withdraw (needs a fresh verification). */
  acceptUnknownPermissions?: boolean;
  expiresAt?: string;
}
export interface UpdateCredentialBody {
  label?: string;
  apiKey?: string;
  secret?: string;
  password?: string;
  uid?: string;
  allowWithdrawal?: boolean;
  acceptUnknownPermissions?: boolean;
  expiresAt?: string | null;
}
export interface BalanceDto {
  asset: string;
  free: string;
  locked: string;
  total: string;
  usdValue: string | null;
}
export type BalanceSourceDto = { type: "exchange"; credentialId: string } | { type: "wallet"; walletId: string };
export interface BalancesDto {
  source: BalanceSourceDto;
  balances: BalanceDto[];
  totalUsd: string | null;
  asOf: string;
  fromCache: boolean;
}
export interface AllBalancesDto {
  sources: (BalancesDto | { source: BalanceSourceDto; error: { code: string; message: string } })[];
  totalUsd: string | null;
}
export interface SnapshotDto extends BalanceDto {
  takenAt: string;
}
export interface WalletDto {
  id: string;
  address: string;
  chainId: string;
  label: string | null;
  metadata: Record<string, unknown>;
  isPrimary: boolean;
  verifiedAt: string;
  createdAt: string;
  updatedAt: string;
}
export interface AuditEventDto {
  id: string;
  seq: number;
  occurredAt: string;
  action: string;
  outcome: "success" | "failure" | "denied";
  actorType: string;
  actorId: string | null;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
  hash: string;
}
/** A normalised trade, deposit, withdrawal or transfer. Amounts are decimal strings (signed for transfers: negative = out). */
export interface TransactionDto {
  id: string;
  type: "trade" | "deposit" | "withdrawal" | "transfer" | (string & {});
  asset: string;
  amount: string;
  fee?: string | null;
  feeAsset?: string | null;
  status?: string | null;
  occurredAt: string;
  txid?: string | null;
}
export interface AlertDto {
  id: string;
  kind: string;
  severity: string;
  status: string;
  details: Record<string, unknown>;
  createdAt: string;
}
export interface BotTokenDto {
  id: string;
  label: string;
  prefix: string;
  scopes: BotTokenScope[];
  credentialIds: string[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
export interface MeDto {
  userId: string;
  sessionId: string | null;
  recentlyVerified: boolean;
  admin: boolean;
  csrfToken: string | null;
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Options of {@link createWalletAuthClient}. */
export interface WalletAuthClientOptions {
  /** Where the router is mounted, e.g. `https://api.example.com/api` or `/api`. */
  baseUrl: string;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /** A Clerk session token (`useAuth().getToken`) or a bot token; `null` sends no Authorization (cookie sessions). */
  getToken?: (() => Promise<string | null> | string | null) | undefined;
  /** For cookie sessions: the CSRF token from `me()` sent as `X-CSRF-Token` on writes. */
  csrfToken?: (() => string | null) | undefined;
}

type Query = Record<string, string | number | undefined>;

/**
 * @example
 * ```ts
 * import { createWalletAuthClient } from "@wallet-auth/core/client";
 * const api = createWalletAuthClient({ baseUrl: "https://wallet-auth.example.com/api", getToken: () => process.env.WALLET_AUTH_BOT_TOKEN! });
 * const { data, error } = await api.callExchange(credentialId, "createOrder", { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.01", price: "40000" });
 * ```
 */
export function createWalletAuthClient(options: WalletAuthClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { accept: "application/json" };
    const token = options.getToken ? await options.getToken() : null;
    if (token) headers.authorization = `Bearer ${token}`;
    if (method !== "GET") {
      const csrf = options.csrfToken?.();
      if (csrf) headers["x-csrf-token"] = csrf;
    }
    if (body !== undefined) headers["content-type"] = "application/json";
    const qs = query ? Object.entries(query).filter(([, v]) => v !== undefined && v !== "") : [];
    const url = `${base}${path}${qs.length ? `?${new URLSearchParams(qs.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : ""}`;
    const response = await doFetch(url, { method, headers, credentials: "include", ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (response.status === 204) return { data: undefined as T, response };
    const parsed = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (response.ok) return { data: parsed as T, response };
    const err = (parsed?.error ?? {}) as Partial<ApiError>;
    const hint = (parsed?.clerk_error as { reason?: string; metadata?: { reverification?: ApiError["reverification"] } } | undefined) ?? undefined;
    return {
      error: {
        code: (err.code as ErrorCode | undefined) ?? "INTERNAL",
        message: err.message ?? "An internal error occurred.",
        requestId: err.requestId ?? "",
        ...(typeof err.rule === "string" ? { rule: err.rule } : {}),
        ...(hint?.reason === "reverification-error" ? { reverification: hint.metadata?.reverification ?? { level: "second_factor", afterMinutes: 10 } } : {}),
      },
      response,
    };
  }
  const id = (value: string) => encodeURIComponent(value);

  return {
    me: () => request<MeDto>("GET", "/v1/me"),
    listVenues: () => request<VenueDto[]>("GET", "/v1/venues"),
    listCredentials: () => request<CredentialDto[]>("GET", "/v1/credentials"),
    getCredential: (credentialId: string) => request<CredentialDto>("GET", `/v1/credentials/${id(credentialId)}`),
    createCredential: (body: CreateCredentialBody) => request<CredentialDto>("POST", "/v1/credentials", body),
    updateCredential: (credentialId: string, body: UpdateCredentialBody) => request<CredentialDto>("PATCH", `/v1/credentials/${id(credentialId)}`, body),
    deleteCredential: (credentialId: string) => request<void>("DELETE", `/v1/credentials/${id(credentialId)}`),
    validateCredential: (credentialId: string) =>
      request<{ credential: CredentialDto; outcome: "valid" | "invalid" | "unchanged"; code?: string }>("POST", `/v1/credentials/${id(credentialId)}/validate`),
    disableCredential: (credentialId: string) => request<CredentialDto>("POST", `/v1/credentials/${id(credentialId)}/disable`),
    enableCredential: (credentialId: string) => request<CredentialDto>("POST", `/v1/credentials/${id(credentialId)}/enable`),
    credentialBalances: (credentialId: string) => request<BalancesDto>("GET", `/v1/credentials/${id(credentialId)}/balances`),
    allBalances: () => request<AllBalancesDto>("GET", "/v1/balances"),
    refreshBalances: (source?: string) => request<BalancesDto[]>("POST", "/v1/balances/refresh", source ? { source } : {}),
    balanceHistory: (query: { source: string; asset?: string; from?: string; to?: string; limit?: number; cursor?: string }) =>
      request<Page<SnapshotDto>>("GET", "/v1/balances/history", undefined, query),
    walletChallenge: (body: { address: string; chainId: string }) => request<{ message: string; nonce: string; expiresAt: string }>("POST", "/v1/wallets/challenge", body),
    linkWallet: (body: { message: string; signature: string; label?: string }) => request<WalletDto>("POST", "/v1/wallets", body),
    listWallets: () => request<WalletDto[]>("GET", "/v1/wallets"),
    updateWallet: (walletId: string, body: { label?: string | null }) => request<WalletDto>("PATCH", `/v1/wallets/${id(walletId)}`, body),
    unlinkWallet: (walletId: string) => request<void>("DELETE", `/v1/wallets/${id(walletId)}`),
    setPrimaryWallet: (walletId: string) => request<WalletDto>("POST", `/v1/wallets/${id(walletId)}/primary`),
    listAudit: (query: { action?: string; outcome?: string; cursor?: string; limit?: number } = {}) => request<Page<AuditEventDto>>("GET", "/v1/audit", undefined, query),
    /** The export URL (for a download link; cookie sessions) */
    auditExportUrl: (format: "json" | "ndjson" | "csv") => `${base}/v1/audit/export?format=${format}`,
    exportAudit: async (format: "json" | "ndjson" | "csv"): Promise<ApiResult<string>> => {
      const token = options.getToken ? await options.getToken() : null;
      const response = await doFetch(`${base}/v1/audit/export?format=${format}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, credentials: "include" });
      if (response.ok) return { data: await response.text(), response };
      const parsed = (await response.json().catch(() => null)) as { error?: ApiError } | null;
      return { error: parsed?.error ?? { code: "INTERNAL", message: "An internal error occurred.", requestId: "" }, response };
    },
    verifyAudit: () => request<{ ok: boolean; count?: number }>("GET", "/v1/audit/verify"),
    listAlerts: (query: { status?: string; cursor?: string; limit?: number } = {}) => request<Page<AlertDto>>("GET", "/v1/alerts", undefined, query),
    acknowledgeAlert: (alertId: string) => request<AlertDto>("POST", `/v1/alerts/${id(alertId)}/acknowledge`),
    resolveAlert: (alertId: string) => request<AlertDto>("POST", `/v1/alerts/${id(alertId)}/resolve`),
    credentialTransactions: (credentialId: string, query: { cursor?: string; limit?: number } = {}) =>
      request<Page<TransactionDto>>("GET", `/v1/credentials/${id(credentialId)}/transactions`, undefined, query),
    walletTransactions: (walletId: string, query: { cursor?: string; limit?: number } = {}) =>
      request<Page<TransactionDto>>("GET", `/v1/wallets/${id(walletId)}/transactions`, undefined, query),
    listTokens: () => request<BotTokenDto[]>("GET", "/v1/tokens"),
    createToken: (body: { label: string; scopes: BotTokenScope[]; credentialIds?: string[]; expiresInDays?: number; policy?: TradePolicy }) =>
      request<{ token: string; view: BotTokenDto }>("POST", "/v1/tokens", body),
    revokeToken: (tokenId: string) => request<BotTokenDto>("DELETE", `/v1/tokens/${id(tokenId)}`),
    getCredentialPolicy: (credentialId: string) => request<TradePolicyViewDto>("GET", `/v1/credentials/${id(credentialId)}/policy`),
    /** Replaces the policy whole; a widening one on a stale session is `FORBIDDEN` with `reverification`. */
    putCredentialPolicy: (credentialId: string, policy: TradePolicy) => request<TradePolicyViewDto>("PUT", `/v1/credentials/${id(credentialId)}/policy`, policy),
    getTokenPolicy: (tokenId: string) => request<TradePolicyViewDto>("GET", `/v1/tokens/${id(tokenId)}/policy`),
    putTokenPolicy: (tokenId: string, policy: TradePolicy) => request<TradePolicyViewDto>("PUT", `/v1/tokens/${id(tokenId)}/policy`, policy),
    callExchange: (credentialId: string, method: string, args: Record<string, unknown> = {}) =>
      request<unknown>("POST", `/v1/credentials/${id(credentialId)}/exchange/${id(method)}`, { args }),
  };
}

/** The client's type. */
export type WalletAuthClient = ReturnType<typeof createWalletAuthClient>;
