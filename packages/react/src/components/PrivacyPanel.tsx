import { useState } from "react";
import { StepUpCancelledError } from "../apiError.js";
import { useEraseAccount, usePrivacyExport } from "../hooks.js";
import { ConfirmDialog } from "./ConfirmDialog.js";
import { ErrorNote } from "./ErrorNote.js";
import { Section } from "./Section.js";

/**
 * Your data: download everything stored about you (GDPR Art. 15/20), and erase the account
 * (Art. 17) behind a type-to-confirm dialog and a fresh verification.
 */
export function PrivacyPanel({ onErased }: { onErased?: () => void } = {}) {
  const exporter = usePrivacyExport();
  const erase = useEraseAccount();
  const [erased, setErased] = useState(false);
  async function download() {
    const text = await exporter.mutateAsync();
    const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "wallet-auth-export.json";
    a.click();
    URL.revokeObjectURL(url);
  }
  return (
    <Section title="Your data">
      <p>Download everything this service stores about you: your keys' metadata (never the secrets), wallets, tokens, balance history and audit log.</p>
      <div className="wa-actions">
        <button type="button" onClick={() => void download().catch(() => undefined) /* shown through exporter.error */} disabled={exporter.isPending}>
          {exporter.isPending ? "Preparing…" : "Download my data"}
        </button>
      </div>
      <ErrorNote error={exporter.error} />
      <h3 style={{ marginTop: "1.5rem" }}>Delete your account</h3>
      <p>Erases your stored keys, wallets, bot tokens and history. Bots using your tokens stop at once. This cannot be undone.</p>
      <div className="wa-actions">
        <ConfirmDialog
          title="Delete your account?"
          consequence={
            <p>
              Every stored exchange key, linked wallet, bot token and balance history is erased for good and every bot stops. Your keys still exist on the exchanges: delete them there too. You will be asked to verify it is you.
            </p>
          }
          typeToConfirm="ERASE MY ACCOUNT"
          confirmLabel="Delete my account"
          onConfirm={() =>
            erase.mutateAsync().then(
              () => (setErased(true), onErased?.()),
              () => undefined,
            )
          }
        >
          <button type="button" className="wa-danger">
            Delete my account…
          </button>
        </ConfirmDialog>
      </div>
      <div aria-live="polite">
        {erased && <p className="wa-callout wa-callout-ok">Your account was erased.</p>}
        {erase.error instanceof StepUpCancelledError ? <p className="wa-muted">Not deleted: verification cancelled.</p> : <ErrorNote error={erase.error} />}
      </div>
    </Section>
  );
}
