import { useQueries, useQueryClient } from "@tanstack/react-query";
import type { BalancesDto, CredentialDto, SnapshotDto, WalletDto } from "@wallet-auth/core/client";
import { useEffect, useState } from "react";
import { WalletAuthApiError, explainError } from "../apiError.js";
import { relativeTime, shortAddress } from "../format.js";
import { formatUsd } from "../formatUsd.js";
import { useBalances, useCall, useCredentials, useWallets } from "../hooks.js";
import { walletAuthKeys } from "../queryKeys.js";
import { useWalletAuth } from "../WalletAuthProvider.js";
import { ErrorNote } from "./ErrorNote.js";
import { Section } from "./Section.js";

/** One row per source the person owns, whether or not it could be read. */
interface SourceRow {
  id: string;
  name: string;
  live: BalancesDto | null;
  /** Why it has no live balance: an API error code, or the credential's own status. */
  problem: { code: string; text: string; fix: string } | null;
}

const statusProblem: Record<string, { text: string; fix: string }> = {
  invalid: { text: "The exchange no longer accepts this key.", fix: "Replace the key in Exchange credentials." },
  expired: { text: "This key has expired.", fix: "Create a new key on the exchange and use Replace key." },
  disabled: { text: "You disabled this key.", fix: "Enable it in Exchange credentials to include it." },
};

function rowsOf(credentials: CredentialDto[], wallets: WalletDto[], sources: NonNullable<ReturnType<typeof useBalances>["data"]>["sources"]): SourceRow[] {
  const find = (type: string, id: string) => sources.find((s) => (s.source.type === "exchange" ? s.source.credentialId : s.source.walletId) === id && s.source.type === type);
  const rowFor = (type: "exchange" | "wallet", id: string, name: string, status?: string): SourceRow => {
    const found = find(type, id);
    if (found && !("error" in found)) return { id: `${type}:${id}`, name, live: found, problem: null };
    if (found && "error" in found) {
      const help = explainError(new WalletAuthApiError({ code: found.error.code as never, message: found.error.message, requestId: "" }));
      return { id: `${type}:${id}`, name, live: null, problem: { code: found.error.code, text: help?.title ?? found.error.message, fix: help?.fix ?? "" } };
    }
    const s = statusProblem[status ?? ""] ?? { text: "Not read yet.", fix: "Refresh this source." };
    return { id: `${type}:${id}`, name, live: null, problem: { code: status ?? "unknown", ...s } };
  };
  return [
    ...credentials.map((c) => rowFor("exchange", c.id, c.label, c.status)),
    ...wallets.map((w) => rowFor("wallet", w.id, w.label ?? `Wallet ${shortAddress(w.address)}`)),
  ];
}

/** The newest snapshot set of a source: its last known value and when it was taken. */
function lastKnown(items: SnapshotDto[] | undefined): { usd: string | null; at: string } | null {
  if (!items || items.length === 0) return null;
  const at = items.reduce((a, b) => (a.takenAt > b.takenAt ? a : b)).takenAt;
  const latest = items.filter((s) => s.takenAt === at);
  const cents = latest.reduce((sum, s) => (s.usdValue === null ? sum : sum + Math.round(Number(s.usdValue) * 100)), 0);
  return { usd: latest.some((s) => s.usdValue !== null) ? (cents / 100).toFixed(2) : null, at };
}

/** Seconds left of a cooldown ending at `until`, ticking once a second. */
function useCountdown(until: number | null): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (until === null) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

/**
 * The portfolio: every source the person owns keeps its row. A source that could not be read
 * shows why, its last known value with its time, and what to do; the total says what it leaves
 * out. Each source refreshes on its own (one unreadable chain never fails the others), with
 * progress, and a refused refresh shows the API's cooldown (Retry-After) as a countdown.
 */
