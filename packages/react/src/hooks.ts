import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ApiError, ApiResult, CreateCredentialBody, UpdateCredentialBody, WalletAuthClient } from "@wallet-auth/core/client";
import { StepUpCancelledError, WalletAuthApiError } from "./apiError.js";
import { walletAuthKeys } from "./queryKeys.js";
import { useWalletAuth } from "./WalletAuthProvider.js";

/**
 * Unwraps a client result for TanStack Query: data, or a thrown {@link WalletAuthApiError}.
 * A 401 flips the provider into "signed out"; a reverification hint prompts once and retries.
 */
export function useCall() {
  const { markSignedOut, stepUp, errorDetail } = useWalletAuth();
  return async function call<T>(run: () => Promise<ApiResult<T>>): Promise<T> {
    let result = await run();
    if (result.error?.reverification) {
      // The step-up dialog: verified -> the same request again; cancelled -> a quiet outcome.
      if (!(await stepUp())) throw new StepUpCancelledError();
      result = await run();
    }
    if (result.error) {
      if (result.error.code === "UNAUTHENTICATED") markSignedOut();
      throw new WalletAuthApiError({ ...result.error, ...(await errorDetail(result.response)) });
    }
    return result.data as T;
  };
}

type Client = WalletAuthClient;

/** Every change is audited, so every mutation also refreshes the audit log. */
const auditPrefix = [...walletAuthKeys.all, "audit"] as const;

/** `enabled` for every query: nothing is asked once the session ended. */
function useLive(): boolean {
  return !useWalletAuth().signedOut;
}

export function useMe() {
  const { client } = useWalletAuth();
  const call = useCall();
  return useQuery({ queryKey: walletAuthKeys.me(), enabled: useLive(), queryFn: () => call(() => client.me()) });
}

export function useCredentials() {
  const { client } = useWalletAuth();
  const call = useCall();
  const live = useLive();
  return useQuery({ queryKey: walletAuthKeys.credentials(), enabled: live, queryFn: () => call(() => client.listCredentials()) });
}

export function useCredential(id: string) {
  const { client } = useWalletAuth();
  const call = useCall();
  const live = useLive();
  return useQuery({ queryKey: walletAuthKeys.credential(id), enabled: live, queryFn: () => call(() => client.getCredential(id)) });
}

/**
 * A mutation through the client that, on success, awaits the invalidation of every affected key
 * prefix (so the screen never shows what the change made stale) and always the audit log,
 * because every change is audited.
 */
function useApiMutation<V, T>(run: (client: Client, variables: V) => Promise<ApiResult<T>>, affected: readonly (readonly unknown[])[], options: { carriesSecret?: boolean } = {}) {
  const { client } = useWalletAuth();
  const call = useCall();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: V) => call(() => run(client, variables)),
    // The mutation cache keeps `variables` until garbage collection: for a secret, collect it as
    // soon as the component calls `reset()` (nothing observes it any more).
    ...(options.carriesSecret ? { gcTime: 0 } : {}),
    onSuccess: async () => {
      await Promise.all([...affected, auditPrefix].map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    },
  });
}

/** Credential changes refresh the list, every balance and the tokens (which name credentials). */
const credentialAffected = [walletAuthKeys.credentials(), walletAuthKeys.balances(), walletAuthKeys.tokens()] as const;
function useCredentialMutation<V, T>(run: (client: Client, variables: V) => Promise<ApiResult<T>>, options: { carriesSecret?: boolean } = {}) {
  return useApiMutation(run, credentialAffected, options);
}

/**
 * Adds a credential. The secret travels in the mutation's variables only; call `reset()` after it
 * settles (the components do) so TanStack Query does not keep it.
 */
export const useCreateCredential = () => useCredentialMutation((c, body: CreateCredentialBody) => c.createCredential(body), { carriesSecret: true });
/** Renames (`{ label }`) or sets the expiry: not sensitive. */
export const useUpdateCredential = () => useCredentialMutation((c, v: { id: string; body: UpdateCredentialBody }) => c.updateCredential(v.id, v.body));
/**
 * Replaces the key and secret of a credential (validated live first; the old key stays if the
 * new one fails). A step-up action: on a reverification answer the provider's `reverify` is
 * asked and the call retried. Call `reset()` after it settles, as for {@link useCreateCredential}.
 */
