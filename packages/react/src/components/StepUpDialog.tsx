import * as Dialog from "@radix-ui/react-dialog";
import { useState } from "react";

/**
 * "Verify it's you": shown when a sensitive action needs a fresh verification. Continue runs the
 * host's `reverify` (Clerk's reverification, or the development sign-in) and, once it succeeds,
 * the original request is sent again by the caller; Cancel (or Escape) is a quiet outcome.
 */
export function StepUpDialog({ open, reverify, onSettled }: { open: boolean; reverify: (() => Promise<boolean>) | undefined; onSettled: (verified: boolean) => void }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  async function verify() {
    if (!reverify) return;
    setBusy(true);
    setFailed(false);
    try {
      if (await reverify()) onSettled(true);
      else setFailed(true);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        if (!next && !busy) {
          setFailed(false);
          onSettled(false);
        }
      }}
    >
      <Dialog.Portal>
        <div data-wallet-auth="">
          <Dialog.Overlay className="wa-overlay" />
          <Dialog.Content className="wa-dialog" data-testid="step-up-dialog">
            <Dialog.Title className="wa-dialog-title">Verify it's you</Dialog.Title>
            <Dialog.Description className="wa-muted">
              This action changes what your exchange keys can do, so it needs a fresh verification. After you verify, it continues on its own; nothing you typed is lost.
            </Dialog.Description>
            {!reverify && <p className="wa-warn">Verification is not available here: sign in again, then repeat the action.</p>}
            {failed && (
              <p role="alert" className="wa-error">
                The verification did not succeed. Try again, or cancel.
              </p>
            )}
            <div className="wa-actions wa-dialog-actions">
              <Dialog.Close asChild>
                <button type="button" className="wa-button-secondary" disabled={busy}>
                  Cancel
                </button>
              </Dialog.Close>
              {reverify && (
                <button type="button" onClick={() => void verify().catch(() => undefined) /* verify shows its own failure */} disabled={busy} aria-busy={busy}>
                  {busy ? "Verifying…" : "Verify and continue"}
                </button>
              )}
            </div>
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
