import type { CredentialDto, VenueDto } from "@wallet-auth/core/client";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { StepUpCancelledError, WalletAuthApiError, errorCodeOf } from "../apiError.js";
import { useCreateCredential, useVenues } from "../hooks.js";
import { ErrorNote } from "./ErrorNote.js";
import { ExchangeMark } from "./ExchangeMark.js";

type SecretField = "apiKey" | "secret" | "password" | "uid";

/** Used only while `GET /v1/venues` has not answered or failed: the two fields every exchange needs. */
export const exchangeHints: Record<string, { label: string; passphrase?: boolean; hint: string }> = {
  binance: { label: "Binance", hint: "API Management > Create API. Enable Reading; leave Withdrawals off." },
  okx: { label: "OKX", passphrase: true, hint: "API > Create V5 API key. Read (and Trade if needed); never Withdraw. Keep the passphrase." },
  coinbase: { label: "Coinbase", hint: "Settings > API. View permission; no transfer permission." },
  kraken: { label: "Kraken", hint: "Security > API. Query Funds; no Withdraw Funds." },
};

function fallbackVenues(): VenueDto[] {
  return Object.entries(exchangeHints).map(([id, h]) => ({
    id,
    displayName: h.label,
    fields: [
      { name: "apiKey", label: "API key", format: "", required: true },
      { name: "secret", label: "API secret", format: "", required: true },
      ...(h.passphrase ? [{ name: "password" as const, label: "Passphrase", format: "", required: true }] : []),
    ],
    requiredFields: ["apiKey", "secret", ...(h.passphrase ? (["password"] as const) : [])],
    keyPageUrl: "",
    enablePermissions: [],
    leaveOffPermissions: ["Withdrawals"],
    reportsPermissions: true,
    supportsGeneratedKeys: false,
    supportsIpAllowlist: false,
    egressIps: [],
  }));
}

/** Words under a field for the codes that point at one. */
const fieldForCode: Record<string, { field: SecretField | "label"; text: string }> = {
  CREDENTIAL_DUPLICATE: { field: "apiKey", text: "This API key is already stored here." },
};

const DRAFT_KEY = "wallet-auth:credential-draft";

/** The non-secret part of the form, kept across a reload or a sign-in (never the key or secret). */
function readDraft(): { exchange?: string; label?: string } {
  try {
    return JSON.parse(globalThis.sessionStorage?.getItem(DRAFT_KEY) ?? "{}") as { exchange?: string; label?: string };
  } catch {
    return {};
  }
}
function writeDraft(draft: { exchange: string; label: string } | null) {
  try {
    if (draft === null || (!draft.label && draft.exchange === "binance")) globalThis.sessionStorage?.removeItem(DRAFT_KEY);
    else globalThis.sessionStorage?.setItem(DRAFT_KEY, JSON.stringify(draft));
  } catch {
    // Storage refused (private mode): the draft just is not kept.
  }
}

/** One copyable value (an egress IP), with a button that says when it copied. */
function CopyValue({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <span className="wa-row">
      <code>{value}</code>
      <button
        type="button"
        className="wa-button-secondary"
        aria-label={`Copy ${label} ${value}`}
        onClick={() =>
          void (navigator.clipboard === undefined ? Promise.resolve() : navigator.clipboard.writeText(value)).then(
            () => setCopied(navigator.clipboard !== undefined),
            () => setCopied(false),
          )
        }
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </span>
  );
}

