import { z } from "zod";
import { dateInputSchema, idSchema, isStorableText } from "../validation/index.js";

/**
 * Run-time schemas of `BalanceService`'s arguments, built from the shared validation module:
 * ids are plain safe strings (never an array or a `String` object), dates are real dates
 * PostgreSQL can store, and nothing with a NUL reaches a query.
 */

/** A balance source: an exchange credential or a linked wallet of the caller. */
export const balanceSourceSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("exchange"), credentialId: idSchema }),
  z.strictObject({ type: z.literal("wallet"), walletId: idSchema }),
]);

const filterDate = dateInputSchema;
const paging = {
  cursor: z.string().min(1).max(512).refine(isStorableText).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
};

/** `{ source }` of `get`, `refresh` and `invalidate`. */
export const sourceOptionsSchema = z.strictObject({ source: balanceSourceSchema });

/** Options of `history`. */
export const historyOptionsSchema = z.strictObject({
  source: balanceSourceSchema,
  asset: z.string().min(1).max(32).regex(/^[A-Za-z0-9._-]+$/).optional(),
  from: filterDate.optional(),
  to: filterDate.optional(),
  ...paging,
});

/** Options of `transactions`. */
export const transactionOptionsSchema = z.strictObject({
  source: balanceSourceSchema,
  type: z.enum(["trade", "deposit", "withdrawal", "transfer"]).optional(),
  from: filterDate.optional(),
  to: filterDate.optional(),
  ...paging,
});
