import { useEffect, useId, useMemo, useState } from "react";
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { useBalanceHistory, useBalances } from "../hooks.js";
import { ErrorNote } from "./ErrorNote.js";
import { useBalanceSources } from "./useBalanceSources.js";
import { Section } from "./Section.js";

/** The ranges the picker offers. */
const RANGES = [
  { id: "24h", label: "24 hours", ms: 86_400_000 },
  { id: "7d", label: "7 days", ms: 7 * 86_400_000 },
  { id: "30d", label: "30 days", ms: 30 * 86_400_000 },
  { id: "90d", label: "90 days", ms: 90 * 86_400_000 },
] as const;
type RangeId = (typeof RANGES)[number]["id"];

const compactUsd = (v: number) => `$${v.toLocaleString("en-US", { notation: "compact", maximumFractionDigits: 1 })}`;
const usd = (v: number) => `$${v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const shortDate = (t: number, spanMs: number) =>
  new Date(t).toLocaleString(undefined, spanMs <= 2 * 86_400_000 ? { hour: "2-digit", minute: "2-digit" } : { month: "short", day: "numeric" });

/**
 * The axes fit the points, not the whole range: a source added an hour ago would otherwise be
 * one dot at the right edge of a 30-day axis, on a scale from $0 that flattens every change.
 */
function domains(points: { t: number; v: number }[]) {
  const ts = points.map((p) => p.t);
  const vs = points.map((p) => p.v);
  const [t0, t1] = [Math.min(...ts), Math.max(...ts)];
  const tPad = Math.max((t1 - t0) * 0.05, 5 * 60_000);
  const [v0, v1] = [Math.min(...vs), Math.max(...vs)];
  const vPad = Math.max((v1 - v0) * 0.1, Math.abs(v1) * 0.02, 1);
  return { x: [t0 - tPad, t1 + tPad] as [number, number], y: [Math.max(0, v0 - vPad), v1 + vPad] as [number, number], span: t1 - t0 + 2 * tPad };
}

/**
 * USD value of one source (a credential or a wallet) over time: a recharts line with a range
 * picker, a text summary for screen readers and the same points as a table on demand.
 * The chart is keyboard-navigable (arrow keys move the tooltip).
 */
export function BalanceHistoryChart() {
  const { credentials, wallets, sources, source, choose: setChosen } = useBalanceSources();
  const [range, setRange] = useState<RangeId>("7d");
  const rangeMs = RANGES.find((r) => r.id === range)!.ms;
  // The start of the range moves in whole minutes so the query key stays stable between renders.
  const from = useMemo(() => new Date(Math.floor((Date.now() - rangeMs) / 60_000) * 60_000).toISOString(), [rangeMs]);
  const history = useBalanceHistory(source, undefined, from);
  // Every balance read stores a snapshot: when balances arrive, the history has a new point.
  const balancesAt = useBalances().dataUpdatedAt;
  const { refetch } = history;
  useEffect(() => {
    // A failed refetch lands in the query's error state, which the chart shows.
    if (balancesAt > 0 && source !== null) void refetch().catch(() => undefined);
  }, [balancesAt, source, refetch]);
  const ids = { source: useId(), caption: useId() };
  // One point per snapshot time: the USD value of every asset of the source then. Floats are
  // fine here: they only place a line; amounts shown elsewhere stay decimal strings.
  const points = useMemo(() => {
    const byTime = new Map<string, number>();
    for (const s of history.data?.items ?? []) byTime.set(s.takenAt, (byTime.get(s.takenAt) ?? 0) + Number(s.usdValue ?? 0));
    return [...byTime.entries()].map(([t, v]) => ({ t: new Date(t).getTime(), v })).sort((a, b) => a.t - b.t);
  }, [history.data]);
  const latest = points.at(-1);
  const axes = points.length > 0 ? domains(points) : null;
  const values = points.map((p) => p.v);
  const loadingSources = credentials.isPending || wallets.isPending;

  return (
    <Section title="Balance history">
      <div className="wa-row">
        <label htmlFor={ids.source}>Source</label>
        <select id={ids.source} value={source ?? ""} onChange={(e) => setChosen(e.target.value)} disabled={sources.length === 0}>
          {sources.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
        <fieldset className="wa-segmented">
          <legend>Range</legend>
          {RANGES.map((r) => (
            <label key={r.id} data-state={r.id === range ? "on" : "off"}>
              <input type="radio" name={`${ids.source}-range`} value={r.id} checked={r.id === range} onChange={() => setRange(r.id)} />
              {r.label}
            </label>
          ))}
        </fieldset>
      </div>
      {credentials.error || wallets.error || history.error ? (
        <ErrorNote error={credentials.error ?? wallets.error ?? history.error} />
      ) : loadingSources || (source !== null && history.isPending) ? (
        <p aria-busy="true">Loading the history…</p>
      ) : source === null ? (
        <p className="wa-muted">Add a credential or link a wallet to see its history.</p>
      ) : points.length === 0 || latest === undefined ? (
        <p className="wa-muted">No snapshots in the last {RANGES.find((r) => r.id === range)!.label} yet. Balances are recorded each time they are read.</p>
      ) : (
        <figure className="wa-chart" data-testid="history-chart" aria-labelledby={ids.caption}>
          <figcaption id={ids.caption}>
            USD value over the last {RANGES.find((r) => r.id === range)!.label}: {points.length} {points.length === 1 ? "snapshot" : "snapshots"}, latest {usd(latest.v)}
            {points.length > 1 ? `, lowest ${usd(Math.min(...values))}, highest ${usd(Math.max(...values))}` : ""}.
          </figcaption>
          <LineChart data={points} responsive style={{ width: "100%", height: 220 }} margin={{ top: 10, right: 16, bottom: 0, left: 8 }} accessibilityLayer>
            <CartesianGrid stroke="var(--wa-border)" strokeDasharray="3 3" />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={axes!.x}
              tickCount={6}
              tickFormatter={(t: number) => shortDate(t, axes!.span)}
              tick={{ fill: "var(--wa-muted)", fontSize: 12 }}
              stroke="var(--wa-border)"
            />
            <YAxis dataKey="v" width={64} domain={axes!.y} tickFormatter={(v: number) => compactUsd(v)} tick={{ fill: "var(--wa-muted)", fontSize: 12 }} stroke="var(--wa-border)" />
            <Tooltip
              labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
              formatter={(v) => [usd(Number(v)), "USD value"]}
              contentStyle={{ background: "var(--wa-card)", border: "1px solid var(--wa-border)", color: "var(--wa-fg)" }}
            />
            <Line type="monotone" dataKey="v" name="USD value" stroke="var(--wa-accent)" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
          </LineChart>
          <details>
            <summary>Show as a table</summary>
            <table className="wa-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">USD value</th>
                </tr>
              </thead>
              <tbody>
                {points.map((p) => (
                  <tr key={p.t}>
                    <td>{new Date(p.t).toLocaleString()}</td>
                    <td>{usd(p.v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </figure>
      )}
    </Section>
  );
}
