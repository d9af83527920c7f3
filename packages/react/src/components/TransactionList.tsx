import { useId } from "react";
import { useTransactions } from "../hooks.js";
import { ErrorNote } from "./ErrorNote.js";
import { useBalanceSources } from "./useBalanceSources.js";
import { Section } from "./Section.js";

/** Trades, deposits, withdrawals and transfers of one source (a credential or a wallet), newest first, with paging. */
export function TransactionList() {
  const { credentials, wallets, sources, source, choose: setChosen } = useBalanceSources();
  const txs = useTransactions(source);
  const sourceId = useId();
  const rows = txs.data?.pages.flatMap((p) => p.items) ?? [];
  const error = credentials.error ?? wallets.error ?? txs.error;
  return (
    <Section title="Transactions">
      <div className="wa-row">
        <label htmlFor={sourceId}>Source</label>
        <select id={sourceId} value={source ?? ""} onChange={(e) => setChosen(e.target.value)} disabled={sources.length === 0}>
          {sources.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      {error ? (
        <ErrorNote error={error} />
      ) : credentials.isPending || wallets.isPending || (source !== null && txs.isPending) ? (
        <p aria-busy="true">Loading transactions…</p>
      ) : source === null ? (
        <p className="wa-muted">Add a credential or link a wallet to see its transactions.</p>
      ) : rows.length === 0 ? (
        <p className="wa-muted">No transactions for this source yet.</p>
      ) : (
        <table className="wa-table" data-testid="transactions-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Type</th>
              <th scope="col">Asset</th>
              <th scope="col" className="wa-amount">
                Amount
              </th>
              <th scope="col" className="wa-amount">
                Fee
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.id}>
                <td>{new Date(t.occurredAt).toLocaleString()}</td>
                <td>{t.type}</td>
                <td>{t.asset}</td>
                <td className="wa-amount">{t.amount}</td>
                <td className="wa-amount">{t.fee ? `${t.fee} ${t.feeAsset ?? ""}`.trim() : "–"}</td>
                <td>{t.status ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {txs.hasNextPage && (
        <button type="button" onClick={() => void txs.fetchNextPage().catch(() => undefined) /* a failure lands in the query's error state */} disabled={txs.isFetchingNextPage}>
          {txs.isFetchingNextPage ? "Loading…" : "Older transactions"}
        </button>
      )}
    </Section>
  );
}
