import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type WalletAuthClient, createWalletAuthClient } from "@wallet-auth/core/client";
import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import type { ApiErrorDetail } from "./apiError.js";
import { StepUpDialog } from "./components/StepUpDialog.js";
import { walletAuthKeys } from "./queryKeys.js";

/** Where the session stands, as the components show it. */
export interface WalletAuthSession {
  /** When the session ends (epoch ms), if the host said so. */
  expiresAt: number | null;
  /** Whole minutes left, rounded up, while the end is within the warning window; `null` otherwise. */
  minutesLeft: number | null;
  /** A call answered 401, or the end passed: the components show "signed out" and stop calling the API. */
  signedOut: boolean;
  /** Whether the components show the warning and the signed-out notice themselves. */
  notices: boolean;
}

/** How the provider reaches the API, for the few routes the typed client does not cover yet. */
export interface WalletAuthHttp {
  baseUrl: string;
  fetch: typeof fetch;
  getToken?: (() => Promise<string | null> | string | null) | undefined;
}

/** What the hooks read from the provider. */
export interface WalletAuthContextValue {
  client: WalletAuthClient;
  http: WalletAuthHttp;
  /** Set when a call answered 401 or the session's end passed: the UI shows "signed out". */
  signedOut: boolean;
  markSignedOut(): void;
  session: WalletAuthSession;
  /** Called when a sensitive action needs a fresh verification; resolves `true` when the person verified again. */
  reverify?: (() => Promise<boolean>) | undefined;
  /**
   * Asks the person to verify again in the step-up dialog (which calls `reverify`); resolves
   * `true` once verified (the caller retries its request), `false` when they cancelled.
   * Concurrent callers share one dialog.
   */
  stepUp(): Promise<boolean>;
  /** The parts of an error body the typed client drops (refused fields, policy rule, Retry-After), for a response it returned. */
  errorDetail(response: Response): Promise<Pick<ApiErrorDetail, "fields" | "rule" | "retryAfterSeconds">>;
}

const Context = createContext<WalletAuthContextValue | null>(null);

/** Props of {@link WalletAuthProvider}. */
export interface WalletAuthProviderProps {
  /** Where the API router is mounted, e.g. `/api`. */
  baseUrl: string;
  /** Clerk's `useAuth().getToken`, or any async function returning a session token (`null`: cookie session). */
  getToken?: (() => Promise<string | null> | string | null) | undefined;
  /** For cookie sessions: the CSRF token (from `GET /v1/me`). */
  csrfToken?: (() => string | null) | undefined;
  /**
   * Verify the person again (Clerk's reverification, or the development sign-in); resolve `true`
   * once verified. The package asks first in its own "Verify it's you" dialog (not a native
   * `confirm()`), then calls this, then retries the original request: nothing typed is lost.
   */
  reverify?: (() => Promise<boolean>) | undefined;
  /**
   * When the session ends (a `Date` or epoch ms). Inside the warning window every component
   * shows "your session ends in N min"; once it passed they show "signed out". Leave it out for
   * sessions that renew themselves (Clerk refreshes its tokens).
   */
  sessionExpiresAt?: Date | number | null | undefined;
  /**
   * Whether every component shows the session warning and the signed-out notice (default
   * `true`). Turn it off when the app has its own session banner; once signed out the
   * components still hide their data and stop asking the API.
   */
  sessionNotices?: boolean | undefined;
  /** How long before the end the warning shows. Default 2 minutes. */
  sessionWarningMs?: number | undefined;
  /** The app's own TanStack Query client; one is created otherwise. */
  queryClient?: QueryClient | undefined;
  /** Default `fetch`. */
  fetch?: typeof fetch | undefined;
  children: ReactNode;
}

/** Minutes left inside the warning window (rounded up), 0 once the end passed, `null` outside the window. */
function minutesLeftAt(expiresAt: number | null, warningMs: number, now: number): number | null {
  if (expiresAt === null) return null;
  const left = expiresAt - now;
  if (left <= 0) return 0;
  return left <= warningMs ? Math.ceil(left / 60_000) : null;
}

/**
 * Provides the API client and a TanStack Query client to every hook and component below it,
 * and tracks the session: a 401 anywhere, or the end given in `sessionExpiresAt` passing, turns
 * every component into a "signed out" notice and stops every query.
 *
 * @example
 * ```tsx
 * import { WalletAuthProvider, CredentialManager } from "@wallet-auth/react";
 * <WalletAuthProvider baseUrl="/api" getToken={() => getToken()}><CredentialManager /></WalletAuthProvider>
 * ```
 */
