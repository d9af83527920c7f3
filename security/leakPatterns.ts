/**
 * What must never reach a client: stack frames, file paths, SQL text, library and runtime
 * messages. `findLeak` returns the first pattern found in a response (body and headers), or null.
 *
 * @module
 */

/** Named patterns; the name is what a failing test prints. */
export const leakPatterns: ReadonlyArray<readonly [string, RegExp]> = [
  ["stack frame", /\n\s+at [^\n]+:\d+:\d+/],
  ["source path", /(node_modules|\/src\/[\w/.-]+\.(ts|js)|file:\/\/)/],
  ["SQL text", /\b(select\s[\s\S]{0,80}\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from|returning\s+\*)\b/i],
  ["PostgreSQL message", /(relation "|syntax error at|violates (unique|foreign|check|not-null)|duplicate key value|current transaction is aborted|ECONNREFUSED|ECONNRESET|Connection terminated)/i],
  ["zod message", /(ZodError|Invalid input: expected|Unrecognized key|too_big|too_small|invalid_type)/],
  ["JSON parser message", /(Unexpected token|in JSON at position|Unexpected end of JSON|is not valid JSON|Bad control character)/],
  ["runtime message", /(TypeError|ReferenceError|RangeError|URIError|Cannot read propert|is not a function|undefined is not|Maximum call stack)/],
  ["library name", /\b(knex|pglite|ccxt|body-parser|PayloadTooLargeError|request entity too large|express-rate-limit|ioredis|undici)\b/i],
  ["Express default page", /(Cannot (GET|POST|PUT|PATCH|DELETE) \/|<pre>|<!DOCTYPE html>)/],
];

/**
 * The first leak in a response, or null.
 *
 * @param text - body text and header values, concatenated
 * @param extra - case-sensitive literal strings that must not appear either (key ids, secrets)
 */
export function findLeak(text: string, extra: readonly string[] = []): string | null {
  for (const [name, pattern] of leakPatterns) if (pattern.test(text)) return name;
  for (const literal of extra) if (literal.length > 0 && text.includes(literal)) return `literal ${JSON.stringify(literal.slice(0, 12))}...`;
  return null;
}
