import type { CredentialDto } from "@wallet-auth/core/client";
import { useAlerts, useAuditLog, useCredentials } from "../hooks.js";
import { describeAlert } from "./AlertsPanel.js";
import { ErrorNote } from "./ErrorNote.js";
import { Section } from "./Section.js";

const DAY = 86_400_000;
/** A key older than this is worth replacing (exchange keys do not rotate themselves). */
const KEY_AGE_LIMIT_DAYS = 90;
/** A key not checked with the exchange for this long may have been revoked there. */
const UNCHECKED_DAYS = 30;

const daysSince = (iso: string, now: number) => Math.floor((now - new Date(iso).getTime()) / DAY);
const days = (n: number) => (n === 1 ? "1 day" : `${n} days`);

/** Why a credential needs attention, in the person's words; empty when it does not. */
function concerns(c: CredentialDto, keySetAt: string, now: number): string[] {
  const out: string[] = [];
  if (c.status === "invalid") out.push("the exchange refused the key: check it, or replace it");
  if (c.status === "expired") out.push("the key has expired: replace it");
  if (c.status === "disabled") out.push("disabled: bots cannot use it");
  if (c.permissions?.withdraw) out.push("the key can withdraw funds: replace it with one that cannot");
  if (c.expiresAt && c.status !== "expired") {
    const left = Math.ceil((new Date(c.expiresAt).getTime() - now) / DAY);
    if (left <= 7) out.push(left <= 0 ? "the key has expired: replace it" : `expires in ${days(left)}: replace it soon`);
  }
  const age = daysSince(keySetAt, now);
  if (age >= KEY_AGE_LIMIT_DAYS) out.push(`the key is ${days(age)} old: consider replacing it`);
  if (c.status === "active" && (c.lastValidatedAt === null || daysSince(c.lastValidatedAt, now) >= UNCHECKED_DAYS)) out.push("not checked with the exchange for a while: use Check now");
  return out;
}

/**
 * An overview of the account's security: which credentials need attention and why, the age of
 * every key, and the most recent open alerts.
 */
export function SecurityStatus() {
  const credentials = useCredentials();
  const alerts = useAlerts();
  // A replaced key is a new key: its age counts from the last successful renewal in the audit log.
  const renewals = useAuditLog({ action: "credential.renew", outcome: "success" });
  const now = Date.now();
  const list = credentials.data ?? [];
  const keySetAt = (c: CredentialDto) =>
    (renewals.data?.pages.flatMap((p) => p.items) ?? []).filter((e) => e.targetId === c.id).reduce((latest, e) => (e.occurredAt > latest ? e.occurredAt : latest), c.createdAt);
  const flagged = list.map((c) => ({ c, why: concerns(c, keySetAt(c), now) })).filter((x) => x.why.length > 0);
  const openAlerts = (alerts.data?.items ?? []).filter((a) => a.status === "open").sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const attention = flagged.length + openAlerts.length;
  const pending = credentials.isPending || alerts.isPending;
  const error = credentials.error ?? alerts.error;
  return (
    <Section title="Security status">
      {pending ? (
        <p aria-busy="true">Checking your account…</p>
      ) : error ? (
        <ErrorNote error={error} />
      ) : list.length === 0 && openAlerts.length === 0 ? (
        <p className="wa-muted">Nothing to check yet: add a credential to see its status here.</p>
      ) : (
        <>
          <p data-testid="security-summary" className={attention ? "wa-warn" : undefined} data-state={attention ? "attention" : "ok"}>
            <strong>{attention === 0 ? "All good: nothing needs your attention." : `${attention} ${attention === 1 ? "thing needs" : "things need"} your attention.`}</strong>
          </p>
          {flagged.length > 0 && (
            <>
              <h3>Credentials needing attention</h3>
              <ul className="wa-status-list" aria-label="Credentials needing attention">
                {flagged.map(({ c, why }) => (
                  <li key={c.id}>
                    <strong>{c.label}</strong> <span className="wa-muted">({c.exchange})</span>: {why.join("; ")}.
                  </li>
                ))}
              </ul>
            </>
          )}
          {list.length > 0 && (
            <>
              <h3>Key age</h3>
              <table className="wa-table">
                <thead>
                  <tr>
                    <th scope="col">Credential</th>
                    <th scope="col">Key set</th>
                    <th scope="col">Age</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((c) => {
                    const setAt = keySetAt(c);
                    const age = daysSince(setAt, now);
                    return (
                      <tr key={c.id}>
                        <td>{c.label}</td>
                        <td>{new Date(setAt).toLocaleDateString()}</td>
                        <td className={age >= KEY_AGE_LIMIT_DAYS ? "wa-warn" : undefined}>{age === 0 ? "today" : days(age)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </>
          )}
          <h3>Recent alerts</h3>
          {openAlerts.length === 0 ? (
            <p className="wa-muted">No open alerts.</p>
          ) : (
            <ul className="wa-status-list" aria-label="Recent alerts">
              {openAlerts.slice(0, 3).map((a) => (
                <li key={a.id}>
                  <span className={`wa-badge wa-severity-${a.severity}`}>{a.severity}</span> {describeAlert(a).title}{" "}
                  <span className="wa-muted">{new Date(a.createdAt).toLocaleString()}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Section>
  );
}
