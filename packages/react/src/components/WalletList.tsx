import { type ReactNode, useEffect, useState } from "react";
import { shortAddress } from "../format.js";
import { type Eip1193Request, useLinkWallet, useSetPrimaryWallet, useUnlinkWallet, useWallets } from "../hooks.js";
import { useWalletAuth } from "../WalletAuthProvider.js";
import { ConfirmDialog } from "./ConfirmDialog.js";
import { ErrorNote } from "./ErrorNote.js";
import { Section, SessionNotice } from "./Section.js";

/** A wallet announced by EIP-6963. */
export interface AnnouncedWallet {
  info: { uuid: string; name: string; rdns: string; icon?: string };
  provider: { request: Eip1193Request };
}

/**
 * Every EIP-6963 wallet in the page: listens before it asks, dedupes by `uuid`, unsubscribes on
 * unmount, and does nothing without `window`.
 */
export function useEip6963Wallets(): AnnouncedWallet[] {
  const [found, setFound] = useState<AnnouncedWallet[]>([]);
  useEffect(() => {
    if (typeof window === "undefined") return;
    const seen = new Map<string, AnnouncedWallet>();
    const listener = (event: Event) => {
      const detail = (event as CustomEvent<AnnouncedWallet>).detail;
      if (!detail?.info?.uuid || typeof detail.provider?.request !== "function" || seen.has(detail.info.uuid)) return;
      seen.set(detail.info.uuid, detail);
      setFound([...seen.values()]);
    };
    window.addEventListener("eip6963:announceProvider", listener);
    window.dispatchEvent(new Event("eip6963:requestProvider"));
    return () => window.removeEventListener("eip6963:announceProvider", listener);
  }, []);
  return found;
}

/** Chains the server reads balances on, by CAIP-2 id, with a name a person knows. */
export const defaultChains: Record<string, string> = { "eip155:1": "Ethereum", "eip155:8453": "Base", "eip155:42161": "Arbitrum One", "eip155:10": "OP Mainnet", "eip155:137": "Polygon" };

/** An icon from the announcement: only an inline image (data URI), never a remote one. */
function WalletIcon({ icon }: { icon: string | undefined }) {
  if (!icon || !/^data:image\/(svg\+xml|png|webp|jpeg|gif)[;,]/.test(icon)) return <span className="wa-wallet-icon" aria-hidden="true" style={{ background: "var(--wa-surface-2)" }} />;
  return <img className="wa-wallet-icon" src={icon} alt="" width={24} height={24} />;
}

/** Copies `value`; the button says when it did. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button type="button" className="wa-button-secondary" aria-label={`Copy ${label}`} onClick={() => void (navigator.clipboard === undefined ? Promise.resolve() : navigator.clipboard.writeText(value)).then(() => setCopied(navigator.clipboard !== undefined), () => setCopied(false))}>
      {copied ? "Copied" : "Copy"}
    </button>
  );
}

/**
 * Connects a wallet through an EIP-1193 provider and links it by Sign-In with Ethereum on the
 * chain the wallet is on; a chain the server does not read can be switched from here.
 */
