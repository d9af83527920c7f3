import { useBalances, useCredentials, useRefreshBalances, useWallets } from "../hooks.js";
import { formatUsd } from "../formatUsd.js";
import { ErrorNote } from "./ErrorNote.js";
import { Section } from "./Section.js";

const ago = (iso: string) => {
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  return s < 10 ? "just now" : s < 60 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
};

/** Balances per source with USD values and a total; the refresh button honours the API's rate limit (429 shows as a message). */
export function BalanceTable() {
  const balances = useBalances();
  const credentials = useCredentials();
  const wallets = useWallets();
  const refresh = useRefreshBalances();
  const nameOf = (source: { type: string; credentialId?: string; walletId?: string }) =>
    source.type === "exchange"
      ? (credentials.data?.find((c) => c.id === source.credentialId)?.label ?? "exchange")
      : (() => {
          const w = wallets.data?.find((x) => x.id === source.walletId);
          return w ? (w.label ?? `Wallet ${w.address.slice(0, 6)}…${w.address.slice(-4)}`) : "Wallet";
        })();
  return (
    <Section title="Balances">
      <button type="button" onClick={() => refresh.mutate(undefined)} disabled={refresh.isPending}>
        {refresh.isPending ? "Refreshing…" : "Refresh now"}
      </button>
      <div aria-live="polite">
        <ErrorNote error={refresh.error} />
      </div>
      {balances.isPending ? (
        <p aria-busy="true">Loading balances…</p>
      ) : balances.error ? (
        <ErrorNote error={balances.error} />
      ) : balances.data.sources.length === 0 ? (
        <p className="wa-muted">No sources yet: add a credential or link a wallet.</p>
      ) : (
        <table className="wa-table">
          <caption>
            Total: <strong data-testid="total-usd">{formatUsd(balances.data.totalUsd)}</strong>
          </caption>
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Asset</th>
              <th scope="col" className="wa-amount">Free</th>
              <th scope="col" className="wa-amount">Locked</th>
              <th scope="col" className="wa-amount">Total</th>
              <th scope="col" className="wa-amount">USD</th>
              <th scope="col">As of</th>
            </tr>
          </thead>
          <tbody>
            {balances.data.sources.flatMap((s) =>
              "error" in s
                ? [
                    <tr key={JSON.stringify(s.source)}>
                      <td>{nameOf(s.source)}</td>
                      <td colSpan={6}>{s.error.message}</td>
                    </tr>,
                  ]
                : s.balances.map((b) => (
                    <tr key={`${JSON.stringify(s.source)}:${b.asset}`}>
                      <td>{nameOf(s.source)}</td>
                      <td>{b.asset}</td>
                      <td className="wa-amount">{b.free}</td>
                      <td className="wa-amount">{b.locked}</td>
                      <td className="wa-amount">{b.total}</td>
                      <td className="wa-amount">{formatUsd(b.usdValue)}</td>
                      <td>{ago(s.asOf)}</td>
                    </tr>
                  )),
            )}
          </tbody>
        </table>
      )}
    </Section>
  );
}
