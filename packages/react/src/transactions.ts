import type { ApiError, ApiResult, Page } from "@wallet-auth/core/client";
import type { WalletAuthHttp } from "./WalletAuthProvider.js";

/** A normalised trade, deposit, withdrawal or transfer (the API's `Transaction`). Amounts are decimal strings. */
export interface TransactionDto {
  id: string;
  type: "trade" | "deposit" | "withdrawal" | "transfer" | (string & {});
  asset: string;
  /** Signed for transfers (negative = out). */
  amount: string;
  fee?: string | null;
  feeAsset?: string | null;
  status?: "pending" | "ok" | "failed" | "canceled" | (string & {});
  occurredAt: string;
  txid?: string | null;
}

/**
 * `GET /v1/credentials/:id/transactions` or `GET /v1/wallets/:id/transactions`, answered as the
 * typed client answers. The core client has no method for these routes yet; this is the same
 * request (Bearer token, JSON, the API's error body) until it does.
 */
export async function listTransactions(
  http: WalletAuthHttp,
  query: { source: string; cursor?: string | undefined; limit?: number | undefined },
): Promise<ApiResult<Page<TransactionDto>>> {
  const [type, id = ""] = query.source.split(/:(.*)/s);
  const path = `${type === "wallet" ? "/v1/wallets" : "/v1/credentials"}/${encodeURIComponent(id)}/transactions`;
  const params = new URLSearchParams();
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  if (query.cursor) params.set("cursor", query.cursor);
  const headers: Record<string, string> = { accept: "application/json" };
  const token = http.getToken ? await http.getToken() : null;
  if (token) headers.authorization = `Bearer ${token}`;
  const qs = params.toString();
  const response = await http.fetch(`${http.baseUrl.replace(/\/+$/, "")}${path}${qs ? `?${qs}` : ""}`, { method: "GET", headers, credentials: "include" });
  const parsed = (await response.json().catch(() => null)) as (Page<TransactionDto> & { error?: Partial<ApiError> }) | null;
  if (response.ok && parsed) return { data: parsed, response };
  const error = parsed?.error ?? {};
  return { error: { code: (error.code as ApiError["code"]) ?? "INTERNAL", message: error.message ?? "An internal error occurred.", requestId: error.requestId ?? "" }, response };
}
