/**
 * The demo's session on the development sign-in, behaving like Clerk's: it survives a reload and
 * is shared by every tab (the non-secret part, user id, end and verification time, in
 * localStorage; each tab mints its own short-lived token, never stored), tokens are refreshed in
 * the background before they lapse, and signing out in one tab signs out all of them
 * (BroadcastChannel, with the storage event as a fallback).
 */
export interface SessionState {
  userId: string;
  /** When the session ends (epoch ms). */
  expiresAt: number;
  /** When the person last proved who they are (epoch ms): step-up routes need it recent. */
  verifiedAt: number;
}

export type DevSessionStatus = { status: "signed-out" } | { status: "signed-in"; session: SessionState };
type Listener = (state: DevSessionStatus, reason: string | null) => void;

const KEY = "wallet-auth-demo:session";
const ENDED = "Your session ended. Sign in again to continue.";
/** Tokens live a minute, as Clerk's do; a fresh one is minted 20 s before the old one lapses. */
const TOKEN_S = 60;
const REFRESH_BEFORE_MS = 20_000;

type Message = { type: "signed-in"; session: SessionState } | { type: "signed-out"; reason: string | null };

function load(): SessionState | null {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? "null") as SessionState | null;
    return s && typeof s.userId === "string" && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

function createDevSession() {
  let session = load();
  let token: { value: string; expiresAt: number } | null = null;
  let minting: Promise<string | null> | null = null;
  const listeners = new Set<Listener>();
  const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel("wallet-auth-demo");

  const state = (): DevSessionStatus => (session ? { status: "signed-in", session } : { status: "signed-out" });
  const emit = (reason: string | null) => {
    for (const l of listeners) l(state(), reason);
  };
  const adopt = (next: SessionState | null, reason: string | null) => {
    const changedUser = next?.userId !== session?.userId || next?.verifiedAt !== session?.verifiedAt;
    session = next;
    if (changedUser || next === null) token = null;
    emit(reason);
  };
  const publish = (message: Message) => {
    if (session) localStorage.setItem(KEY, JSON.stringify(session));
    else localStorage.removeItem(KEY);
    channel?.postMessage(message);
  };

  channel?.addEventListener("message", (event: MessageEvent<Message>) => {
    const m = event.data;
    if (m.type === "signed-in") adopt(m.session, null);
    else if (session) adopt(null, session.expiresAt <= Date.now() ? ENDED : (m.reason ?? "You signed out in another tab."));
  });
  // Browsers without BroadcastChannel (and tabs that missed a message) still follow localStorage.
  window.addEventListener("storage", (event) => {
    if (event.key !== KEY) return;
    const next = load();
    if (next === null && session) adopt(null, session.expiresAt <= Date.now() ? ENDED : "You signed out in another tab.");
    else if (next && JSON.stringify(next) !== JSON.stringify(session)) adopt(next, null);
  });

  async function mint(s: SessionState): Promise<string | null> {
    const left = Math.floor((s.expiresAt - Date.now()) / 1000);
    if (left <= 0) return null;
    const expiresInS = Math.min(TOKEN_S, left);
    const minutesSinceVerified = Math.max(0, Math.floor((Date.now() - s.verifiedAt) / 60_000));
    const res = await fetch("/dev/sign-in", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: s.userId, expiresInS, fva: [minutesSinceVerified, -1] }),
    });
    if (!res.ok) throw new Error("sign-in refused");
    const body = (await res.json()) as { token: string };
    if (session !== s) return null;
    token = { value: body.token, expiresAt: Date.now() + expiresInS * 1000 };
    return token.value;
  }

  /** The current token, minted or refreshed when it is missing or about to lapse (one request for concurrent callers). */
  async function getToken(): Promise<string | null> {
    const s = session;
    if (!s) return null;
    if (token && token.expiresAt - Date.now() > REFRESH_BEFORE_MS) return token.value;
    minting ??= mint(s).finally(() => (minting = null));
    return minting;
  }

  // Background refresh, so no request waits for a mint and an idle tab notices the session's end.
  setInterval(() => {
    if (!session) return;
    if (session.expiresAt <= Date.now()) {
      adopt(null, ENDED);
      publish({ type: "signed-out", reason: ENDED });
      return;
    }
    if (!token || token.expiresAt - Date.now() <= REFRESH_BEFORE_MS) void getToken().catch(() => undefined);
  }, 5_000);

  return {
    current: state,
    subscribe(listener: Listener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    token: getToken,
    async signIn(userId: string, minutes: number, stale: boolean): Promise<void> {
      const now = Date.now();
      const next: SessionState = { userId, expiresAt: now + Math.round(minutes * 60) * 1000, verifiedAt: stale ? now - 120 * 60_000 : now };
      session = next;
      token = null;
      await mint(next).catch((error: unknown) => {
        session = null;
        throw error;
      });
      publish({ type: "signed-in", session: next });
      emit(null);
    },
    /** "Verify it's you": on the development sign-in, a fresh verification now (Clerk shows its own prompt). */
    async reverify(): Promise<boolean> {
      if (!session) return false;
      const next = { ...session, verifiedAt: Date.now() };
      session = next;
      token = null;
      await mint(next);
      publish({ type: "signed-in", session: next });
      emit(null);
      return true;
    },
    async extend(minutes: number): Promise<void> {
      if (!session) return;
      session = { ...session, expiresAt: Date.now() + minutes * 60_000 };
      token = null;
      publish({ type: "signed-in", session });
      emit(null);
    },
    signOut(reason: string | null = null): void {
      if (!session) return;
      adopt(null, reason);
      publish({ type: "signed-out", reason: reason === ENDED ? ENDED : null });
    },
  };
}

export const devSession = createDevSession();
