import type { CredentialDto, VenueDto } from "@wallet-auth/core/client";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { StepUpCancelledError, explainError } from "../apiError.js";
import { daysUntil, relativeTime } from "../format.js";
import { useCredentials, useDeleteCredential, useReplaceCredentialKey, useSetCredentialEnabled, useUpdateCredential, useValidateCredential, useVenues } from "../hooks.js";
import { ConfirmDialog } from "./ConfirmDialog.js";
import { CredentialForm, exchangeHints } from "./CredentialForm.js";
import { ErrorNote } from "./ErrorNote.js";
import { ExchangeMark } from "./ExchangeMark.js";
import { PolicyEditor } from "./PolicyEditor.js";
import { Section } from "./Section.js";

export { exchangeHints };

const statusWords: Record<string, { text: string; tone: string }> = {
  active: { text: "Active", tone: "ok" },
  disabled: { text: "Disabled", tone: "muted" },
  invalid: { text: "Invalid key", tone: "bad" },
  expired: { text: "Expired", tone: "bad" },
};

function StatusBadge({ c }: { c: CredentialDto }) {
  const s = statusWords[c.status] ?? { text: c.status, tone: "muted" };
  return (
    <span className={`wa-badge wa-badge-${s.tone}`} data-state={c.status}>
      {s.text}
    </span>
  );
}

type Tri = boolean | "unknown" | undefined;
/** The six permissions a trader cares about, from the venue's own report (or the older coarse record). */
function permissionsOf(c: CredentialDto): { name: string; value: Tri; danger?: boolean }[] {
  const k = c.keyPermissions;
  const p = c.permissions;
  return [
    { name: "read", value: k ? k.read : p?.read },
    { name: "trade", value: k ? k.spotTrade : p?.trade },
    { name: "margin", value: k ? k.margin : p?.margin },
    { name: "futures", value: k ? k.futures : p?.futures },
    { name: "transfer", value: k ? k.internalTransfer : undefined },
    { name: "withdraw", value: k ? k.withdraw : p?.withdraw, danger: true },
  ];
}

function PermissionBadges({ c }: { c: CredentialDto }) {
  return (
    <ul className="wa-badges" aria-label="Key permissions">
      {permissionsOf(c).map(({ name, value, danger }) => {
        const on = value === true;
        const tone = on ? (danger ? "bad" : "ok") : value === false ? "off" : "muted";
        const state = on ? "on" : value === false ? "off" : "unknown";
        return (
          <li key={name} className={`wa-badge wa-badge-${tone}`} data-permission={name} data-state={state}>
            {name}
            <span className="wa-sr-only">: {state}</span>
            {state === "unknown" && <span aria-hidden="true"> ?</span>}
          </li>
        );
      })}
    </ul>
  );
}

function ipBinding(c: CredentialDto): { text: string; tone?: string } {
  const k = c.keyPermissions;
  if (!k || k.ipRestricted === "unknown") return { text: "not reported" };
  if (k.ipRestricted === false) return { text: "any IP address", tone: "wa-warn" };
  return { text: k.allowedIps?.length ? `bound to ${k.allowedIps.join(", ")}` : "bound to an IP allowlist" };
}

/** Rename in place: the label is not sensitive, so no step-up. Focus goes back to the trigger. */
function RenameForm({ c, onDone }: { c: CredentialDto; onDone: (message: string | null) => void }) {
  const update = useUpdateCredential();
  const id = useId();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const label = String(new FormData(event.currentTarget).get("label") ?? "").trim();
    if (label === c.label) return onDone(null);
    try {
      const updated = await update.mutateAsync({ id: c.id, body: { label } });
      onDone(`Renamed to ${updated.label}.`);
    } catch {
      // The error shows below the form; the form stays open to fix the label.
    }
  }
  return (
    <form className="wa-row" onSubmit={submit} aria-label={`Rename ${c.label}`}>
      <label htmlFor={id}>New label</label>
      <input id={id} name="label" defaultValue={c.label} required maxLength={100} autoFocus />
      <button type="submit" disabled={update.isPending}>
        {update.isPending ? "Saving…" : "Save label"}
      </button>
      <button type="button" onClick={() => onDone(null)}>
        Cancel
      </button>
      <ErrorNote error={update.error} />
    </form>
  );
}

/**
 * Replace the key and secret. Write-only as when adding: read from the form at submit time,
 * the form cleared before the request leaves, the mutation reset after it settles.
 */
