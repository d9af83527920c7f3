import { useEffect, useId, useRef, useState } from "react";
import { type AuditFilters, useAuditExport, useAuditLog } from "../hooks.js";
import { ErrorNote } from "./ErrorNote.js";
import { Section } from "./Section.js";

/** Audit actions with the words a person uses for them, for the event-type picker and the table. */
export const auditActionNames: Record<string, string> = {
  "auth.success": "Signed in",
  "auth.failure": "Sign-in failed",
  "credential.create": "Key added",
  "credential.update": "Key changed",
  "credential.delete": "Key deleted",
  "credential.disable": "Key disabled",
  "credential.enable": "Key enabled",
  "credential.use": "Key used",
  "credential.validate": "Key checked",
  "credential.revalidate": "Key re-checked",
  "credential.permissions": "Key permissions changed",
  "credential.withdraw_enabled": "Key can withdraw",
  "credential.expiring": "Key expiring",
  "credential.expire": "Key expired",
  "policy.update": "Trade policy changed",
  "policy.deny": "Order refused by policy",
  "exchange.proxy": "Exchange call by a bot",
  "wallet.link": "Wallet linked",
  "wallet.unlink": "Wallet unlinked",
  "wallet.update": "Wallet renamed",
  "wallet.set_primary": "Primary wallet changed",
  "token.create": "Bot token created",
  "token.revoke": "Bot token revoked",
  "token.use": "Bot token used",
  "audit.export": "Audit log exported",
  "privacy.export": "Personal data exported",
  "privacy.erase": "Account erased",
  "user.create": "Account created",
};

const FILTER_EVENT = "wallet-auth:audit-filter";

/** Shows the audit log on this page filtered to `filters` (alerts use it to link to their events). */
export function showAuditEvents(filters: AuditFilters): void {
  if (typeof window !== "undefined") window.dispatchEvent(new CustomEvent(FILTER_EVENT, { detail: filters }));
}

/** `2026-12-05T08:00` (a datetime-local value) as an ISO instant, or undefined. */
const isoOf = (local: string) => (local ? new Date(local).toISOString() : undefined);
const localOf = (iso: string | undefined) => {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/** The audit log with filters (event type, outcome, date range), paging, and exports of exactly what is filtered. */
export function AuditLogTable() {
  const [action, setAction] = useState("");
  const [outcome, setOutcome] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const filters: AuditFilters = { ...(action ? { action } : {}), ...(outcome ? { outcome } : {}), ...(from ? { from: isoOf(from) } : {}), ...(to ? { to: isoOf(to) } : {}) };
  const log = useAuditLog(filters);
  const exporter = useAuditExport();
  const ids = { action: useId(), outcome: useId(), from: useId(), to: useId() };
  const region = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const listener = (event: Event) => {
      const f = (event as CustomEvent<AuditFilters>).detail;
      setAction(f.action ?? "");
      setOutcome(f.outcome ?? "");
      setFrom(localOf(f.from));
      setTo(localOf(f.to));
      region.current?.scrollIntoView({ block: "start" });
      region.current?.focus();
    };
    window.addEventListener(FILTER_EVENT, listener);
    return () => window.removeEventListener(FILTER_EVENT, listener);
  }, []);
  async function download(format: "json" | "ndjson" | "csv") {
    const text = await exporter.mutateAsync({ format, filters });
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `audit-log.${format}`;
    a.click();
    URL.revokeObjectURL(url);
  }
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Object.keys(filters).length > 0;
  return (
    <Section title="Audit log">
      <div ref={region} tabIndex={-1} aria-label="Audit log filters and events" role="region">
        <div className="wa-form" style={{ maxWidth: "none" }}>
          <label htmlFor={ids.action}>Event type</label>
          <select id={ids.action} value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">All events</option>
            {Object.entries(auditActionNames).map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
          <label htmlFor={ids.outcome}>Outcome</label>
          <select id={ids.outcome} value={outcome} onChange={(e) => setOutcome(e.target.value)}>
            <option value="">Any outcome</option>
            <option value="success">Succeeded</option>
            <option value="failure">Failed</option>
            <option value="denied">Refused</option>
          </select>
          <label htmlFor={ids.from}>From</label>
          <input id={ids.from} type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          <label htmlFor={ids.to}>To</label>
          <input id={ids.to} type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <div className="wa-actions">
          {(["csv", "json", "ndjson"] as const).map((f) => (
            <button key={f} type="button" className="wa-button-secondary" disabled={exporter.isPending} onClick={() => void download(f).catch(() => undefined) /* shown through exporter.error */}>
              Export {f.toUpperCase()}
            </button>
          ))}
          {filtered && (
            <button type="button" className="wa-link" onClick={() => (setAction(""), setOutcome(""), setFrom(""), setTo(""))}>
              Clear filters
            </button>
          )}
        </div>
        <p className="wa-muted">{filtered ? "Exports contain exactly the events the filters show." : "Exports contain every event."}</p>
        <ErrorNote error={exporter.error} />
        {log.isPending ? (
          <p aria-busy="true">Loading the audit log…</p>
        ) : log.error ? (
          <ErrorNote error={log.error} />
        ) : rows.length === 0 ? (
          <p className="wa-muted">No events match.</p>
        ) : (
          <table className="wa-table" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Outcome</th>
                <th scope="col">Target</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id}>
                  <td data-label="When">{new Date(e.occurredAt).toLocaleString()}</td>
                  <td data-label="Event" title={e.action}>
                    {auditActionNames[e.action] ?? e.action}
                  </td>
                  <td data-label="Outcome">
                    <span className={`wa-badge wa-badge-${e.outcome === "success" ? "ok" : "bad"}`}>{e.outcome === "success" ? "succeeded" : e.outcome === "denied" ? "refused" : "failed"}</span>
                  </td>
                  <td data-label="Target">{e.targetType ? `${e.targetType} ${e.targetId?.slice(0, 8) ?? ""}` : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {log.hasNextPage && (
          <button type="button" className="wa-button-secondary" onClick={() => void log.fetchNextPage().catch(() => undefined) /* a failure lands in the query's error state */} disabled={log.isFetchingNextPage}>
            Older events
          </button>
        )}
      </div>
    </Section>
  );
}
