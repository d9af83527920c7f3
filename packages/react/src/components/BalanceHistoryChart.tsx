import { useEffect, useId, useMemo, useState } from "react";
import { useBalanceHistory, useBalances, useCredentials } from "../hooks.js";
import { ErrorNote } from "./ErrorNote.js";
import { Section } from "./Section.js";

const RANGES = { "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;

/** USD value of one credential's balances over time, as an accessible SVG line with a range picker. */
export function BalanceHistoryChart() {
  const credentials = useCredentials();
  const [range, setRange] = useState<keyof typeof RANGES>("7d");
  const first = credentials.data?.[0];
  const [chosen, setChosen] = useState<string | null>(null);
  const source = chosen ?? (first ? `exchange:${first.id}` : null);
  // The start of the range moves in whole minutes so the query key stays stable between renders.
  const from = useMemo(() => new Date(Math.floor((Date.now() - RANGES[range]) / 60_000) * 60_000).toISOString(), [range]);
  const history = useBalanceHistory(source, undefined, from);
  // Every balance read stores a snapshot: when balances arrive, the history has a new point.
  const balancesAt = useBalances().dataUpdatedAt;
  const { refetch } = history;
  useEffect(() => {
    if (balancesAt > 0 && source !== null) void refetch();
  }, [balancesAt, source, refetch]);
  const ids = { source: useId(), range: useId() };
  const points = useMemo(() => {
    const byTime = new Map<string, number>();
    for (const s of history.data?.items ?? []) byTime.set(s.takenAt, (byTime.get(s.takenAt) ?? 0) + Number(s.usdValue ?? 0));
    return [...byTime.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, v]) => ({ t: new Date(t).getTime(), v }));
  }, [history.data]);
  const w = 560;
  const h = 160;
  const [minT, maxT] = [points[0]?.t ?? 0, points.at(-1)?.t ?? 1];
  const maxV = Math.max(1, ...points.map((p) => p.v));
  const path = points.map((p, i) => `${i ? "L" : "M"}${(((p.t - minT) / Math.max(1, maxT - minT)) * (w - 20) + 10).toFixed(1)},${(h - 10 - (p.v / maxV) * (h - 20)).toFixed(1)}`).join(" ");
  return (
    <Section title="Balance history">
      <div className="wa-row">
        <label htmlFor={ids.source}>Source</label>
        <select id={ids.source} value={source ?? ""} onChange={(e) => setChosen(e.target.value)}>
          {(credentials.data ?? []).map((c) => (
            <option key={c.id} value={`exchange:${c.id}`}>
              {c.label}
            </option>
          ))}
        </select>
        <label htmlFor={ids.range}>Range</label>
        <select id={ids.range} value={range} onChange={(e) => setRange(e.target.value as keyof typeof RANGES)}>
          {Object.keys(RANGES).map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </div>
      {history.error ? (
        <ErrorNote error={history.error} />
      ) : points.length === 0 ? (
        <p className="wa-muted">{source ? "No snapshots in this range yet." : "Add a credential to see its history."}</p>
      ) : (
        <svg role="img" aria-label={`USD value, ${points.length} snapshots, latest $${points.at(-1)!.v.toFixed(2)}`} width={w} height={h} className="wa-chart" data-testid="history-chart">
          <path d={path} fill="none" stroke="var(--wa-accent)" strokeWidth="2" />
          {points.map((p) => (
            <circle key={p.t} cx={((p.t - minT) / Math.max(1, maxT - minT)) * (w - 20) + 10} cy={h - 10 - (p.v / maxV) * (h - 20)} r="3" fill="var(--wa-accent)" />
          ))}
        </svg>
      )}
    </Section>
  );
}