function ReplaceKeyForm({ c, venue, onDone }: { c: CredentialDto; venue: VenueDto | undefined; onDone: (message: string | null) => void }) {
  const replace = useReplaceCredentialKey();
  const [error, setError] = useState<unknown>(null);
  const ids = { apiKey: useId(), secret: useId(), password: useId(), hint: useId() };
  const needsPassphrase = venue ? venue.fields.some((f) => f.name === "password") : exchangeHints[c.exchange]?.passphrase === true;
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const field = (name: string) => String(data.get(name) ?? "");
    const variables = { id: c.id, apiKey: field("apiKey"), secret: field("secret"), ...(field("password") ? { password: field("password") } : {}) };
    event.currentTarget.reset();
    setError(null);
    try {
      const updated = await replace.mutateAsync(variables);
      onDone(`Key replaced and validated: now key …${updated.keyHint}.`);
    } catch (caught) {
      setError(caught instanceof StepUpCancelledError ? null : caught);
    } finally {
      replace.reset();
    }
  }
  return (
    <form className="wa-form" onSubmit={submit} aria-label={`Replace the key of ${c.label}`} aria-describedby={ids.hint} autoComplete="off">
      <p id={ids.hint} className="wa-muted">
        The new key is checked with the exchange first; if it is refused, the current key stays. You may be asked to verify it is you.
      </p>
      <label htmlFor={ids.apiKey}>New API key</label>
      <input id={ids.apiKey} name="apiKey" required spellCheck={false} autoComplete="off" autoFocus />
      <label htmlFor={ids.secret}>New API secret</label>
      <input id={ids.secret} name="secret" type="password" required autoComplete="new-password" />
      {needsPassphrase && (
        <>
          <label htmlFor={ids.password}>New passphrase</label>
          <input id={ids.password} name="password" type="password" autoComplete="new-password" />
        </>
      )}
      <div className="wa-actions">
        <button type="submit" disabled={replace.isPending}>
          {replace.isPending ? "Validating with the exchange…" : "Save new key"}
        </button>
        <button type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}

function CredentialRow({
  c,
  venue,
  focusMe,
  onDeleted,
  listElement,
}: {
  c: CredentialDto;
  venue: VenueDto | undefined;
  focusMe: boolean;
  onDeleted: () => void;
  listElement: () => HTMLElement | null;
}) {
  const validate = useValidateCredential();
  const toggle = useSetCredentialEnabled();
  const remove = useDeleteCredential();
  const [editing, setEditing] = useState<"rename" | "replace" | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const card = useRef<HTMLLIElement>(null);
  const triggers = { rename: useRef<HTMLButtonElement>(null), replace: useRef<HTMLButtonElement>(null) };
  useEffect(() => {
    if (focusMe) card.current?.focus();
  }, [focusMe]);
  const finish = (which: "rename" | "replace") => (message: string | null) => {
    setEditing(null);
    setNote(message);
    // Back to the button that opened the form (after the form unmounts).
    queueMicrotask(() => triggers[which].current?.focus());
  };
  const name = venue?.displayName ?? exchangeHints[c.exchange]?.label ?? c.exchange;
  const venueExpiry = c.keyPermissions?.expiresAt ?? c.expiresAt;
  const expires = daysUntil(venueExpiry);
  const ip = ipBinding(c);
  const checkResult = validate.data ? (validate.data.outcome === "invalid" ? explainError({ code: validate.data.code }) : null) : null;
  return (
    <li ref={card} tabIndex={-1} className="wa-card" data-testid="credential" data-credential-id={c.id} aria-label={`${c.label} on ${name}`}>
      <div className="wa-card-head">
        <ExchangeMark id={c.exchange} name={name} />
        <span className="wa-card-title">
          <strong title={c.label}>{c.label}</strong>
          <span className="wa-muted">
            {name} · key …{c.keyHint}
            {c.keyPermissions?.account === "sub" ? " · sub-account" : c.keyPermissions?.account === "master" ? " · main account" : ""}
          </span>
        </span>
        <StatusBadge c={c} />
      </div>
      <PermissionBadges c={c} />
      {c.keyPermissions?.withdraw === true && <p className="wa-callout wa-callout-bad">This key can withdraw funds. Turn withdrawals off on {name}.</p>}
      <dl className="wa-facts">
        <div>
          <dt>IP binding</dt>
          <dd className={ip.tone}>{ip.text}</dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd className={expires !== null && expires <= 7 ? "wa-warn" : undefined}>{expires === null ? "no expiry" : expires > 0 ? `in ${expires} day${expires === 1 ? "" : "s"}` : "expired"}</dd>
        </div>
        <div>
          <dt>Last used</dt>
          <dd title={c.lastUsedAt ?? undefined}>{relativeTime(c.lastUsedAt)}</dd>
        </div>
        <div>
          <dt>Key age</dt>
          <dd title={c.createdAt}>{relativeTime(c.createdAt).replace(" ago", "")}</dd>
        </div>
        <div>
          <dt>Last checked</dt>
          <dd title={c.lastValidatedAt ?? undefined}>{relativeTime(c.lastValidatedAt)}</dd>
        </div>
        <div>
          <dt>Stored</dt>
          <dd>encrypted (AES-256-GCM)</dd>
        </div>
      </dl>
      <PolicyEditor credentialId={c.id} credentialLabel={c.label} />
      <div className="wa-actions">
        <button type="button" onClick={() => validate.mutate(c.id)} disabled={validate.isPending}>
          {validate.isPending ? "Checking…" : "Check now"}
        </button>
        <button type="button" className="wa-button-secondary" ref={triggers.rename} aria-expanded={editing === "rename"} onClick={() => setEditing(editing === "rename" ? null : "rename")}>
          Rename
        </button>
        <button type="button" className="wa-button-secondary" ref={triggers.replace} aria-expanded={editing === "replace"} onClick={() => setEditing(editing === "replace" ? null : "replace")}>
          Replace key
        </button>
        {c.status === "active" ? (
          <ConfirmDialog
            title={`Disable ${c.label}?`}
            consequence={<p>Bots using this key stop trading and its balances stop refreshing until you enable it again. The key stays stored.</p>}
            confirmLabel="Disable key"
            onConfirm={() => toggle.mutate({ id: c.id, enabled: false })}
            // The Disable button becomes Enable: the card keeps the focus instead of a button that is gone.
            focusAfterConfirm={() => card.current}
          >
            <button type="button" className="wa-button-secondary">
              Disable
            </button>
          </ConfirmDialog>
        ) : c.status === "disabled" ? (
          <button type="button" className="wa-button-secondary" onClick={() => toggle.mutate({ id: c.id, enabled: true })}>
            Enable
          </button>
        ) : null}
        <ConfirmDialog
          title={`Delete ${c.label}?`}
          consequence={
            <p>
              The key …{c.keyHint} is erased from this service for good: bot tokens using it stop working and its balances leave your portfolio. The key still exists on {name}; delete it there too.
            </p>
          }
          confirmLabel="Delete for good"
          // mutateAsync, not mutate's callbacks: the card unmounts once the list refreshes, and the focus move must still happen.
          onConfirm={() => remove.mutateAsync(c.id).then(onDeleted, () => undefined /* shown through remove.error */)}
          focusAfterConfirm={listElement}
        >
          <button type="button" className="wa-danger">
            Delete
          </button>
        </ConfirmDialog>
      </div>
      {editing === "rename" && <RenameForm c={c} onDone={finish("rename")} />}
      {editing === "replace" && <ReplaceKeyForm c={c} venue={venue} onDone={finish("replace")} />}
      <div aria-live="polite">
        {note && <p className="wa-note">{note}</p>}
        {validate.data && (
          <p className={checkResult ? "wa-callout wa-callout-bad" : "wa-callout wa-callout-ok"} data-testid="check-result">
            {checkResult ? `${checkResult.title} ${checkResult.fix}` : "The exchange accepted the key."}
          </p>
        )}
        <ErrorNote error={validate.error ?? toggle.error ?? remove.error} />
      </div>
    </li>
  );
}

/**
 * Add, list, check, rename, replace the key of, disable/enable and delete exchange credentials,
 * each shown with its exchange's identity, permissions, IP binding, expiry and trade policy. The
 * key and secret are write-only: read from the form at submit time, cleared right after, never
 * kept in React state or the query cache, and never shown again.
 */
export function CredentialManager() {
  const list = useCredentials();
  const venues = useVenues();
  const [result, setResult] = useState<{ id: string; label: string; keyHint: string } | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  return (
    <Section title="Exchange credentials">
      <CredentialForm
        onCreated={(created) => {
          setResult({ id: created.id, label: created.label, keyHint: created.keyHint });
          setFocusId(created.id);
        }}
      />
      <p aria-live="polite" className="wa-note">
        {/* A success note stays only while it is still true: gone with its credential, or once it is renamed or its key replaced. */}
        {result && list.data?.some((c) => c.id === result.id && c.label === result.label && c.keyHint === result.keyHint) ? `Stored and validated: ${result.label} (key …${result.keyHint}).` : null}
      </p>
      <div ref={listRef} tabIndex={-1} aria-label="Stored keys" role="region" data-testid="credential-list">
        {list.isPending ? (
          <p aria-busy="true">Loading credentials…</p>
        ) : list.error ? (
          <ErrorNote error={list.error} />
        ) : list.data.length === 0 ? (
          <p className="wa-muted">No credentials yet. Add a read-only key above.</p>
        ) : (
          <ul className="wa-list">
            {list.data.map((c) => (
              <CredentialRow
                key={c.id}
                c={c}
                venue={venues.data?.find((v) => v.id === c.exchange)}
                focusMe={focusId === c.id}
                listElement={() => listRef.current}
                onDeleted={() => {
                  setFocusId(null);
                  listRef.current?.focus();
                }}
              />
            ))}
          </ul>
        )}
      </div>
    </Section>
  );
}
