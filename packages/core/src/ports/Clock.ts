/**
 * Time, injected so the core is deterministic under test.
 */
export interface Clock {
  /** The current instant. Must be monotonic enough for expiry checks (wall clock, UTC). */
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };
