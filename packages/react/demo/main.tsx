import {
  AlertsPanel,
  AuditLogTable,
  BalanceHistoryChart,
  BalanceTable,
  BotTokens,
  ConnectWallet,
  CredentialManager,
  PrivacyPanel,
  SecurityStatus,
  TransactionList,
  WalletAuthProvider,
  WalletList,
  WalletPicker,
  useWalletAuth,
  walletAuthStyles,
} from "@wallet-auth/react";
import { type FormEvent, StrictMode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import { createDevelopmentWallet } from "./devWallet.js";
import { type DevSessionStatus, type SessionState, devSession } from "./devSession.js";

function SignIn({ notice, onSignIn }: { notice: string | null; onSignIn: (userId: string, minutes: number, stale: boolean) => Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (notice) heading.current?.focus();
  }, [notice]);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    try {
      await onSignIn(String(data.get("userId")), Number(data.get("minutes")) || 15, data.get("stale") === "on");
    } catch {
      setError("The development sign-in refused that user id (letters, digits, _ and - only).");
    }
  }
  return (
    <main id="main" className="wa-section" aria-labelledby="signin-title" style={{ maxWidth: "28rem", margin: "4rem auto" }}>
      <h1 id="signin-title" ref={heading} tabIndex={-1}>
        Sign in
      </h1>
      <p className="wa-muted">
        <strong>Development sign-in.</strong> It mints a Clerk-shaped session token with this server's local key; production uses Clerk.
      </p>
      {notice && (
        <p role="status" className="wa-callout wa-callout-warn">
          {notice}
        </p>
      )}
      <form onSubmit={submit} className="wa-form">
        <label htmlFor="userId">User id</label>
        <input id="userId" name="userId" defaultValue="user_demo" required pattern="[A-Za-z0-9_\-]{1,64}" autoComplete="username" />
        <label htmlFor="minutes">Session (minutes)</label>
        <input id="minutes" name="minutes" type="number" min="0.05" step="0.05" defaultValue="15" />
        <label className="wa-full wa-row">
          <input type="checkbox" name="stale" /> Verified a while ago (to try "verify it's you")
        </label>
        <button type="submit">Sign in</button>
      </form>
      {error && (
        <p role="alert" className="wa-error">
          {error}
        </p>
      )}
    </main>
  );
}

type Theme = "system" | "light" | "dark";
function useTheme(): [Theme, (t: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem("wallet-auth-demo:theme") as Theme | null) ?? "system");
  useEffect(() => {
    if (theme === "system") delete document.documentElement.dataset.waTheme;
    else document.documentElement.dataset.waTheme = theme;
    localStorage.setItem("wallet-auth-demo:theme", theme);
  }, [theme]);
  return [theme, setTheme];
}

function Header({ session, onSignOut, onExtend }: { session: SessionState; onSignOut: (reason?: string) => void; onExtend: () => void }) {
  const { signedOut } = useWalletAuth();
  const [theme, setTheme] = useTheme();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const left = Math.round((session.expiresAt - now) / 1000);
  useEffect(() => {
    if (signedOut) onSignOut("Your session ended. Sign in again to continue.");
  }, [signedOut, onSignOut]);
  return (
    <header className="wa-row" style={{ justifyContent: "space-between", padding: ".75rem 0", borderBottom: "1px solid var(--wa-border)", marginBottom: "1rem" }}>
      <span>
        Signed in as <strong>{session.userId}</strong>
      </span>
      <span className="wa-row">
        <span role="status" className={left < 120 ? "wa-warn" : "wa-muted"} data-testid="session-left">
          {left < 120 ? `Your session ends in ${Math.max(0, left)} s.` : `Session: ${Math.round(left / 60)} min left`}
        </span>
        {left < 120 && (
          <button type="button" onClick={onExtend}>
            Stay signed in
          </button>
        )}
      </span>
      <span className="wa-row">
        <label className="wa-row">
          <span>Theme</span>
          <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
            <option value="system">System</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <button type="button" className="wa-button-secondary" onClick={() => onSignOut()}>
          Sign out
        </button>
      </span>
    </header>
  );
}