/** What the venue wants enabled and left off, where to create the key, and the IPs to allow. */
function VenueGuide({ venue, id }: { venue: VenueDto; id: string }) {
  return (
    <div id={id} className="wa-callout wa-full" data-testid="venue-guide">
      <div className="wa-row">
        <ExchangeMark id={venue.id} name={venue.displayName} size={28} />
        <strong>{venue.displayName}</strong>
        {venue.keyPageUrl && (
          <a href={venue.keyPageUrl} target="_blank" rel="noreferrer noopener">
            Create a key on {venue.displayName}
            <span className="wa-sr-only"> (opens in a new tab)</span>
          </a>
        )}
      </div>
      {venue.enablePermissions.length > 0 && <p>Enable: {venue.enablePermissions.join(", ")}.</p>}
      {venue.leaveOffPermissions.length > 0 && (
        <p>
          <strong className="wa-error" style={{ display: "inline" }}>
            Leave off:
          </strong>{" "}
          {venue.leaveOffPermissions.join(", ")}.
        </p>
      )}
      {!venue.reportsPermissions && <p className="wa-warn">{venue.displayName} does not tell us whether a key can withdraw: make sure withdrawals are off.</p>}
      {venue.supportsIpAllowlist && venue.egressIps.length > 0 && (
        <div>
          <p>Restrict the key to these server addresses:</p>
          <ul className="wa-list" style={{ marginTop: 0, gap: ".25rem" }}>
            {venue.egressIps.map((ip) => (
              <li key={ip}>
                <CopyValue value={ip} label="IP address" />
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/**
 * The form to add a key, built from `GET /v1/venues`: exactly the fields the chosen exchange
 * needs, marked required, with its guide. Secrets are write-only (read at submit time, cleared
 * after every attempt); the exchange, label and API key stay after a refusal, and a refused field
 * gets its message under it and the focus.
 */
export function CredentialForm({ onCreated }: { onCreated: (credential: CredentialDto) => void }) {
  const venues = useVenues();
  const create = useCreateCredential();
  const list = venues.data && venues.data.length > 0 ? venues.data : fallbackVenues();
  const [exchange, setExchange] = useState(() => readDraft().exchange ?? "binance");
  const [label, setLabel] = useState(() => readDraft().label ?? "");
  const [apiKey, setApiKey] = useState("");
  const [acceptRisk, setAcceptRisk] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [cancelled, setCancelled] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<string, string>>>({});
  const form = useRef<HTMLFormElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const baseId = useId();
  const idOf = (name: string) => `${baseId}-${name}`;
  const venue = list.find((v) => v.id === exchange) ?? list[0]!;
  useEffect(() => writeDraft({ exchange, label }), [exchange, label]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const el = event.currentTarget;
    const data = new FormData(el);
    const value = (name: string) => String(data.get(name) ?? "");
    const extra: { password?: string; uid?: string } = {};
    for (const f of venue.fields) if ((f.name === "password" || f.name === "uid") && value(f.name)) extra[f.name] = value(f.name);
    const body = { exchange: venue.id, label: label.trim(), apiKey: apiKey.trim(), secret: value("secret"), ...extra, ...(acceptRisk ? { acceptUnknownPermissions: true } : {}) };
    // Secrets leave the page's inputs before the request does; everything else stays.
    for (const name of ["secret", "password"]) {
      const input = el.elements.namedItem(name);
      if (input instanceof HTMLInputElement) input.value = "";
    }
    setError(null);
    setCancelled(false);
    setFieldErrors({});
    try {
      const created = await create.mutateAsync(body);
      setLabel("");
      setApiKey("");
      setAcceptRisk(false);
      writeDraft(null);
      onCreated(created);
    } catch (caught) {
      if (caught instanceof StepUpCancelledError) {
        setCancelled(true);
        return;
      }
      const fields: Record<string, string> = {};
      if (caught instanceof WalletAuthApiError) {
        for (const f of caught.fields) fields[f] = f === "secret" || f === "password" ? "Not accepted: paste it again, exactly as the exchange showed it." : "Not accepted: check this value.";
        const pointed = fieldForCode[caught.code];
        if (pointed) fields[pointed.field] = pointed.text;
      }
      setFieldErrors(fields);
      setError(caught);
      // Focus the first refused field the person can see, else the message.
      queueMicrotask(() => {
        const first = ["label", "apiKey", "secret", "password", "uid"].find((f) => fields[f] && document.getElementById(idOf(f)));
        (first ? document.getElementById(idOf(first)) : errorRef.current)?.focus();
      });
    } finally {
      create.reset();
    }
  }

  const code = errorCodeOf(error);
  const fieldProps = (name: string) => {
    const message = fieldErrors[name];
    return {
      id: idOf(name),
      "aria-invalid": message ? (true as const) : undefined,
      "aria-describedby": [message ? idOf(`${name}-error`) : null, venue.fields.find((f) => f.name === name)?.format ? idOf(`${name}-hint`) : null].filter(Boolean).join(" ") || undefined,
    };
  };
  const errorUnder = (name: string) =>
    fieldErrors[name] ? (
      <span className="wa-field-error" id={idOf(`${name}-error`)}>
        {fieldErrors[name]}
      </span>
    ) : null;

  return (
    <form ref={form} onSubmit={submit} className="wa-form" aria-label="Add an exchange key" aria-describedby={idOf("guide")} autoComplete="off" noValidate={false}>
      <label htmlFor={idOf("exchange")}>Exchange</label>
      <select id={idOf("exchange")} value={venue.id} onChange={(e) => (setExchange(e.target.value), setError(null), setFieldErrors({}))}>
        {list.map((v) => (
          <option key={v.id} value={v.id}>
            {v.displayName}
          </option>
        ))}
      </select>
      <VenueGuide venue={venue} id={idOf("guide")} />
      <label htmlFor={idOf("label")}>
        Label <span className="wa-required" aria-hidden="true">*</span>
      </label>
      <span className="wa-field">
        <input {...fieldProps("label")} name="label" required maxLength={100} placeholder="Main trading account" value={label} onChange={(e) => setLabel(e.target.value)} />
        {errorUnder("label")}
      </span>
      {venue.fields.map((f) => (
        <FieldRow key={`${venue.id}-${f.name}`} field={f} props={fieldProps(f.name)} hintId={idOf(`${f.name}-hint`)} error={errorUnder(f.name)} apiKey={apiKey} setApiKey={setApiKey} />
      ))}
      {(!venue.reportsPermissions || code === "CREDENTIAL_PERMISSIONS_UNKNOWN") && (
        <label className="wa-full wa-row">
          <input type="checkbox" checked={acceptRisk} onChange={(e) => setAcceptRisk(e.target.checked)} />
          I made sure withdrawals are off for this key and accept that {venue.displayName} cannot confirm it (you will be asked to verify it is you).
        </label>
      )}
      <div className="wa-actions">
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? "Checking the key with the exchange…" : "Add credential"}
        </button>
      </div>
      <div className="wa-full" aria-live="polite" data-testid="credential-result">
        {cancelled && <p className="wa-muted">Not stored: verification cancelled. Your entries are kept; paste the secret again to retry.</p>}
        <ErrorNote error={error} ref={errorRef} />
      </div>
    </form>
  );
}

function FieldRow({
  field,
  props,
  hintId,
  error,
  apiKey,
  setApiKey,
}: {
  field: VenueDto["fields"][number];
  props: { id: string; "aria-invalid"?: true | undefined; "aria-describedby"?: string | undefined };
  hintId: string;
  error: React.ReactNode;
  apiKey: string;
  setApiKey: (v: string) => void;
}) {
  const secret = field.name === "secret" || field.name === "password";
  return (
    <>
      <label htmlFor={props.id}>
        {field.label}
        {field.required && (
          <span className="wa-required" aria-hidden="true">
            {" "}
            *
          </span>
        )}
      </label>
      <span className="wa-field">
        {field.name === "apiKey" ? (
          <input {...props} name="apiKey" required={field.required} spellCheck={false} autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
        ) : (
          <input {...props} name={field.name} type={secret ? "password" : "text"} required={field.required} spellCheck={false} autoComplete={secret ? "new-password" : "off"} />
        )}
        {field.format && (
          <span className="wa-field-hint" id={hintId}>
            {field.format}
          </span>
        )}
        {error}
      </span>
    </>
  );
}
