import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { type ReactNode, useId, useRef, useState } from "react";

/**
 * A destructive action behind a confirmation that spells out its consequence. The trigger is
 * rendered by the caller (`children`); focus returns to it when the dialog closes, Escape cancels.
 */
export function ConfirmDialog({
  title,
  consequence,
  confirmLabel,
  onConfirm,
  children,
  typeToConfirm,
  focusAfterConfirm,
}: {
  title: string;
  consequence: ReactNode;
  confirmLabel: string;
  onConfirm: () => void | Promise<unknown>;
  children: ReactNode;
  /** A phrase the person types before the action is allowed. */
  typeToConfirm?: string;
  /** Where the focus goes once confirmed, when the trigger will be gone (a deleted item: its list). Default: back to the trigger. */
  focusAfterConfirm?: () => HTMLElement | null;
}) {
  const [typed, setTyped] = useState("");
  const confirmed = useRef(false);
  const inputId = useId();
  const [open, setOpen] = useState(false);
  return (
    <AlertDialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setTyped("");
      }}
    >
      <AlertDialog.Trigger asChild>{children}</AlertDialog.Trigger>
      <AlertDialog.Portal>
        <div data-wallet-auth="">
          <AlertDialog.Overlay className="wa-overlay" />
          <AlertDialog.Content
            className="wa-dialog"
            onCloseAutoFocus={(event) => {
              const target = confirmed.current ? focusAfterConfirm?.() : null;
              confirmed.current = false;
              if (target) {
                event.preventDefault();
                target.focus();
              }
            }}
          >
            <AlertDialog.Title className="wa-dialog-title">{title}</AlertDialog.Title>
            <AlertDialog.Description asChild>
              <div>{consequence}</div>
            </AlertDialog.Description>
            {typeToConfirm && (
              <p className="wa-field">
                <label htmlFor={inputId}>
                  Type <strong>{typeToConfirm}</strong> to confirm
                </label>
                <input id={inputId} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />
              </p>
            )}
            <div className="wa-actions wa-dialog-actions">
              <AlertDialog.Cancel asChild>
                <button type="button" className="wa-button-secondary">
                  Cancel
                </button>
              </AlertDialog.Cancel>
              <AlertDialog.Action asChild>
                <button type="button" className="wa-danger" disabled={typeToConfirm !== undefined && typed !== typeToConfirm} onClick={() => {
                    confirmed.current = true;
                    // The caller shows its own failure (its mutation's state); nothing may reject unhandled here.
                    void Promise.resolve(onConfirm()).catch(() => undefined);
                  }}>
                  {confirmLabel}
                </button>
              </AlertDialog.Action>
            </div>
          </AlertDialog.Content>
        </div>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
