import type { AlertDto } from "@wallet-auth/core/client";
import { useAcknowledgeAlert, useAlerts, useResolveAlert } from "../hooks.js";
import { showAuditEvents } from "./AuditLogTable.js";
import { ErrorNote } from "./ErrorNote.js";
import { Section } from "./Section.js";

/** What each alert kind means for the person, and what to do about it. */
const alertText: Record<string, { title: string; advice: string }> = {
  "auth.failed_burst": { title: "Several failed sign-ins in a short time", advice: "If it was not you, change your password and turn on two-factor sign-in." },
  "auth.failed_burst_ip": { title: "Many failed sign-ins from one address", advice: "Someone may be guessing; make sure two-factor sign-in is on." },
  "credential.use_burst": { title: "A credential was used unusually often", advice: "Check your bots; disable the credential if you do not recognise the activity." },
  "credential.expiring": { title: "A credential expires soon", advice: "Create a new key on the exchange and replace it here." },
  "credential.expired": { title: "A credential has expired", advice: "Create a new key on the exchange and replace it here." },
  "credential.withdraw_enabled": { title: "A credential can withdraw funds", advice: "Replace it with a key that cannot withdraw." },
  "access.new_ip": { title: "Access from a new IP address", advice: "If it was not you, sign out everywhere and revoke your bot tokens." },
  "token.revoked_use": { title: "A revoked bot token is still being used", advice: "Someone still holds it; the calls were refused. Check the address in the audit log and rotate any key it could reach." },
  "token.expired_use": { title: "A bot is still using an expired token", advice: "Its calls are refused; create a new token for the bot." },
  "credential.ip_binding_lost": { title: "A key lost its IP binding", advice: "It now works from any address: add this service's addresses to the key's IP allowlist on the exchange, then run Check now." },
  "credential.transfer_enabled": { title: "A key can now move funds between accounts", advice: "Turn internal transfers off for the key on the exchange, then run Check now." },
  "wallet.churn": { title: "Wallets were linked and unlinked repeatedly", advice: "Check the wallets list; unlink any you do not recognise." },
};

/** The person-facing title and advice for an alert (the kind itself when unknown). */
export function describeAlert(alert: Pick<AlertDto, "kind">): { title: string; advice: string } {
  return alertText[alert.kind] ?? { title: alert.kind, advice: "Check the audit log for what happened." };
}

const severityOrder: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** The audit events around an alert (an hour before it to five minutes after), shown in the audit log on this page. */
function RelatedEventsButton({ alert, title }: { alert: AlertDto; title: string }) {
  const at = new Date(alert.createdAt).getTime();
  return (
    <button
      type="button"
      className="wa-button-secondary"
      aria-label={`Show the events behind "${title}"`}
      onClick={() => showAuditEvents({ from: new Date(at - 3_600_000).toISOString(), to: new Date(at + 300_000).toISOString() })}
    >
      Show events
    </button>
  );
}

/** One alert as a card: severity, what happened, when, what to do, and the buttons to mark it seen or dealt with. */
export function AlertItem({ alert }: { alert: AlertDto }) {
  const { title, advice } = describeAlert(alert);
  const acknowledge = useAcknowledgeAlert();
  const resolve = useResolveAlert();
  const busy = acknowledge.isPending || resolve.isPending;
  const failed = acknowledge.error ?? resolve.error;
  return (
    <li className="wa-card" data-testid="alert" aria-label={`${alert.severity} severity: ${title}`} data-state={alert.status}>
      <div className="wa-row">
        <span className={`wa-badge wa-severity-${alert.severity}`}>{alert.severity}</span>
        <strong>{title}</strong>
        <span className="wa-muted">
          {new Date(alert.createdAt).toLocaleString()} · {alert.status}
        </span>
      </div>
      <p className="wa-muted">{advice}</p>
      {alert.status !== "resolved" ? (
        <div className="wa-row">
          {alert.status === "open" ? (
            <button type="button" disabled={busy} onClick={() => acknowledge.mutate(alert.id)} aria-label={`Mark "${title}" as seen`}>
              Mark as seen
            </button>
          ) : null}
          <button type="button" disabled={busy} onClick={() => resolve.mutate(alert.id)} aria-label={`Mark "${title}" as dealt with`}>
            Dealt with
          </button>
          <RelatedEventsButton alert={alert} title={title} />
        </div>
      ) : (
        <RelatedEventsButton alert={alert} title={title} />
      )}
      {failed ? <ErrorNote error={failed} /> : null}
    </li>
  );
}

/** Security alerts about the account (failed sign-in bursts, new IPs, risky keys), open ones first. */
export function AlertsPanel() {
  const alerts = useAlerts();
  const items = [...(alerts.data?.items ?? [])].sort(
    (a, b) => Number(a.status !== "open") - Number(b.status !== "open") || (severityOrder[a.severity] ?? 9) - (severityOrder[b.severity] ?? 9) || b.createdAt.localeCompare(a.createdAt),
  );
  const open = items.filter((a) => a.status === "open").length;
  return (
    <Section title="Security alerts">
      {alerts.isPending ? (
        <p aria-busy="true">Loading alerts…</p>
      ) : alerts.error ? (
        <ErrorNote error={alerts.error} />
      ) : items.length === 0 ? (
        <p className="wa-muted">No alerts. Unusual activity on your account shows here.</p>
      ) : (
        <>
          <p>{open === 0 ? "No open alerts." : `${open} open ${open === 1 ? "alert" : "alerts"}.`}</p>
          <ul className="wa-list" aria-label="Alerts">
            {items.map((a) => (
              <AlertItem key={a.id} alert={a} />
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}