export function ConnectWallet({ request, providerName, icon, chains = defaultChains }: { request: Eip1193Request | null; providerName?: string; icon?: string; chains?: Record<string, string> }) {
  const link = useLinkWallet();
  const { signedOut } = useWalletAuth();
  const [chainId, setChainId] = useState<string | null>(null);
  const [chainError, setChainError] = useState<unknown>(null);
  useEffect(() => {
    if (!request) return;
    let live = true;
    request({ method: "eth_chainId" }).then(
      (hex) => live && typeof hex === "string" && setChainId(`eip155:${Number.parseInt(hex, 16)}`),
      () => live && setChainId(null),
    );
    return () => {
      live = false;
    };
  }, [request]);
  if (signedOut) return <SessionNotice />;
  const supported = chainId === null || chainId in chains;
  async function switchTo(target: string) {
    if (!request) return;
    setChainError(null);
    try {
      await request({ method: "wallet_switchEthereumChain", params: [{ chainId: `0x${Number(target.split(":")[1]).toString(16)}` }] });
      setChainId(target);
    } catch (error) {
      setChainError(error);
    }
  }
  return (
    <div className="wa-card" data-testid="wallet-option">
      <div className="wa-row">
        <WalletIcon icon={icon} />
        <strong>{providerName ?? "Browser wallet"}</strong>
        <span className={supported ? "wa-muted" : "wa-warn"}>{chainId ? `on ${chains[chainId] ?? `chain ${chainId.split(":")[1]} (not supported)`}` : ""}</span>
      </div>
      <div className="wa-actions">
        <button
          type="button"
          disabled={!request || link.isPending || !supported}
          onClick={() => request && link.mutate({ request, ...(chainId ? { chainId } : {}) })}
        >
          {link.isPending ? "Waiting for the signature…" : `Connect ${providerName ?? "wallet"}`}
        </button>
        <label className="wa-row">
          <span>Chain</span>
          <select value={chainId && chainId in chains ? chainId : ""} onChange={(e) => void switchTo(e.target.value).catch(() => undefined) /* switchTo shows its own failure */} disabled={!request}>
            <option value="" disabled>
              choose…
            </option>
            {Object.entries(chains).map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div aria-live="polite">
        {!supported && <ErrorNote error={{ code: "WALLET_WRONG_CHAIN" }} />}
        {link.data && <p className="wa-note">Linked {shortAddress(link.data.address)}.</p>}
        <ErrorNote error={link.error ?? chainError} />
      </div>
    </div>
  );
}

/** Every wallet the browser announces (EIP-6963), each with its icon, name, chain and a connect button. */
export function WalletPicker({ chains, fallback }: { chains?: Record<string, string>; fallback?: ReactNode }) {
  const wallets = useEip6963Wallets();
  if (wallets.length === 0) return <>{fallback ?? <p className="wa-muted">No browser wallet found. Install one, or open this page in a wallet's browser.</p>}</>;
  return (
    <ul className="wa-list" aria-label="Browser wallets">
      {wallets.map((w) => (
        <li key={w.info.uuid}>
          <ConnectWallet request={w.provider.request.bind(w.provider)} providerName={w.info.name} {...(w.info.icon ? { icon: w.info.icon } : {})} {...(chains ? { chains } : {})} />
        </li>
      ))}
    </ul>
  );
}

/**
 * Linked wallets: shortened address with copy, chain, primary marker, set primary, unlink behind
 * a confirmation. `children` (e.g. a {@link WalletPicker}) render above the list.
 */
export function WalletList({ children, chains = defaultChains }: { children?: ReactNode; chains?: Record<string, string> } = {}) {
  const wallets = useWallets();
  const unlink = useUnlinkWallet();
  const primary = useSetPrimaryWallet();
  return (
    <Section title="Wallets">
      {children}
      <h3 style={{ marginTop: "1rem" }}>Linked wallets</h3>
      {wallets.isPending ? (
        <p aria-busy="true">Loading wallets…</p>
      ) : wallets.error ? (
        <ErrorNote error={wallets.error} />
      ) : wallets.data.length === 0 ? (
        <p className="wa-muted">No wallets linked yet.</p>
      ) : (
        <ul className="wa-list">
          {wallets.data.map((w) => (
            <li key={w.id} className="wa-card" data-testid="wallet" data-address={w.address} aria-label={`${w.label ?? "Wallet"} ${shortAddress(w.address)}`}>
              <div className="wa-row">
                <code className="wa-address" title={w.address}>
                  {shortAddress(w.address)}
                </code>
                <CopyButton value={w.address} label={`address ${shortAddress(w.address)}`} />
                <span className="wa-muted">{chains[w.chainId] ?? w.chainId}</span> {w.label && <span>{w.label}</span>}
                {w.isPrimary && <span className="wa-badge wa-badge-ok">primary</span>}
              </div>
              <div className="wa-actions">
                {!w.isPrimary && (
                  <button type="button" className="wa-button-secondary" onClick={() => primary.mutate(w.id)}>
                    Make primary
                  </button>
                )}
                <ConfirmDialog
                  title={`Unlink ${shortAddress(w.address)}?`}
                  consequence={<p>Its balances leave your portfolio and it can no longer sign you in here. The wallet and its funds are not touched; you can link it again later.</p>}
                  confirmLabel="Unlink for good"
                  onConfirm={() => unlink.mutate(w.id)}
                >
                  <button type="button" className="wa-danger">
                    Unlink
                  </button>
                </ConfirmDialog>
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
