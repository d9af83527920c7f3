import {
  AlertsPanel,
  AuditLogTable,
  BalanceHistoryChart,
  BalanceTable,
  BotTokens,
  ConnectWallet,
  CredentialManager,
  SecurityStatus,
  TransactionList,
  WalletAuthProvider,
  WalletList,
  useWalletAuth,
  walletAuthStyles,
} from "@wallet-auth/react";
import { type FormEvent, StrictMode, useEffect, useMemo, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import { createDevelopmentWallet, discoverWallets } from "./devWallet.js";

interface Session {
  userId: string;
  token: string;
  expiresAt: number;
}

async function devSignIn(userId: string, expiresInS: number): Promise<Session> {
  const res = await fetch("/dev/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId, expiresInS }) });
  if (!res.ok) throw new Error("sign-in refused");
  const body = (await res.json()) as { token: string; expiresAt: string };
  return { userId, token: body.token, expiresAt: new Date(body.expiresAt).getTime() };
}

function SignIn({ onSession, notice }: { onSession: (s: Session) => void; notice: string | null }) {
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    try {
      onSession(await devSignIn(String(data.get("userId")), Number(data.get("minutes")) * 60 || 900));
    } catch {
      setError("The development sign-in refused that user id (letters, digits, _ and - only).");
    }
  }
  return (
    <main className="wa-section" aria-labelledby="signin-title" style={{ maxWidth: "28rem", margin: "4rem auto" }}>
      <h1 id="signin-title">Sign in</h1>
      <p className="wa-muted">
        <strong>Development sign-in.</strong> It mints a Clerk-shaped session token with this server's local key; production uses Clerk.
      </p>
      {notice && (
        <p role="status" className="wa-warn">
          {notice}
        </p>
      )}
      <form onSubmit={submit} className="wa-form">
        <label htmlFor="userId">User id</label>
        <input id="userId" name="userId" defaultValue="user_demo" required pattern="[A-Za-z0-9_-]{1,64}" />
        <label htmlFor="minutes">Session (minutes)</label>
        <input id="minutes" name="minutes" type="number" min="0.05" step="0.05" defaultValue="15" />
        <button type="submit">Sign in</button>
      </form>
      {error && <p role="alert">{error}</p>}
    </main>
  );
}

function SessionBanner({ session, onSignOut }: { session: Session; onSignOut: (notice: string | null) => void }) {
  const { signedOut } = useWalletAuth();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const left = Math.round((session.expiresAt - now) / 1000);
  useEffect(() => {
    if (signedOut || left <= 0) onSignOut("Your session ended. Sign in again to continue.");
  }, [signedOut, left, onSignOut]);
  return (
    <header className="wa-row" style={{ justifyContent: "space-between", padding: ".5rem 0" }}>
      <span>
        Signed in as <strong>{session.userId}</strong>
      </span>
      <span role="status" className={left < 120 ? "wa-warn" : "wa-muted"}>
        {left < 120 ? `Your session ends in ${Math.max(0, left)} s.` : `Session: ${Math.round(left / 60)} min left`}
      </span>
      <button type="button" onClick={() => onSignOut(null)}>
        Sign out
      </button>
    </header>
  );
}

function Wallets() {
  const [injected, setInjected] = useState<{ name: string; request: (a: { method: string; params?: unknown[] }) => Promise<unknown> } | null>(null);
  const dev = useRef<ReturnType<typeof createDevelopmentWallet> | null>(null);
  useEffect(() => discoverWallets((found) => found[0] && setInjected({ name: found[0].info.name, request: found[0].provider.request.bind(found[0].provider) })), []);
  dev.current ??= createDevelopmentWallet();
  return (
    <WalletList>
      {injected ? (
        <ConnectWallet request={injected.request} providerName={injected.name} />
      ) : (
        <>
          <p className="wa-warn">No browser wallet found: using a development wallet (a throw-away key in this page).</p>
          <ConnectWallet request={dev.current.request} providerName="development wallet" />
        </>
      )}
    </WalletList>
  );
}

function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const tokenRef = useRef<string | null>(null);
  tokenRef.current = session?.token ?? null;
  const getToken = useMemo(() => () => tokenRef.current, []);
  const reverify = useMemo(
    () => async () => {
      if (!session || !window.confirm("Verify it is you: sign in again to continue.")) return false;
      setSession(await devSignIn(session.userId, 900));
      return true;
    },
    [session],
  );
  if (!session) return <SignIn onSession={(s) => (setNotice(null), setSession(s))} notice={notice} />;
  return (
    // The banner above shows the session's time left, so the components' own notices are off.
    <WalletAuthProvider key={session.userId + session.expiresAt} baseUrl="/api" getToken={getToken} reverify={reverify} sessionExpiresAt={session.expiresAt} sessionNotices={false}>
      <SessionBanner session={session} onSignOut={(n) => (setNotice(n), setSession(null))} />
      <nav aria-label="Sections" className="wa-row">
        {["security", "credentials", "balances", "transactions", "wallets", "alerts", "audit", "tokens"].map((s) => (
          <a key={s} href={`#${s}`}>
            {s}
          </a>
        ))}
      </nav>
      <main>
        <div id="security">
          <SecurityStatus />
        </div>
        <div id="credentials">
          <CredentialManager />
        </div>
        <div id="balances">
          <BalanceTable />
          <BalanceHistoryChart />
        </div>
        <div id="transactions">
          <TransactionList />
        </div>
        <div id="wallets">
          <Wallets />
        </div>
        <div id="alerts">
          <AlertsPanel />
        </div>
        <div id="audit">
          <AuditLogTable />
        </div>
        <div id="tokens">
          <BotTokens />
        </div>
      </main>
    </WalletAuthProvider>
  );
}

const style = document.createElement("style");
style.textContent = walletAuthStyles;
document.head.append(style);
document.body.setAttribute("data-wallet-auth", "");
document.body.style.margin = "0 auto";
document.body.style.maxWidth = "64rem";
document.body.style.padding = "0 1rem";
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
