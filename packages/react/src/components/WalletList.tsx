import { type ReactNode, useState } from "react";
import { type Eip1193Request, useLinkWallet, useSetPrimaryWallet, useUnlinkWallet, useWallets } from "../hooks.js";
import { useWalletAuth } from "../WalletAuthProvider.js";
import { ErrorNote } from "./ErrorNote.js";
import { Section, SessionNotice } from "./Section.js";

/** Connects a wallet through an EIP-1193 provider (an injected wallet) and links it by Sign-In with Ethereum. */
export function ConnectWallet({ request, providerName }: { request: Eip1193Request | null; providerName?: string }) {
  const link = useLinkWallet();
  const { signedOut } = useWalletAuth();
  if (signedOut) return <SessionNotice />;
  return (
    <div className="wa-row">
      <SessionNotice />
      <button type="button" disabled={!request || link.isPending} onClick={() => request && link.mutate({ request })}>
        {link.isPending ? "Waiting for the signature…" : `Connect ${providerName ?? "wallet"}`}
      </button>
      <div aria-live="polite">
        {link.data && <p className="wa-note">Linked {link.data.address}</p>}
        <ErrorNote error={link.error} />
      </div>
    </div>
  );
}

/**
 * Linked wallets: primary marker, set primary, unlink with confirmation. `children` (e.g. a
 * {@link ConnectWallet}) render above the list.
 */
export function WalletList({ children }: { children?: ReactNode } = {}) {
  const wallets = useWallets();
  const unlink = useUnlinkWallet();
  const primary = useSetPrimaryWallet();
  const [confirm, setConfirm] = useState<string | null>(null);
  return (
    <Section title="Wallets">
      {children}
      {wallets.isPending ? (
        <p aria-busy="true">Loading wallets…</p>
      ) : wallets.error ? (
        <ErrorNote error={wallets.error} />
      ) : wallets.data.length === 0 ? (
        <p className="wa-muted">No wallets linked yet.</p>
      ) : (
        <ul className="wa-list">
          {wallets.data.map((w) => (
            <li key={w.id} className="wa-card" data-testid="wallet" aria-label={`${w.label ?? "Wallet"} ${w.address}`}>
              <code>{w.address}</code> <span className="wa-muted">{w.chainId}</span> {w.label && <span>{w.label}</span>}{" "}
              {w.isPrimary && <span className="wa-badge wa-badge-ok">primary</span>}
              <div className="wa-actions">
                {!w.isPrimary && (
                  <button type="button" onClick={() => primary.mutate(w.id)}>
                    Make primary
                  </button>
                )}
                {confirm === w.id ? (
                  <span role="group" aria-label="Confirm unlinking">
                    <button type="button" className="wa-danger" onClick={() => unlink.mutate(w.id, { onSettled: () => setConfirm(null) })}>
                      Unlink for good
                    </button>
                    <button type="button" onClick={() => setConfirm(null)}>
                      Keep
                    </button>
                  </span>
                ) : (
                  <button type="button" className="wa-danger" onClick={() => setConfirm(w.id)}>
                    Unlink
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      <div aria-live="polite">
        <ErrorNote error={unlink.error ?? primary.error} />
      </div>
    </Section>
  );
}
