import { describeError } from "../apiError.js";

/** An error as a person sees it: the API's generic message and what to do next, announced to screen readers. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="wa-error">
      {describeError(error)}
    </p>
  );
}
