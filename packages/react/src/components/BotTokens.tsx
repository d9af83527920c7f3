import type { BotTokenDto } from "@wallet-auth/core/client";
import { type FormEvent, useId, useState } from "react";
import { useBotTokens, useCreateBotToken, useCredentials, useRevokeBotToken } from "../hooks.js";
import { ErrorNote } from "./ErrorNote.js";
import { Section } from "./Section.js";

const SCOPES = ["credentials:read", "balances:read", "audit:read", "exchange:read", "exchange:trade"] as const;

/** Bot access tokens: create with scopes (shown once, with a copy button), list, revoke. */
export function BotTokens() {
  const tokens = useBotTokens();
  const credentials = useCredentials();
  const create = useCreateBotToken();
  const revoke = useRevokeBotToken();
  const [shown, setShown] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const labelId = useId();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const scopes = SCOPES.filter((s) => data.get(s) === "on");
    const credentialIds = data.getAll("credentialId").map(String);
    try {
      const created = await create.mutateAsync({ label: String(data.get("label") ?? ""), scopes: [...scopes], ...(credentialIds.length ? { credentialIds } : {}) });
      setShown(created.token);
      setCopied(false);
      form.reset();
    } finally {
      create.reset();
    }
  }
  return (
    <Section title="Bot tokens">
      <form onSubmit={submit} className="wa-form">
        <label htmlFor={labelId}>Label</label>
        <input id={labelId} name="label" required maxLength={100} placeholder="grid bot" />
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s} className="wa-check">
              <input type="checkbox" name={s} /> {s}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Credentials the exchange scopes may use</legend>
          {credentials.data?.length === 0 && <p className="wa-muted">No credentials yet: the token can still read what its scopes allow.</p>}
          {(credentials.data ?? []).map((c) => (
            <label key={c.id} className="wa-check">
              <input type="checkbox" name="credentialId" value={c.id} /> {c.label}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={create.isPending}>
          Create token
        </button>
      </form>
      <div aria-live="polite">
        {shown && (
          <div className="wa-card" data-testid="new-token">
            <p>Copy this token now: it is shown only once.</p>
            <code className="wa-secret">{shown}</code>
            <button
              type="button"
              onClick={() => {
                // Refused clipboard access (permissions): the token stays on screen to copy by hand.
                if (navigator.clipboard !== undefined) void navigator.clipboard.writeText(shown).then(() => setCopied(true), () => setCopied(false));
              }}
            >
              {copied ? "Copied" : "Copy"}
            </button>
            <button type="button" onClick={() => setShown(null)}>
              Done
            </button>
          </div>
        )}
        <ErrorNote error={create.error ?? revoke.error} />
      </div>
      {tokens.isPending ? (
        <p aria-busy="true">Loading tokens…</p>
      ) : tokens.error ? (
        <ErrorNote error={tokens.error} />
      ) : tokens.data.length === 0 ? (
        <p className="wa-muted">No bot tokens.</p>
      ) : (
        <ul className="wa-list">
          {tokens.data.map((t: BotTokenDto) => (
            <li key={t.id} className="wa-card" data-testid="token">
              <strong>{t.label}</strong> <code>{t.prefix}…</code> <span className="wa-muted">{t.scopes.join(", ")}</span>{" "}
              {t.revokedAt ? (
                <span className="wa-badge wa-badge-muted">revoked</span>
              ) : (
                <>
                  <span className="wa-muted">expires {new Date(t.expiresAt).toLocaleDateString()}</span>
                  <button type="button" className="wa-danger" onClick={() => revoke.mutate(t.id)}>
                    Revoke
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
