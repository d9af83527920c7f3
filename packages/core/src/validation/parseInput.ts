import type { z } from "zod";
import type { RequestContext } from "../context/RequestContext.js";
import { WalletAuthError } from "../errors/index.js";
import { idSchema, requestContextSchema } from "./schemas.js";

/**
 * Parses `input` with `schema`; on failure throws `INVALID_INPUT` whose `details.fields` lists
 * the offending fields by name. Only names the schema declares are ever listed: an unknown
 * field shows as `(unknown)`, because a caller who pastes a secret into the wrong field name
 * must not see it echoed in an error or a log line. The zod error is not kept as `cause` (its
 * issues can echo input).
 *
 * @param schema - the zod schema (object schemas give field names).
 * @param input - untrusted input.
 * @param root - the name of the argument, used when the whole value is wrong (default `(root)`).
 * @returns the parsed value.
 * @throws `INVALID_INPUT`
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, root = "(root)"): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const known = knownKeys(schema);
  const fields = new Set<string>();
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      fields.add("(unknown)");
      continue;
    }
    const first = issue.path[0];
    if (first === undefined) fields.add(root);
    else if (typeof first === "string" && known.has(first)) fields.add(root === "(root)" ? first : `${root}.${first}`);
    else fields.add(root === "(root)" ? "(unknown)" : root);
  }
  throw new WalletAuthError("INVALID_INPUT", { details: { fields: [...fields].sort() }, reason: "schema" });
}

/** The declared keys of an object schema (empty for other schemas). */
function knownKeys(schema: z.ZodType): Set<string> {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return new Set(shape && typeof shape === "object" ? Object.keys(shape) : []);
}

/**
 * Checks a `RequestContext` at run time: `null`, a number `userId`, `""` or 1 MB are
 * `INVALID_INPUT`, never an uncoded `TypeError` or a query.
 *
 * @throws `INVALID_INPUT` (`details.fields` like `["ctx.userId"]`)
 */
export function parseContext(ctx: unknown): RequestContext {
  return parseInput(requestContextSchema, ctx, "ctx") as RequestContext;
}

/**
 * Checks a record id at run time (a string of 1-128 safe characters: not an array, not a
 * `String` object, no NUL).
 *
 * @throws `INVALID_INPUT` (`details.fields` is `[field]`)
 */
export function parseId(id: unknown, field = "id"): string {
  return parseInput(idSchema, id, field);
}
