import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type WalletAuthClient, createWalletAuthClient } from "@wallet-auth/core/client";
import { type ReactNode, createContext, useContext, useMemo, useState } from "react";

/** What the hooks read from the provider. */
export interface WalletAuthContextValue {
  client: WalletAuthClient;
  /** Set when a call answered 401: the session ended; the UI shows "signed out". */
  signedOut: boolean;
  markSignedOut(): void;
  /** Called when a sensitive action needs a fresh verification; resolves `true` when the person verified again. */
  reverify?: (() => Promise<boolean>) | undefined;
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
  /** Prompt the person to verify again (Clerk's reverification, or the development sign-in); resolve `true` to retry. */
  reverify?: (() => Promise<boolean>) | undefined;
  /** The app's own TanStack Query client; one is created otherwise. */
  queryClient?: QueryClient | undefined;
  /** Default `fetch`. */
  fetch?: typeof fetch | undefined;
  children: ReactNode;
}

/**
 * Provides the API client and a TanStack Query client to every hook and component below it.
 *
 * @example
 * ```tsx
 * import { WalletAuthProvider, CredentialManager } from "@wallet-auth/react";
 * <WalletAuthProvider baseUrl="/api" getToken={() => getToken()}><CredentialManager /></WalletAuthProvider>
 * ```
 */
export function WalletAuthProvider(props: WalletAuthProviderProps) {
  const [signedOut, setSignedOut] = useState(false);
  const [ownQueryClient] = useState(() => props.queryClient ?? new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 15_000 } } }));
  const { baseUrl, getToken, csrfToken, fetch: fetchImpl } = props;
  const client = useMemo(
    () =>
      createWalletAuthClient({
        baseUrl,
        ...(getToken ? { getToken } : {}),
        ...(csrfToken ? { csrfToken } : {}),
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      }),
    [baseUrl, getToken, csrfToken, fetchImpl],
  );
  const value = useMemo<WalletAuthContextValue>(
    () => ({ client, signedOut, markSignedOut: () => setSignedOut(true), reverify: props.reverify }),
    [client, signedOut, props.reverify],
  );
  return (
    <QueryClientProvider client={ownQueryClient}>
      <Context.Provider value={value}>{props.children}</Context.Provider>
    </QueryClientProvider>
  );
}

/** The provider's value. Using a hook outside the provider is a developer error, loudly. */
export function useWalletAuth(): WalletAuthContextValue {
  const value = useContext(Context);
  if (value === null) throw new Error("wallet-auth hooks must be used inside <WalletAuthProvider>");
  return value;
}