export const useReplaceCredentialKey = () =>
  useCredentialMutation((c, v: { id: string; apiKey: string; secret: string; password?: string; uid?: string }) => {
    const { id, ...body } = v;
    return c.updateCredential(id, body);
  }, { carriesSecret: true });
export const useDeleteCredential = () => useCredentialMutation((c, id: string) => c.deleteCredential(id));
export const useValidateCredential = () => useCredentialMutation((c, id: string) => c.validateCredential(id));
export const useSetCredentialEnabled = () =>
  useCredentialMutation((c, v: { id: string; enabled: boolean }) => (v.enabled ? c.enableCredential(v.id) : c.disableCredential(v.id)));

export function useBalances() {
  const { client } = useWalletAuth();
  const call = useCall();
  const live = useLive();
  return useQuery({ queryKey: walletAuthKeys.balances(), enabled: live, queryFn: () => call(() => client.allBalances()), refetchInterval: 60_000 });
}

export const useRefreshBalances = () => useApiMutation((c, source: string | undefined) => c.refreshBalances(source), [walletAuthKeys.balances()]);

export function useBalanceHistory(source: string | null, asset?: string, from?: string) {
  const { client } = useWalletAuth();
  const call = useCall();
  const live = useLive();
  return useQuery({
    queryKey: [...walletAuthKeys.history(source ?? "", asset), from ?? ""],
    enabled: live && source !== null,
    queryFn: () => call(() => client.balanceHistory({ source: source!, ...(asset ? { asset } : {}), ...(from ? { from } : {}), limit: 500 })),
  });
}

export function useWallets() {
  const { client } = useWalletAuth();
  const call = useCall();
  const live = useLive();
  return useQuery({ queryKey: walletAuthKeys.wallets(), enabled: live, queryFn: () => call(() => client.listWallets()) });
}

/** The EIP-1193 `request` function of an injected wallet. */
export type Eip1193Request = (args: { method: string; params?: unknown[] }) => Promise<unknown>;

/** Links a wallet by Sign-In with Ethereum: challenge, `personal_sign` in the wallet, verify. */
export function useLinkWallet() {
  const { client } = useWalletAuth();
  const call = useCall();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ request, chainId = "eip155:1", label }: { request: Eip1193Request; chainId?: string; label?: string }) => {
      const accounts = (await request({ method: "eth_requestAccounts" })) as string[];
      const address = accounts[0];
      if (!address) throw Object.assign(new Error("no account"), { code: "WALLET_NO_ACCOUNT" });
      const challenge = await call(() => client.walletChallenge({ address, chainId }));
      const hex = `0x${Array.from(new TextEncoder().encode(challenge.message), (b) => b.toString(16).padStart(2, "0")).join("")}`;
      const signature = (await request({ method: "personal_sign", params: [hex, address] })) as string;
      return call(() => client.linkWallet({ message: challenge.message, signature, ...(label ? { label } : {}) }));
    },
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: walletAuthKeys.wallets() }),
        queryClient.invalidateQueries({ queryKey: walletAuthKeys.balances() }),
        queryClient.invalidateQueries({ queryKey: auditPrefix }),
      ]);
    },
  });
}

const walletAffected = [walletAuthKeys.wallets(), walletAuthKeys.balances()] as const;
function useWalletMutation<V, T>(run: (client: Client, variables: V) => Promise<ApiResult<T>>) {
  return useApiMutation(run, walletAffected);
}
export const useUnlinkWallet = () => useWalletMutation((c, id: string) => c.unlinkWallet(id));
export const useSetPrimaryWallet = () => useWalletMutation((c, id: string) => c.setPrimaryWallet(id));
export const useUpdateWallet = () => useWalletMutation((c, v: { id: string; label: string | null }) => c.updateWallet(v.id, { label: v.label }));

