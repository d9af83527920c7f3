import { createCheckAuthorization } from "@clerk/shared/authorization";
import { reverificationError } from "@clerk/shared/authorization-errors";
import type { SessionPrincipal } from "./authenticate.js";

/** Which factor a sensitive action needs and how recent it must be (Clerk's reverification config). */
export interface StepUpOptions {
  /** Default `"second_factor"` (the first factor when the user has no second factor), as Clerk's `strict` preset. */
  level?: "first_factor" | "second_factor" | "multi_factor" | undefined;
  /** Default 10. */
  afterMinutes?: number | undefined;
}

/** Resolved once by the router. */
export interface ResolvedStepUp {
  level: "first_factor" | "second_factor" | "multi_factor";
  afterMinutes: number;
}

/** Resolves the defaults. */
export function resolveStepUp(options: StepUpOptions = {}): ResolvedStepUp {
  return { level: options.level ?? "second_factor", afterMinutes: options.afterMinutes ?? 10 };
}

/**
 * `true` when the session verified its factors recently enough: Clerk's own
 * `has({ reverification })` over the token's factor-verification-age claim, offline.
 */
export function isRecentlyVerified(principal: SessionPrincipal, config: ResolvedStepUp): boolean {
  const has = createCheckAuthorization({
    userId: principal.userId,
    orgId: null,
    orgRole: null,
    orgPermissions: null,
    factorVerificationAge: principal.factorVerificationAge,
    features: null,
    plans: null,
  });
  return has({ reverification: { level: config.level, afterMinutes: config.afterMinutes as 10 } });
}

/** The body part Clerk's frontend helpers (`useReverification`) recognise, so they prompt and retry. */
export function reverificationBody(config: ResolvedStepUp): Record<string, unknown> {
  return reverificationError({ level: config.level, afterMinutes: config.afterMinutes as 10 }) as unknown as Record<string, unknown>;
}
