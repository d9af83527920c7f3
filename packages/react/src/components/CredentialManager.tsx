import type { CredentialDto } from "@wallet-auth/core/client";
import { type FormEvent, useId, useRef, useState } from "react";
import { describeError } from "../apiError.js";
import { useCreateCredential, useCredentials, useDeleteCredential, useReplaceCredentialKey, useSetCredentialEnabled, useUpdateCredential, useValidateCredential } from "../hooks.js";
import { ErrorNote } from "./ErrorNote.js";
import { Section } from "./Section.js";

/** Field hints per exchange: which fields it needs and where to find them. */
export const exchangeHints: Record<string, { label: string; passphrase?: boolean; hint: string }> = {
  binance: { label: "Binance", hint: "API Management > Create API. Enable Reading; leave Withdrawals off." },
  okx: { label: "OKX", passphrase: true, hint: "API > Create V5 API key. Read (and Trade if needed); never Withdraw. Keep the passphrase." },
  coinbase: { label: "Coinbase", hint: "Settings > API. View permission; no transfer permission." },
  kraken: { label: "Kraken", hint: "Security > API. Query Funds; no Withdraw Funds." },
};

const daysUntil = (iso: string | null) => (iso === null ? null : Math.ceil((new Date(iso).getTime() - Date.now()) / 86_400_000));
const when = (iso: string | null) => (iso === null ? "never" : new Date(iso).toLocaleString());