export function useAuditLog(filters: AuditFilters = {}) {
  const { client } = useWalletAuth();
  const call = useCall();
  const live = useLive();
  return useInfiniteQuery({
    queryKey: walletAuthKeys.audit(filters),
    enabled: live,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(() =>
        client.listAudit({
          limit: 20,
          ...(filters.action ? { action: filters.action } : {}),
          ...(filters.outcome ? { outcome: filters.outcome } : {}),
          ...(filters.from ? { from: filters.from } : {}),
          ...(filters.to ? { to: filters.to } : {}),
          ...(pageParam ? { cursor: pageParam } : {}),
        } as Parameters<Client["listAudit"]>[0]),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useAlerts() {
  const { client } = useWalletAuth();
  const call = useCall();
  const live = useLive();
  return useQuery({ queryKey: walletAuthKeys.alerts(), enabled: live, queryFn: () => call(() => client.listAlerts({ limit: 50 })) });
}

/** Marks an alert as seen (audited); the alerts list refreshes. */
export const useAcknowledgeAlert = () => useApiMutation((c, id: string) => c.acknowledgeAlert(id), [walletAuthKeys.alerts()]);

/** Closes an alert as dealt with (audited); the alerts list refreshes. */
export const useResolveAlert = () => useApiMutation((c, id: string) => c.resolveAlert(id), [walletAuthKeys.alerts()]);

/** Trades, deposits and withdrawals of one source (`exchange:<credentialId>` or `wallet:<walletId>`), newest first, in pages. */
export function useTransactions(source: string | null) {
  const { client } = useWalletAuth();
  const call = useCall();
  const live = useLive();
  return useInfiniteQuery({
    queryKey: walletAuthKeys.transactions(source ?? ""),
    enabled: live && source !== null,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(() => {
        const [type, id = ""] = (source ?? "").split(/:(.*)/s);
        const query = { limit: 25, ...(pageParam ? { cursor: pageParam } : {}) };
        return type === "wallet" ? client.walletTransactions(id, query) : client.credentialTransactions(id, query);
      }),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useBotTokens() {
  const { client } = useWalletAuth();
  const call = useCall();
  const live = useLive();
  return useQuery({ queryKey: walletAuthKeys.tokens(), enabled: live, queryFn: () => call(() => client.listTokens()) });
}

/** Creates a bot token; the answer carries the token once, so the mutation is collected as soon as it is reset. */
export const useCreateBotToken = () => useApiMutation((c, body: Parameters<Client["createToken"]>[0]) => c.createToken(body), [walletAuthKeys.tokens()], { carriesSecret: true });

export const useRevokeBotToken = () => useApiMutation((c, id: string) => c.revokeToken(id), [walletAuthKeys.tokens()]);

/**
 * A request to a route the typed client does not cover yet (policies, privacy), in the client's
 * `ApiResult` shape so {@link useCall} treats it the same (step-up, 401, error details).
 */
async function rawRequest<T>(http: ReturnType<typeof useWalletAuth>["http"], method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  const token = http.getToken ? await http.getToken() : null;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await http.fetch(`${http.baseUrl.replace(/\/+$/, "")}${path}`, { method, headers, credentials: "include", ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (response.status === 204) return { data: undefined as T, response };
  const parsed = (await response.clone().json().catch(() => null)) as { error?: ApiError; clerk_error?: { reason?: string; metadata?: { reverification?: ApiError["reverification"] } } } | null;
  if (response.ok) return { data: parsed as T, response };
  const err = parsed?.error;
  return {
    error: {
      code: err?.code ?? "INTERNAL",
      message: err?.message ?? "An internal error occurred.",
      requestId: err?.requestId ?? "",
      ...(parsed?.clerk_error?.reason === "reverification-error" ? { reverification: parsed.clerk_error.metadata?.reverification ?? { level: "second_factor", afterMinutes: 10 } } : {}),
    },
    response,
  };
}

/** The supported exchanges and what each one's key form needs (`GET /v1/venues`): changes only with a deployment. */
export function useVenues() {
  const { client } = useWalletAuth();
  const call = useCall();
  return useQuery({ queryKey: walletAuthKeys.venues(), enabled: useLive(), staleTime: 3_600_000, queryFn: () => call(() => client.listVenues()) });
}

/** A trade policy as the API returns it (`GET /v1/credentials/:id/policy`). */
export interface TradePolicyView {
  subjectType: "credential" | "token";
  subjectId: string;
  policy: TradePolicy | null;
  source: "default" | "stored";
  version: number;
  updatedAt: string | null;
}
/** What orders a credential may place through the exchange proxy. Notionals are decimal strings in `quoteCurrency`. */
export interface TradePolicy {
  symbols: "*" | string[];
  quoteCurrency: string;
  sides: ("buy" | "sell")[];
  orderTypes: ("market" | "limit")[];
  minOrderNotional: string | null;
  maxOrderNotional: string | null;
  window: { seconds: number; maxNotional: string } | null;
  priceBandPercent: string | null;
  reduceOnly: boolean;
  fundMovement: ("withdraw" | "transfer" | "subAccount" | "convert")[];
}

export function useCredentialPolicy(credentialId: string) {
  const { http } = useWalletAuth();
  const call = useCall();
  return useQuery({
    queryKey: walletAuthKeys.policy(credentialId),
    enabled: useLive(),
    queryFn: () => call(() => rawRequest<TradePolicyView>(http, "GET", `/v1/credentials/${encodeURIComponent(credentialId)}/policy`)),
  });
}

/** Replaces a credential's trade policy; widening it goes through the step-up dialog and is retried. */
export function usePutCredentialPolicy() {
  const { http } = useWalletAuth();
  const call = useCall();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; policy: TradePolicy }) => call(() => rawRequest<TradePolicyView>(http, "PUT", `/v1/credentials/${encodeURIComponent(v.id)}/policy`, v.policy)),
    onSuccess: async (_data, v) => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: walletAuthKeys.policy(v.id) }), queryClient.invalidateQueries({ queryKey: auditPrefix })]);
    },
  });
}

