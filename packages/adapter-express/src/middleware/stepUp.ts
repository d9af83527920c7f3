import { createCheckAuthorization } from "@clerk/shared/authorization";
import { reverificationError } from "@clerk/shared/authorization-errors";
import type { SessionPrincipal } from "./authenticate.js";

/** Which factor a sensitive action needs and how recent it must be (Clerk's reverification config). */
export interface StepUpOptions {
  /** Default `"second_factor"` (the first factor when the user has no second factor), as Clerk's `strict` preset. */
  level?: "first_factor" | "second_factor" | "multi_factor" | undefined;
  /** Whole minutes, 1 to 1440. Default 10. */
  afterMinutes?: number | undefined;
  /**
   * MFA-enforced mode: a sensitive action needs a second factor that is enrolled AND verified
   * within `afterMinutes` (the token's `fva[1]` from 0 to below `afterMinutes`, as Clerk counts). Clerk's levels let a
   * user without a second factor pass on the first factor alone; this mode never does (such a
   * user gets the same 403 reverification answer, at level `second_factor`, and must enrol one).
   * `level` is then ignored. Default `false`.
   */
  requireMfa?: boolean | undefined;
}

/** Resolved once by the router. */
export interface ResolvedStepUp {
  level: "first_factor" | "second_factor" | "multi_factor";
  afterMinutes: number;
  requireMfa: boolean;
}

/**
 * Checks and resolves the step-up options.
 *
 * @throws TypeError `stepUp.<field>: ...` for a bad value.
 */
export function resolveStepUp(options: StepUpOptions = {}): ResolvedStepUp {
  const level = options.level ?? "second_factor";
  if (!["first_factor", "second_factor", "multi_factor"].includes(level)) throw new TypeError("stepUp.level: first_factor, second_factor or multi_factor");
  const afterMinutes = options.afterMinutes ?? 10;
  if (!Number.isInteger(afterMinutes) || afterMinutes < 1 || afterMinutes > 1440) throw new TypeError("stepUp.afterMinutes: a whole number of minutes from 1 to 1440");
  if (options.requireMfa !== undefined && typeof options.requireMfa !== "boolean") throw new TypeError("stepUp.requireMfa: true or false");
  const requireMfa = options.requireMfa === true;
  return { level: requireMfa ? "second_factor" : level, afterMinutes, requireMfa };
}

/**
 * `true` when the session verified its factors recently enough: Clerk's own
 * `has({ reverification })` over the token's factor-verification-age claim, offline; in
 * MFA-enforced mode, only an enrolled second factor verified within the window counts.
 */
export function isRecentlyVerified(principal: SessionPrincipal, config: ResolvedStepUp): boolean {
  if (config.requireMfa) {
    const second = principal.factorVerificationAge?.[1];
    return typeof second === "number" && second >= 0 && second < config.afterMinutes;
  }
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