function StatusBadge({ c }: { c: CredentialDto }) {
  const tone = c.status === "active" ? "ok" : c.status === "disabled" ? "muted" : "bad";
  return (
    <span className={`wa-badge wa-badge-${tone}`} data-state={c.status}>
      {c.status}
    </span>
  );
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
function ReplaceKeyForm({ c, onDone }: { c: CredentialDto; onDone: (message: string | null) => void }) {
  const replace = useReplaceCredentialKey();
  const [error, setError] = useState<unknown>(null);
  const ids = { apiKey: useId(), secret: useId(), password: useId(), hint: useId() };
  const needsPassphrase = exchangeHints[c.exchange]?.passphrase === true;
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
      setError(caught);
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

function CredentialRow({ c }: { c: CredentialDto }) {
  const validate = useValidateCredential();
  const toggle = useSetCredentialEnabled();
  const remove = useDeleteCredential();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState<"rename" | "replace" | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const triggers = { rename: useRef<HTMLButtonElement>(null), replace: useRef<HTMLButtonElement>(null) };
  const finish = (which: "rename" | "replace") => (message: string | null) => {
    setEditing(null);
    setNote(message);
    // Back to the button that opened the form (after the form unmounts).
    queueMicrotask(() => triggers[which].current?.focus());
  };
  const expires = daysUntil(c.expiresAt);
  const perms = c.permissions ? Object.entries(c.permissions).filter(([, v]) => v).map(([k]) => k) : [];
  return (
    <li className="wa-card" data-testid="credential" aria-label={`${c.label} on ${c.exchange}`}>
      <div className="wa-row">
        <strong>{c.label}</strong> <span className="wa-muted">{c.exchange} · key …{c.keyHint}</span> <StatusBadge c={c} />
      </div>
      <ul className="wa-indicators" aria-label="Security indicators">
        <li title="Encrypted at rest with AES-256-GCM under the server's key ring">encrypted at rest</li>
        <li>permissions: {perms.length ? perms.join(", ") : "unknown"}</li>
        <li>last used: {when(c.lastUsedAt)}</li>
        <li>last validated: {when(c.lastValidatedAt)}</li>
        {expires !== null && <li className={expires <= 7 ? "wa-warn" : undefined}>{expires > 0 ? `expires in ${expires} days` : "expired"}</li>}
      </ul>
      <div className="wa-actions">
        <button type="button" onClick={() => validate.mutate(c.id)} disabled={validate.isPending}>
          {validate.isPending ? "Checking…" : "Check now"}
        </button>
        <button type="button" ref={triggers.rename} aria-expanded={editing === "rename"} onClick={() => setEditing(editing === "rename" ? null : "rename")}>
          Rename
        </button>
        <button type="button" ref={triggers.replace} aria-expanded={editing === "replace"} onClick={() => setEditing(editing === "replace" ? null : "replace")}>
          Replace key
        </button>
        {c.status === "active" || c.status === "disabled" ? (
          <button type="button" onClick={() => toggle.mutate({ id: c.id, enabled: c.status === "disabled" })}>
            {c.status === "disabled" ? "Enable" : "Disable"}
          </button>
        ) : null}
        {confirming ? (
          <span role="group" aria-label="Confirm deletion">
            <button type="button" className="wa-danger" onClick={() => remove.mutate(c.id)}>
              Delete for good
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button type="button" className="wa-danger" onClick={() => setConfirming(true)}>
            Delete
          </button>
        )}
      </div>
      {editing === "rename" && <RenameForm c={c} onDone={finish("rename")} />}
      {editing === "replace" && <ReplaceKeyForm c={c} onDone={finish("replace")} />}
      <div aria-live="polite">
        {note && <p className="wa-note">{note}</p>}
        {validate.data && <p className="wa-note">Check: {validate.data.outcome === "invalid" ? `not valid (${validate.data.code ?? "unknown"})` : "the exchange accepted the key"}</p>}
        <ErrorNote error={validate.error ?? toggle.error ?? remove.error} />
      </div>
    </li>
  );
}

/**
 * Add, list, check, rename, replace the key of, disable/enable and delete exchange credentials. The key and secret are
 * write-only: read from the form at submit time, cleared right after, never kept in React
 * state or the query cache, and never shown again.
 */
export function CredentialManager() {
  const list = useCredentials();
  const create = useCreateCredential();
  const form = useRef<HTMLFormElement>(null);
  const [exchange, setExchange] = useState("binance");
  const [result, setResult] = useState<{ text: string; id?: string; label?: string; keyHint?: string } | null>(null);
  const ids = { exchange: useId(), label: useId(), apiKey: useId(), secret: useId(), password: useId(), hint: useId() };
  const hint = exchangeHints[exchange];

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const field = (name: string) => String(data.get(name) ?? "");
    const body = {
      exchange,
      label: field("label"),
      apiKey: field("apiKey"),
      secret: field("secret"),
      ...(field("password") ? { password: field("password") } : {}),
    };
    event.currentTarget.reset();
    setResult(null);
    try {
      const created = await create.mutateAsync(body);
      setResult({ text: `Stored and validated: ${created.label} (key …${created.keyHint}).`, id: created.id, label: created.label, keyHint: created.keyHint });
    } catch (error) {
      setResult({ text: describeError(error) });
    } finally {
      // The mutation keeps its variables (the secret) until reset.
      create.reset();
    }
  }

  return (
    <Section title="Exchange credentials">
      <form ref={form} onSubmit={submit} className="wa-form" aria-describedby={ids.hint} autoComplete="off">
        <label htmlFor={ids.exchange}>Exchange</label>
        <select id={ids.exchange} value={exchange} onChange={(e) => setExchange(e.target.value)}>
          {Object.entries(exchangeHints).map(([id, h]) => (
            <option key={id} value={id}>
              {h.label}
            </option>
          ))}
        </select>
        <p id={ids.hint} className="wa-muted">
          {hint?.hint}
        </p>
        <label htmlFor={ids.label}>Label</label>
        <input id={ids.label} name="label" required maxLength={100} placeholder="Main trading account" />
        <label htmlFor={ids.apiKey}>API key</label>
        <input id={ids.apiKey} name="apiKey" required spellCheck={false} autoComplete="off" />
        <label htmlFor={ids.secret}>API secret</label>
        <input id={ids.secret} name="secret" type="password" required autoComplete="new-password" />
        {hint?.passphrase && (
          <>
            <label htmlFor={ids.password}>Passphrase</label>
            <input id={ids.password} name="password" type="password" autoComplete="new-password" />
          </>
        )}
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? "Validating with the exchange…" : "Add credential"}
        </button>
      </form>
      <div aria-live="polite" className="wa-note" data-testid="credential-result">
        {/* A success note names a credential: it goes once that credential is deleted. */}
        {/* A success note stays only while it is still true: gone with its credential, or once it is renamed or its key replaced. */}
        {result && (result.id === undefined || list.data?.some((c) => c.id === result.id && c.label === result.label && c.keyHint === result.keyHint)) ? result.text : null}
      </div>
      {list.isPending ? (
        <p aria-busy="true">Loading credentials…</p>
      ) : list.error ? (
        <ErrorNote error={list.error} />
      ) : list.data.length === 0 ? (
        <p className="wa-muted">No credentials yet. Add a read-only key above.</p>
      ) : (
        <ul className="wa-list">
          {list.data.map((c) => (
            <CredentialRow key={c.id} c={c} />
          ))}
        </ul>
      )}
    </Section>
  );
}