function Wallets() {
  const dev = useRef<ReturnType<typeof createDevelopmentWallet> | null>(null);
  dev.current ??= createDevelopmentWallet();
  return (
    <WalletList>
      <WalletPicker
        fallback={
          <>
            <p className="wa-callout wa-callout-warn">No browser wallet found: using a development wallet (a throw-away key in this page).</p>
            <ConnectWallet request={dev.current.request} providerName="development wallet" />
          </>
        }
      />
    </WalletList>
  );
}

const sections = [
  ["security", "Security"],
  ["credentials", "Keys"],
  ["balances", "Balances"],
  ["transactions", "Transactions"],
  ["wallets", "Wallets"],
  ["alerts", "Alerts"],
  ["audit", "Audit log"],
  ["tokens", "Bot tokens"],
  ["privacy", "Your data"],
] as const;

function SignedIn({
  session,
  getToken,
  reverify,
  onSignOut,
  onExtend,
}: {
  session: SessionState;
  getToken: () => Promise<string | null>;
  reverify: () => Promise<boolean>;
  onSignOut: (reason?: string) => void;
  onExtend: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  // After sign-in the focus goes to the page's heading, not <body>.
  useEffect(() => heading.current?.focus(), []);
  return (
    // Keyed by user only: a refreshed or re-verified token changes nothing on screen, so nothing typed is lost.
    <WalletAuthProvider key={session.userId} baseUrl="/api" getToken={getToken} reverify={reverify} sessionExpiresAt={session.expiresAt} sessionNotices={false}>
      <Header session={session} onSignOut={onSignOut} onExtend={onExtend} />
      <nav aria-label="Sections">
        <ul className="wa-row" style={{ listStyle: "none", padding: 0, margin: "0 0 1rem" }}>
          {sections.map(([id, name]) => (
            <li key={id}>
              <a href={`#${id}`}>{name}</a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <h1 ref={heading} tabIndex={-1}>
          Your trading accounts
        </h1>
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
        <div id="privacy">
          <PrivacyPanel onErased={() => onSignOut("Your account was erased.")} />
        </div>
      </main>
    </WalletAuthProvider>
  );
}

function App() {
  const [state, setState] = useState<DevSessionStatus>(devSession.current());
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(
    () =>
      devSession.subscribe((next, reason) => {
        setState(next);
        setNotice(next.status === "signed-out" ? reason : null);
      }),
    [],
  );
  const getToken = useCallback(() => devSession.token(), []);
  const reverify = useCallback(() => devSession.reverify(), []);
  const signOut = useCallback((reason?: string) => devSession.signOut(reason ?? null), []);
  // A failed extension leaves the session to expire as planned (the banner keeps counting down).
  const extend = useCallback(() => void devSession.extend(15).catch(() => undefined), []);
  const signIn = useMemo(() => (userId: string, minutes: number, stale: boolean) => devSession.signIn(userId, minutes, stale), []);
  if (state.status === "signed-out") return <SignIn notice={notice} onSignIn={signIn} />;
  return <SignedIn session={state.session} getToken={getToken} reverify={reverify} onSignOut={signOut} onExtend={extend} />;
}

const style = document.createElement("style");
style.textContent = `${walletAuthStyles}
body { margin: 0 auto; max-width: 72rem; padding: 0 1rem 2rem; min-height: 100vh; }
@media (max-width: 640px) { body { padding: 0 .5rem 2rem; } }`;
document.head.append(style);
document.body.setAttribute("data-wallet-auth", "");
const skip = document.createElement("a");
skip.href = "#main";
skip.className = "wa-skip";
skip.textContent = "Skip to main content";
skip.addEventListener("click", (event) => {
  event.preventDefault();
  const main = document.getElementById("main");
  main?.setAttribute("tabindex", "-1");
  main?.focus();
});
document.body.prepend(skip);
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