export function BalanceTable() {
  const balances = useBalances();
  const credentials = useCredentials();
  const wallets = useWallets();
  const { client } = useWalletAuth();
  const call = useCall();
  const queryClient = useQueryClient();
  const [refreshing, setRefreshing] = useState<{ done: number; total: number } | null>(null);
  const [cooldownUntil, setCooldownUntil] = useState<Record<string, number>>({});
  const [failures, setFailures] = useState<Record<string, unknown>>({});
  const rows = balances.data && credentials.data && wallets.data ? rowsOf(credentials.data, wallets.data, balances.data.sources) : [];
  const missing = rows.filter((r) => r.problem);
  const history = useQueries({
    queries: missing.map((r) => ({
      queryKey: [...walletAuthKeys.history(r.id, undefined), "last-known"],
      queryFn: () => call(() => client.balanceHistory({ source: r.id, limit: 50 })),
      staleTime: 300_000,
    })),
  });
  const lastKnownOf = (id: string) => lastKnown(history[missing.findIndex((r) => r.id === id)]?.data?.items);
  const globalCooldown = useCountdown(cooldownUntil["*"] ?? null);

  async function refreshSources(ids: string[]) {
    setRefreshing({ done: 0, total: ids.length });
    await Promise.all(
      ids.map(async (id) => {
        try {
          await call(() => client.refreshBalances(id));
          setFailures((f) => ({ ...f, [id]: null }));
        } catch (error) {
          setFailures((f) => ({ ...f, [id]: error }));
          const wait = error instanceof WalletAuthApiError ? error.apiError.retryAfterSeconds : undefined;
          if (wait) setCooldownUntil((c) => ({ ...c, [id]: Date.now() + wait * 1000, ...(ids.length > 1 ? { "*": Date.now() + wait * 1000 } : {}) }));
        } finally {
          setRefreshing((r) => (r ? { ...r, done: r.done + 1 } : r));
        }
      }),
    );
    await queryClient.invalidateQueries({ queryKey: walletAuthKeys.balances() });
    setRefreshing(null);
  }

  const excluded = rows.filter((r) => !r.live);
  return (
    <Section title="Balances">
      <div className="wa-row">
        <button type="button" onClick={() => void refreshSources(rows.map((r) => r.id)).catch(() => undefined) /* failures are shown per row */} disabled={refreshing !== null || globalCooldown > 0 || rows.length === 0}>
          {refreshing ? `Refreshing ${refreshing.done} of ${refreshing.total}…` : globalCooldown > 0 ? `Refresh again in ${globalCooldown} s` : "Refresh all"}
        </button>
        {refreshing && (
          <div className="wa-progress" style={{ flex: "1 1 8rem" }} role="progressbar" aria-label="Refresh progress" aria-valuemin={0} aria-valuemax={refreshing.total} aria-valuenow={refreshing.done}>
            <span style={{ width: `${(100 * refreshing.done) / Math.max(1, refreshing.total)}%` }} />
          </div>
        )}
      </div>
      {balances.isPending || credentials.isPending || wallets.isPending ? (
        <p aria-busy="true">Loading balances…</p>
      ) : balances.error ? (
        <ErrorNote error={balances.error} />
      ) : rows.length === 0 ? (
        <p className="wa-muted">No sources yet: add a credential or link a wallet.</p>
      ) : (
        <>
          <p>
            Total: <strong data-testid="total-usd">{formatUsd(balances.data.totalUsd)}</strong>
            {excluded.length > 0 && (
              <span className="wa-warn" data-testid="total-excludes">
                {" "}
                — leaves out {excluded.map((r) => r.name).join(", ")} (not readable now)
              </span>
            )}
          </p>
          <table className="wa-table" data-testid="balances-table">
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Asset</th>
                <th scope="col" className="wa-amount">
                  Free
                </th>
                <th scope="col" className="wa-amount">
                  Locked
                </th>
                <th scope="col" className="wa-amount">
                  USD
                </th>
                <th scope="col">As of</th>
              </tr>
            </thead>
            <tbody>
              {rows.flatMap((r) => {
                if (r.problem) {
                  const known = lastKnownOf(r.id);
                  return [
                    <tr key={r.id} data-testid="source-problem" data-state={r.problem.code}>
                      <td data-label="Source">{r.name}</td>
                      <td data-label="Status" colSpan={3}>
                        <span>
                          <span className="wa-badge wa-badge-bad">{r.problem.code === "disabled" ? "disabled" : "not readable"}</span> {r.problem.text} {r.problem.fix}
                        </span>
                      </td>
                      <td data-label="Last known" className="wa-amount">
                        {known ? formatUsd(known.usd) : "—"}
                      </td>
                      <td data-label="As of">{known ? relativeTime(known.at) : "never read"}</td>
                    </tr>,
                  ];
                }
                return r.live!.balances.map((b, i) => (
                  <tr key={`${r.id}:${b.asset}`}>
                    <td data-label="Source">{i === 0 ? r.name : <span className="wa-repeat">{r.name}</span>}</td>
                    <td data-label="Asset">{b.asset}</td>
                    <td data-label="Free" className="wa-amount">
                      {b.free}
                    </td>
                    <td data-label="Locked" className="wa-amount">
                      {b.locked}
                    </td>
                    <td data-label="USD" className="wa-amount">
                      {formatUsd(b.usdValue)}
                    </td>
                    <td data-label="As of">{relativeTime(r.live!.asOf)}</td>
                  </tr>
                ));
              })}
            </tbody>
          </table>
          <ul className="wa-list" aria-label="Refresh one source">
            {rows.map((r) => (
              <SourceRefresh key={r.id} row={r} busy={refreshing !== null} until={cooldownUntil[r.id] ?? null} failure={failures[r.id]} onRefresh={() => void refreshSources([r.id]).catch(() => undefined)} />
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}

function SourceRefresh({ row, busy, until, failure, onRefresh }: { row: SourceRow; busy: boolean; until: number | null; failure: unknown; onRefresh: () => void }) {
  const left = useCountdown(until);
  return (
    <li className="wa-row">
      <button type="button" className="wa-button-secondary" onClick={onRefresh} disabled={busy || left > 0} aria-label={`Refresh ${row.name}`}>
        {left > 0 ? `Wait ${left} s` : "Refresh"}
      </button>
      <span>{row.name}</span>
      {failure ? <ErrorNote error={failure} /> : null}
    </li>
  );
}
