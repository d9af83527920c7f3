import type { AlertDto, AllBalancesDto, AuditEventDto, BotTokenDto, CredentialDto, SnapshotDto, WalletDto } from "@wallet-auth/core/client";
import { QueryClient } from "@tanstack/react-query";
import { type RenderResult, configure, render } from "@testing-library/react";
import { type ReactElement, createElement } from "react";
import { WalletAuthProvider, type WalletAuthProviderProps } from "../WalletAuthProvider.js";

// findBy*/waitFor wait up to 5 s (default 1 s): under a loaded CI machine (the suites run in
// parallel on 2 cores) a chart's first render can take over a second.
configure({ asyncUtilTimeout: 5_000 });

/** One request the component made, as the fake API saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization: string | null;
}

/** What a route answers: a JSON body and status, or `"pending"` (never answers: the loading state). */
export type Reply = { status: number; body?: unknown } | "pending";
export type Handler = Reply | ((request: SeenRequest, nth: number) => Reply);

/** The API's own error body (`ErrorBody` in the OpenAPI document). */
export const apiError = (status: number, code: string, message: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: { error: { code, message, requestId: "req_test_1" }, ...extra },
});
export const unauthenticated = () => apiError(401, "UNAUTHENTICATED", "Authentication is required.");
export const storeDown = () => apiError(503, "STORE_UNAVAILABLE", "The data store is unavailable. Try again later.");
/** What the router answers when a sensitive action needs a fresh verification (Clerk's reverification body). */
export const reverificationNeeded = () =>
  apiError(403, "FORBIDDEN", "You are not allowed to do this.", {
    clerk_error: { type: "forbidden", reason: "reverification-error", metadata: { reverification: { level: "second_factor", afterMinutes: 10 } } },
  });
export const ok = (body: unknown, status = 200): Reply => ({ status, body });

/**
 * A `fetch` answering the API's routes (`"GET /v1/credentials"`) from a table; unknown routes
 * answer 404 with the API's error body, as the router does. Every request is recorded.
 */
export function fakeApi(routes: Record<string, Handler>) {
  const seen: SeenRequest[] = [];
  const counts = new Map<string, number>();
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), "http://app.test");
    const method = (init.method ?? "GET").toUpperCase();
    const path = url.pathname.replace(/^\/api/, "");
    const headers = new Headers(init.headers);
    const request: SeenRequest = { method, path, query: url.searchParams, body: init.body ? JSON.parse(String(init.body)) : undefined, authorization: headers.get("authorization") };
    seen.push(request);
    const key = `${method} ${path}`;
    const nth = counts.get(key) ?? 0;
    counts.set(key, nth + 1);
    const handler = routes[key];
    const reply = handler === undefined ? apiError(404, "NOT_FOUND", "The resource was not found.") : typeof handler === "function" ? handler(request, nth) : handler;
    if (reply === "pending") return new Promise<Response>(() => {});
    if (reply.status === 204) return new Response(null, { status: 204 });
    return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { "content-type": "application/json" } });
  };
  return { fetch: fetch as typeof globalThis.fetch, seen, calls: (key: string) => seen.filter((r) => `${r.method} ${r.path}` === key) };
}

/** Renders `ui` inside the real provider talking to `api`. */
export function renderWithApi(ui: ReactElement, api: ReturnType<typeof fakeApi>, props: Partial<Omit<WalletAuthProviderProps, "children">> = {}): RenderResult & { queryClient: QueryClient } {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 60_000 }, mutations: { retry: false } } });
  const view = render(createElement(WalletAuthProvider, { baseUrl: "/api", getToken: () => "session-token", fetch: api.fetch, queryClient, ...props, children: ui }));
  return { ...view, queryClient };
}

// One "now" per test file: two fixtures made "120 minutes ago" are the same instant (the clock could
// tick between two calls, and the chart then drew two points where the test meant one).
const NOW = Date.now();
const t = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();

/** Fixtures in the API's response shapes (packages/adapter-express/src/schemas.ts). */
export const fixtures = {
  credential: (over: Partial<CredentialDto> = {}): CredentialDto => ({
    id: "cred_01",
    exchange: "binance",
    label: "Main account",
    status: "active",
    keyHint: "9F3A",
    permissions: { read: true, trade: false, withdraw: false },
    createdAt: t(60 * 24 * 30),
    updatedAt: t(60),
    lastUsedAt: t(5),
    lastValidatedAt: t(60),
    expiresAt: null,
    ...over,
  }),
  balances: (credentialId = "cred_01"): AllBalancesDto => ({
    sources: [
      {
        source: { type: "exchange", credentialId },
        balances: [
          { asset: "BTC", free: "0.50000000", locked: "0.01000000", total: "0.51000000", usdValue: "30600.00" },
          { asset: "USDT", free: "1200.5", locked: "0", total: "1200.5", usdValue: "1200.50" },
        ],
        totalUsd: "31800.50",
        asOf: t(1),
        fromCache: false,
      },
    ],
    totalUsd: "31800.50",
  }),
  snapshot: (minutesAgo: number, usdValue: string, asset = "BTC"): SnapshotDto => ({ asset, free: "0.5", locked: "0", total: "0.5", usdValue, takenAt: t(minutesAgo) }),
  wallet: (over: Partial<WalletDto> = {}): WalletDto => ({
    id: "wal_01",
    address: "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4",
    chainId: "eip155:1",
    label: "Ledger",
    metadata: {},
    isPrimary: true,
    verifiedAt: t(600),
    createdAt: t(600),
    updatedAt: t(600),
    ...over,
  }),
  auditEvent: (over: Partial<AuditEventDto> = {}): AuditEventDto => ({
    id: "evt_01",
    seq: 1,
    occurredAt: t(3),
    action: "credential.create",
    outcome: "success",
    actorType: "user",
    actorId: "user_1",
    targetType: "credential",
    targetId: "cred_01",
    requestId: "req_1",
    details: { exchange: "binance" },
    hash: "ab".repeat(32),
    ...over,
  }),
  alert: (over: Partial<AlertDto> = {}): AlertDto => ({
    id: "alr_01",
    kind: "access.new_ip",
    severity: "medium",
    status: "open",
    details: {},
    createdAt: t(30),
    ...over,
  }),
  token: (over: Partial<BotTokenDto> = {}): BotTokenDto => ({
    id: "tok_01",
    label: "grid bot",
    prefix: "wab_Ab12",
    scopes: ["credentials:read", "balances:read"],
    credentialIds: [],
    createdAt: t(120),
    expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    lastUsedAt: null,
    revokedAt: null,
    ...over,
  }),
  page: <T>(items: T[], nextCursor: string | null = null) => ({ items, nextCursor }),
};