/** Downloads everything stored about the person (GDPR Art. 15/20) as JSON text. */
export function usePrivacyExport() {
  const { http } = useWalletAuth();
  const call = useCall();
  return useMutation({
    mutationFn: async () => {
      const headers: Record<string, string> = {};
      const token = http.getToken ? await http.getToken() : null;
      if (token) headers.authorization = `Bearer ${token}`;
      return call(async (): Promise<ApiResult<string>> => {
        const response = await http.fetch(`${http.baseUrl.replace(/\/+$/, "")}/v1/privacy/export`, { headers, credentials: "include" });
        if (response.ok) return { data: await response.text(), response };
        return rawErrorOf(response);
      });
    },
  });
}

async function rawErrorOf(response: Response): Promise<ApiResult<never>> {
  const parsed = (await response.clone().json().catch(() => null)) as { error?: ApiError } | null;
  return { error: { code: parsed?.error?.code ?? "INTERNAL", message: parsed?.error?.message ?? "An internal error occurred.", requestId: parsed?.error?.requestId ?? "" }, response };
}

/** Erases the account (GDPR Art. 17): a step-up action with the confirmation phrase. */
export function useEraseAccount() {
  const { http } = useWalletAuth();
  const call = useCall();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call(() => rawRequest<{ deleted: Record<string, number> }>(http, "DELETE", "/v1/privacy/account", { confirm: "ERASE MY ACCOUNT" })),
    onSuccess: () => queryClient.removeQueries({ queryKey: walletAuthKeys.all }),
  });
}

/** Audit filters the API takes; the export uses exactly the same ones. */
export interface AuditFilters {
  action?: string | undefined;
  outcome?: string | undefined;
  /** ISO 8601 instants. */
  from?: string | undefined;
  to?: string | undefined;
}

/** Downloads the audit log with exactly the given filters (json, ndjson or csv). */
export function useAuditExport() {
  const { http } = useWalletAuth();
  const call = useCall();
  return useMutation({
    mutationFn: async ({ format, filters }: { format: "json" | "ndjson" | "csv"; filters: AuditFilters }) => {
      const query = new URLSearchParams({ format });
      for (const key of ["action", "outcome", "from", "to"] as const) if (filters[key]) query.set(key, filters[key]!);
      const headers: Record<string, string> = {};
      const token = http.getToken ? await http.getToken() : null;
      if (token) headers.authorization = `Bearer ${token}`;
      return call(async (): Promise<ApiResult<string>> => {
        const response = await http.fetch(`${http.baseUrl.replace(/\/+$/, "")}/v1/audit/export?${query.toString()}`, { headers, credentials: "include" });
        if (response.ok) return { data: await response.text(), response };
        return rawErrorOf(response);
      });
    },
  });
}