export function WalletAuthProvider(props: WalletAuthProviderProps) {
  const [unauthenticated, setUnauthenticated] = useState(false);
  const [ownQueryClient] = useState(() => props.queryClient ?? new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 15_000 } } }));
  const { baseUrl, getToken, csrfToken, fetch: fetchImpl } = props;
  const expiresAt = props.sessionExpiresAt == null ? null : new Date(props.sessionExpiresAt).getTime();
  const warningMs = props.sessionWarningMs ?? 120_000;
  const [minutesLeft, setMinutesLeft] = useState(() => minutesLeftAt(expiresAt, warningMs, Date.now()));
  useEffect(() => {
    const tick = () => setMinutesLeft(minutesLeftAt(expiresAt, warningMs, Date.now()));
    tick();
    if (expiresAt === null) return;
    // State changes only when the shown minute changes, so the components re-render once a minute.
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [expiresAt, warningMs]);
  const signedOut = unauthenticated || minutesLeft === 0;
  useEffect(() => {
    // Queries stop (every hook is disabled when signed out); drop what they held.
    if (signedOut) ownQueryClient.removeQueries({ queryKey: walletAuthKeys.all });
  }, [signedOut, ownQueryClient]);
  // Error bodies carry more than the typed client returns (INVALID_INPUT `fields`, POLICY_DENIED
  // `rule`, the Retry-After header): a copy of each error response is read here, keyed by the
  // response object the client hands back.
  const details = useRef(new WeakMap<Response, Promise<Pick<ApiErrorDetail, "fields" | "rule" | "retryAfterSeconds">>>());
  const inspectingFetch = useMemo<typeof fetch>(() => {
    const base: typeof fetch = fetchImpl ?? ((input, init) => fetch(input, init));
    return async (input, init) => {
      const response = await base(input, init);
      if (!response.ok && response.status !== 204) {
        const retry = Number(response.headers.get("retry-after"));
        const retryAfterSeconds = Number.isFinite(retry) && retry > 0 ? Math.ceil(retry) : undefined;
        details.current.set(
          response,
          response
            .clone()
            .json()
            .then((body: { error?: { fields?: unknown; rule?: unknown } } | null) => ({
              fields: Array.isArray(body?.error?.fields) ? body.error.fields.filter((f): f is string => typeof f === "string") : undefined,
              rule: typeof body?.error?.rule === "string" ? body.error.rule : undefined,
              retryAfterSeconds,
            }))
            .catch(() => ({ retryAfterSeconds })),
        );
      }
      return response;
    };
  }, [fetchImpl]);
  const errorDetail = useCallback((response: Response) => details.current.get(response) ?? Promise.resolve({}), []);
  const client = useMemo(
    () =>
      createWalletAuthClient({
        baseUrl,
        ...(getToken ? { getToken } : {}),
        ...(csrfToken ? { csrfToken } : {}),
        fetch: inspectingFetch,
      }),
    [baseUrl, getToken, csrfToken, inspectingFetch],
  );
  const http = useMemo<WalletAuthHttp>(() => ({ baseUrl, fetch: inspectingFetch, getToken }), [baseUrl, inspectingFetch, getToken]);
  // One step-up dialog for every caller: concurrent requests that need it wait on the same answer.
  const [stepUpOpen, setStepUpOpen] = useState(false);
  const pendingStepUp = useRef<{ promise: Promise<boolean>; resolve: (verified: boolean) => void } | null>(null);
  const stepUp = useCallback(() => {
    if (!pendingStepUp.current) {
      let resolve!: (verified: boolean) => void;
      const promise = new Promise<boolean>((r) => (resolve = r));
      pendingStepUp.current = { promise, resolve };
      setStepUpOpen(true);
    }
    return pendingStepUp.current.promise;
  }, []);
  const settleStepUp = useCallback((verified: boolean) => {
    pendingStepUp.current?.resolve(verified);
    pendingStepUp.current = null;
    setStepUpOpen(false);
  }, []);
  const markSignedOut = useCallback(() => setUnauthenticated(true), []);
  const value = useMemo<WalletAuthContextValue>(
    () => ({
      client,
      http,
      signedOut,
      markSignedOut,
      session: { expiresAt, minutesLeft: minutesLeft === 0 ? null : minutesLeft, signedOut, notices: props.sessionNotices ?? true },
      reverify: props.reverify,
      stepUp,
      errorDetail,
    }),
    [client, http, signedOut, markSignedOut, expiresAt, minutesLeft, props.sessionNotices, props.reverify, stepUp, errorDetail],
  );
  return (
    <QueryClientProvider client={ownQueryClient}>
      <Context.Provider value={value}>
        {props.children}
        <StepUpDialog open={stepUpOpen} reverify={props.reverify} onSettled={settleStepUp} />
      </Context.Provider>
    </QueryClientProvider>
  );
}

/** The provider's value. Using a hook outside the provider is a developer error, loudly. */
export function useWalletAuth(): WalletAuthContextValue {
  const value = useContext(Context);
  if (value === null) throw new Error("wallet-auth hooks must be used inside <WalletAuthProvider>");
  return value;
}
