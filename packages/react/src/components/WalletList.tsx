import { useState } from "react";
import { type Eip1193Request, useLinkWallet, useSetPrimaryWallet, useUnlinkWallet, useWallets } from "../hooks.js";
import { ErrorNote } from "./ErrorNote.js";

/** Connects a wallet through an EIP-1193 provider (an injected wallet) and links it by Sign-In with Ethereum. */
export function ConnectWallet({ request, providerName }: { request: Eip1193Request | null; providerName?: string }) {
  const link = useLinkWallet();
  return (
    <div className="wa-row">
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

/** Linked wallets: primary marker, set primary, unlink with confirmation. */
export function WalletList() {
  const wallets = useWallets();
  const unlink = useUnlinkWallet();
  const primary = useSetPrimaryWallet();
  const [confirm, setConfirm] = useState<string | null>(null);
  if (wallets.isPending) return <p aria-busy="true">Loading wallets…</p>;
  if (wallets.error) return <ErrorNote error={wallets.error} />;
  if (wallets.data.length === 0) return <p className="wa-muted">No wallets linked yet.</p>;
  return (
    <ul className="wa-list">
      {wallets.data.map((w) => (
        <li key={w.id} className="wa-card" data-testid="wallet">
          <code>{w.address}</code> <span className="wa-muted">{w.chainId}</span> {w.isPrimary && <span className="wa-badge wa-badge-ok">primary</span>}
          <div className="wa-actions">
            {!w.isPrimary && (
              <button type="button" onClick={() => primary.mutate(w.id)}>
                Make primary
              </button>
            )}
            {confirm === w.id ? (
              <>
                <button type="button" className="wa-danger" onClick={() => unlink.mutate(w.id)}>
                  Unlink for good
                </button>
                <button type="button" onClick={() => setConfirm(null)}>
                  Keep
                </button>
              </>
            ) : (
              <button type="button" className="wa-danger" onClick={() => setConfirm(w.id)}>
                Unlink
              </button>
            )}
          </div>
        </li>
      ))}
      <ErrorNote error={unlink.error ?? primary.error} />
    </ul>
  );
}
