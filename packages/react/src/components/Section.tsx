import { type ReactNode, createContext, useContext, useId } from "react";
import { useWalletAuth } from "../WalletAuthProvider.js";

/**
 * The session's state as every component shows it: a warning while the end is near, and a
 * clear "signed out" notice (announced at once) after a 401 or once the end passed.
 */
export function SessionNotice() {
  const { session } = useWalletAuth();
  // Inside a Section the section already shows it: one notice per section, not per part.
  if (useContext(InSection) || !session.notices) return null;
  if (session.signedOut) {
    return (
      <p role="alert" className="wa-error" data-state="signed-out">
        You are signed out. Sign in again to continue.
      </p>
    );
  }
  if (session.minutesLeft === null) return null;
  return (
    <p role="status" className="wa-warn" data-state="expiring">
      Your session ends in {session.minutesLeft === 1 ? "less than a minute" : `${session.minutesLeft} minutes`}. Finish what you are doing, then sign in again.
    </p>
  );
}

const InSection = createContext(false);

/** A titled section of the package; once signed out it shows only its title and the notice. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  const { signedOut } = useWalletAuth();
  const titleId = useId();
  return (
    <section className="wa-section" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <SessionNotice />
      <InSection.Provider value={true}>{signedOut ? null : children}</InSection.Provider>
    </section>
  );
}
