import { useId, useState } from "react";
import { WalletAuthApiError } from "../apiError.js";
import { useAuditLog } from "../hooks.js";
import { useWalletAuth } from "../WalletAuthProvider.js";
import { ErrorNote } from "./ErrorNote.js";
import { Section } from "./Section.js";

/** The audit log with filters, paging and exports (json, ndjson, csv). */
export function AuditLogTable() {
  const [action, setAction] = useState("");
  const [outcome, setOutcome] = useState("");
  const log = useAuditLog({ ...(action ? { action } : {}), ...(outcome ? { outcome } : {}) });
  const { client, markSignedOut } = useWalletAuth();
  const [exportError, setExportError] = useState<WalletAuthApiError | null>(null);
  const ids = { action: useId(), outcome: useId() };
  async function download(format: "json" | "ndjson" | "csv") {
    setExportError(null);
    const result = await client.exportAudit(format);
    if (result.error) {
      if (result.error.code === "UNAUTHENTICATED") markSignedOut();
      return setExportError(new WalletAuthApiError(result.error));
    }
    const url = URL.createObjectURL(new Blob([result.data], { type: "text/plain" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `audit-log.${format === "ndjson" ? "ndjson" : format}`;
    a.click();
    URL.revokeObjectURL(url);
  }
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Section title="Audit log">
      <div className="wa-row">
        <label htmlFor={ids.action}>Action</label>
        <input id={ids.action} value={action} onChange={(e) => setAction(e.target.value.trim())} placeholder="credential.create" />
        <label htmlFor={ids.outcome}>Outcome</label>
        <select id={ids.outcome} value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          <option value="">any</option>
          <option value="success">success</option>
          <option value="failure">failure</option>
          <option value="denied">denied</option>
        </select>
        {(["csv", "json", "ndjson"] as const).map((f) => (
          <button key={f} type="button" onClick={() => void download(f).catch(() => setExportError(new WalletAuthApiError({ code: "NETWORK", message: "The export could not be downloaded.", requestId: "" })))}>
            Export {f.toUpperCase()}
          </button>
        ))}
      </div>
      <ErrorNote error={exportError} />
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
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Target</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.occurredAt).toLocaleString()}</td>
                <td>{e.action}</td>
                <td>{e.outcome}</td>
                <td>{e.targetType ? `${e.targetType} ${e.targetId?.slice(0, 8) ?? ""}` : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log.hasNextPage && (
        <button type="button" onClick={() => void log.fetchNextPage().catch(() => undefined) /* a failure lands in the query's error state */} disabled={log.isFetchingNextPage}>
          Older events
        </button>
      )}
    </Section>
  );
}
