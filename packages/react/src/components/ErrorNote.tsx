import { forwardRef } from "react";
import { explainError } from "../apiError.js";

/**
 * An error as a person sees it: what happened and what to do next (one table for every code),
 * announced to screen readers; a reference only when support needs one. Nothing for a quiet
 * outcome (a cancelled verification).
 */
export const ErrorNote = forwardRef<HTMLDivElement, { error: unknown }>(function ErrorNote({ error }, ref) {
  const e = explainError(error);
  if (!e) return null;
  return (
    <div role="alert" className="wa-callout wa-callout-bad wa-error-note" data-code={e.code} ref={ref} tabIndex={-1}>
      <strong>{e.title}</strong> <span>{e.fix}</span>
      {e.reference && <span className="wa-muted"> (reference {e.reference})</span>}
    </div>
  );
});
