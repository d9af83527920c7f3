import * as Dialog from "@radix-ui/react-dialog";
import { type FormEvent, useId, useState } from "react";
import { StepUpCancelledError } from "../apiError.js";
import { type TradePolicy, useCredentialPolicy, usePutCredentialPolicy } from "../hooks.js";
import { ErrorNote } from "./ErrorNote.js";

/** One line a trader scans: "Buy and sell · limit only · ≤ 1000 USDT per order · BTC/USDT, ETH/USDT". */
export function policySummary(p: TradePolicy | null | undefined): string {
  if (!p) return "no policy";
  const sides = p.sides.length === 2 ? "buy and sell" : `${p.sides[0]} only`;
  const types = p.orderTypes.length === 2 ? "market and limit" : `${p.orderTypes[0]} only`;
  const parts = [sides, types];
  if (p.maxOrderNotional) parts.push(`≤ ${p.maxOrderNotional} ${p.quoteCurrency} per order`);
  if (p.window) parts.push(`≤ ${p.window.maxNotional} ${p.quoteCurrency} per ${p.window.seconds >= 86_400 ? `${p.window.seconds / 86_400} d` : p.window.seconds >= 3600 ? `${p.window.seconds / 3600} h` : `${p.window.seconds} s`}`);
  parts.push(p.symbols === "*" ? `any ${p.quoteCurrency} market` : p.symbols.join(", "));
  if (p.reduceOnly) parts.push("reduce only");
  const text = parts.join(" · ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Edits a credential's trade policy in a dialog. Narrowing saves at once; widening goes through the step-up dialog and is retried. */
export function PolicyEditor({ credentialId, credentialLabel }: { credentialId: string; credentialLabel: string }) {
  const policy = useCredentialPolicy(credentialId);
  const put = usePutCredentialPolicy();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const id = useId();
  const p = policy.data?.policy;
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!p) return;
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? "").trim();
    const symbols = text("symbols");
    const next: TradePolicy = {
      ...p,
      symbols: symbols === "" || symbols === "*" ? "*" : symbols.split(/[\s,]+/).filter(Boolean).map((s) => s.toUpperCase()),
      quoteCurrency: text("quoteCurrency").toUpperCase() || p.quoteCurrency,
      sides: (["buy", "sell"] as const).filter((s) => data.get(`side-${s}`) === "on"),
      orderTypes: (["market", "limit"] as const).filter((t) => data.get(`type-${t}`) === "on"),
      maxOrderNotional: text("maxOrderNotional") || null,
      reduceOnly: data.get("reduceOnly") === "on",
    };
    setError(null);
    try {
      await put.mutateAsync({ id: credentialId, policy: next });
      setSaved(true);
      setOpen(false);
    } catch (caught) {
      if (!(caught instanceof StepUpCancelledError)) setError(caught);
    }
  }
  return (
    <div className="wa-full">
      <p className="wa-row" style={{ margin: 0 }}>
        <span className="wa-muted">Trade policy:</span> <span data-testid="policy-summary">{policy.isPending ? "loading…" : policy.error ? "unavailable" : policySummary(p)}</span>
        {saved && <span className="wa-badge wa-badge-ok">saved</span>}
      </p>
      <Dialog.Root open={open} onOpenChange={(o) => (setOpen(o), setError(null))}>
        <Dialog.Trigger asChild>
          <button type="button" className="wa-button-secondary" disabled={!p}>
            Edit trade policy
          </button>
        </Dialog.Trigger>
        <Dialog.Portal>
          <div data-wallet-auth="">
            <Dialog.Overlay className="wa-overlay" />
            <Dialog.Content className="wa-dialog">
              <Dialog.Title className="wa-dialog-title">Trade policy of {credentialLabel}</Dialog.Title>
              <Dialog.Description className="wa-muted">What bots may do with this key through the proxy. Allowing more asks you to verify it is you.</Dialog.Description>
              {p && (
                <form className="wa-form" onSubmit={submit} aria-label="Trade policy">
                  <label htmlFor={`${id}-symbols`}>Markets</label>
                  <input id={`${id}-symbols`} name="symbols" defaultValue={p.symbols === "*" ? "*" : p.symbols.join(", ")} aria-describedby={`${id}-symbols-hint`} />
                  <span id={`${id}-symbols-hint`} className="wa-field-hint wa-full">
                    * for any market, or a list such as BTC/USDT, ETH/USDT.
                  </span>
                  <label htmlFor={`${id}-quote`}>Quote currency</label>
                  <input id={`${id}-quote`} name="quoteCurrency" defaultValue={p.quoteCurrency} />
                  <fieldset className="wa-full">
                    <legend>Sides</legend>
                    {(["buy", "sell"] as const).map((s) => (
                      <label key={s} className="wa-check">
                        <input type="checkbox" name={`side-${s}`} defaultChecked={p.sides.includes(s)} /> {s}
                      </label>
                    ))}
                  </fieldset>
                  <fieldset className="wa-full">
                    <legend>Order types</legend>
                    {(["market", "limit"] as const).map((t) => (
                      <label key={t} className="wa-check">
                        <input type="checkbox" name={`type-${t}`} defaultChecked={p.orderTypes.includes(t)} /> {t}
                      </label>
                    ))}
                  </fieldset>
                  <label htmlFor={`${id}-max`}>Largest order</label>
                  <input id={`${id}-max`} name="maxOrderNotional" inputMode="decimal" defaultValue={p.maxOrderNotional ?? ""} placeholder="no cap" />
                  <label className="wa-full wa-row">
                    <input type="checkbox" name="reduceOnly" defaultChecked={p.reduceOnly} /> Reduce-only (sells only on spot)
                  </label>
                  <div className="wa-full">
                    <ErrorNote error={error} />
                  </div>
                  <div className="wa-actions wa-dialog-actions">
                    <Dialog.Close asChild>
                      <button type="button" className="wa-button-secondary">
                        Cancel
                      </button>
                    </Dialog.Close>
                    <button type="submit" disabled={put.isPending}>
                      {put.isPending ? "Saving…" : "Save policy"}
                    </button>
                  </div>
                </form>
              )}
            </Dialog.Content>
          </div>
        </Dialog.Portal>
      </Dialog.Root>
    </div>
  );
}
