import { z } from "zod";
import { isSafeText, isStorableText } from "./textRules.js";

/**
 * Shared zod building blocks. Every service parses its arguments with these at run time (not
 * only their types), and the HTTP adapter parses request bodies, params and queries with the
 * same schemas, so the SDK and the API refuse exactly the same input.
 */

/** A record id (credential, wallet, lease, token...): a non-empty string of at most 128 safe ASCII characters. */
export const idSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/);

/** A user id (Clerk's `user_...`, or a bot's own id): 1-256 printable ASCII characters. */
export const userIdSchema = z.string().min(1).max(256).regex(/^[\x21-\x7e]+$/);

/** A label a person gives a credential, wallet or token: trimmed, 1-100 characters, {@link isSafeText}. */
export const labelSchema = z
  .string()
  .max(400)
  .transform((value) => value.trim())
  .pipe(z.string().min(1).max(100).refine(isSafeText, { message: "unsafe characters" }));

/** Free text that is stored but never shown as a name (user agents, request ids): storable, bounded. */
export function storableText(max: number) {
  return z.string().max(max).refine(isStorableText, { message: "unstorable characters" });
}

/** The first and last instants a date input may name: 1970-01-01T00:00:00.000Z .. 9999-12-31T23:59:59.999Z. */
export const DATE_INPUT_RANGE = { min: new Date(Date.UTC(1970, 0, 1)), max: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)) } as const;

/**
 * The one date rule: a valid instant inside 1970-01-01..9999-12-31 (UTC). Every date a caller gives
 * (credential expiry, history and audit filters, over the SDK or HTTP) is checked with it, so the
 * memory store and PostgreSQL refuse the same dates and none reaches SQL out of range.
 */
export function isDateInRange(d: Date): boolean {
  const ms = d.getTime();
  return Number.isFinite(ms) && ms >= DATE_INPUT_RANGE.min.getTime() && ms <= DATE_INPUT_RANGE.max.getTime();
}

/** A date from a `Date`, an ISO-8601 string or epoch milliseconds (HTTP bodies and queries), within 1970-01-01..9999-12-31 (UTC). */
export const dateSchema = z.coerce.date().refine(isDateInRange, { message: "out of range" });

/** A positive integer number of milliseconds no greater than `max`. */
export function durationMsSchema(max: number) {
  return z.number().int().positive().max(max);
}

/** The `RequestContext` every service call takes. Unknown fields are refused. */
export const requestContextSchema = z.strictObject({
  userId: userIdSchema,
  actor: z
    .strictObject({
      type: z.enum(["user", "operator", "system", "anonymous"]),
      id: z.string().min(1).max(256).refine(isStorableText).nullable(),
    })
    .optional(),
  requestId: storableText(128).optional(),
  ip: z.string().max(64).regex(/^[0-9A-Fa-f:.%a-zA-Z]*$/).optional(),
  userAgent: storableText(1024).optional(),
});

/** An audit action such as `credential.use`: lowercase dotted words, at most 64 characters. */
export const auditActionSchema = z.string().max(64).regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/);

/**
 * A date filter or field given by a caller: a `Date` or an ISO-8601 string (never a number,
 * `null` or an object), valid and within PostgreSQL's storable years 1970-9999.
 */
export const dateInputSchema = z
  .union([z.date(), z.string().max(64)])
  .transform((value) => (value instanceof Date ? value : new Date(value)))
  .pipe(z.date().refine(isDateInRange, { message: "out of range" }));
