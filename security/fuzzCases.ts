/**
 * The fuzz cases of fuzz.test.ts (routes from the OpenAPI document, fast-check arbitraries for
 * parameters, queries, headers and bodies), shared so the same cases can be sent to the real server
 * process (fuzz.process.test.ts). fuzz.test.ts keeps its own copy until the two are merged.
 *
 * @module
 */
import fc from "fast-check";

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  params: string[];
  query: string[];
  bodyFields: string[];
  hasBody: boolean;
}

type Schema = { properties?: Record<string, unknown>; $ref?: string };

export function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>>; components?: { schemas?: Record<string, Schema> } }): Operation[] {
  const resolve = (s: Schema | undefined): Schema | undefined => (s?.$ref ? doc.components?.schemas?.[s.$ref.split("/").pop() as string] : s);
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const parameters = (op.parameters as Array<{ name: string; in: string }> | undefined) ?? [];
      const body = resolve(((op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content?.["application/json"]?.schema));
      ops.push({
        method: method.toUpperCase(),
        path,
        operationId: String(op.operationId),
        params: parameters.filter((p) => p.in === "path").map((p) => p.name),
        query: parameters.filter((p) => p.in === "query").map((p) => p.name),
        bodyFields: Object.keys(body?.properties ?? {}),
        hasBody: body !== undefined,
      });
    }
  }
  return ops;
}

// --- arbitraries -------------------------------------------------------------------------
const nasty = fc.constantFrom(
  "\u0000", "a\u0000b", "\u0007\u001b[31m", "\u202e\u2066evil", "\ud800", "\udfff", "\ufeff", "\uffff", "💥".repeat(50), "ﷺ", "Z̴̡̛͓͖a̷l̸g̵o",
  "../../../etc/passwd", "%00", "%E0%A4%A", "' OR '1'='1' --", "'; DROP TABLE api_credentials; --", "$(id)", "${7*7}", "{{7*7}}",
  "__proto__", "constructor", "prototype", "null", "undefined", "NaN", "-1", "0", "1e309", "9007199254740993", "true", "[]", "{}",
  "<script>alert(1)</script>", "javascript:alert(1)", "A".repeat(10_000), "é".repeat(70_000),
);
const text = fc.oneof(nasty, fc.string({ unit: "binary", maxLength: 64 }), fc.string({ unit: "grapheme", maxLength: 32 }), fc.string({ maxLength: 300 }));
const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(text, { maxLength: 5 }),
  fc.dictionary(text, text, { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant({ __proto__: { admin: true } }),
);

/** A body: JSON built from the route's fields with wrong values, random JSON, or raw bytes. */
const bodyFor = (op: Operation) =>
  fc.oneof(
    fc.record({ kind: fc.constant("fields" as const), value: fc.dictionary(fc.constantFrom(...(op.bodyFields.length > 0 ? op.bodyFields : ["x"]), "extra", "__proto__"), jsonish, { maxKeys: 6 }) }),
    fc.record({ kind: fc.constant("json" as const), value: jsonish }),
    fc.record({ kind: fc.constant("duplicate" as const), value: fc.tuple(fc.constantFrom(...(op.bodyFields.length > 0 ? op.bodyFields : ["label"])), jsonish, jsonish) }),
    fc.record({ kind: fc.constant("malformed" as const), value: fc.constantFrom('{"a":', "{'a':1}", "[1,2,", '{"a":1}}', "\u0000", '{"a":"\\ud800"}', "NaN", '{"a":1e999999}', "{".repeat(5000), '"' + "x".repeat(100)) }),
    fc.record({ kind: fc.constant("oversized" as const), value: fc.integer({ min: 65 * 1024, max: 300 * 1024 }) }),
    fc.record({ kind: fc.constant("none" as const), value: fc.constant(null) }),
  );

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  { weight: 1, arbitrary: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/xml", "", "application/json, text/plain") },
);

/** Header values fetch can send (no CR, LF or NUL): latin-1 printable. */
const headerText = fc.oneof(fc.constantFrom("Bearer ", "Bearer x.y.z", "Basic YTpi", "bearer  ", "Bearer " + "A".repeat(8000), "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyXzEifQ."), fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")));

const auth = fc.oneof({ weight: 4, arbitrary: fc.constant("valid" as const) }, { weight: 2, arbitrary: fc.constant("bot" as const) }, { weight: 1, arbitrary: fc.constant("admin" as const) }, { weight: 2, arbitrary: fc.oneof(fc.constant("none" as const), headerText.map((h) => ({ header: h }))) });

export const caseFor = (op: Operation, origin: string) =>
  fc.record({
    params: fc.tuple(...op.params.map(() => fc.oneof({ weight: 1, arbitrary: fc.constant("@real") }, { weight: 4, arbitrary: text.filter((s) => s.length > 0) })), fc.constant(null)),
    query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...op.query, "limit", "cursor", "format", "a[b]", "x[]", "__proto__[admin]"), text), text), { maxLength: 4 }),
    body: bodyFor(op),
    contentType,
    auth,
    requestId: fc.option(headerText, { nil: undefined }),
    origin: fc.option(fc.constantFrom(origin, "http://evil.test", "null", ""), { nil: undefined }),
    cookie: fc.option(headerText.map((h) => `__session=${h}`), { nil: undefined }),
  });

/** Percent-encodes the UTF-8 bytes (lone surrogates become U+FFFD, as any client would send them). */
export const enc = (value: string) => [...Buffer.from(value, "utf8")].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`)).join("");
/** Sent as is when it is printable ASCII without delimiters: reaches the server's own decoding (e.g. `%E0%A4%A`). */
export const raw = (value: string) => (/^[\x21-\x7e]+$/.test(value) && !/[/?#]/.test(value) ? value : enc(value));


/** The tokens a case may use, by its `auth` kind. */
export type CaseTokens = Record<"valid" | "admin" | "bot", string>;

/**
 * The HTTP request of one generated case: path (under `prefix`, params filled, real ids where the
 * case asks for one), headers and body.
 */
export function requestFor(
  op: Operation,
  c: { params: (string | null)[]; query: [string, string][]; auth: "valid" | "admin" | "bot" | "none" | { header: string }; requestId?: string | undefined; origin?: string | undefined; cookie?: string | undefined; contentType: string; body: { kind: string; value?: unknown } },
  options: { prefix: string; real: Record<string, string>; tokens: CaseTokens },
): { path: string; headers: Record<string, string>; body: string | undefined } {
  let path = `${options.prefix}${op.path}`;
  op.params.forEach((name, i) => {
    const value = c.params[i] === "@real" ? (options.real[name] ?? "x") : (c.params[i] as string);
    path = path.replace(`{${name}}`, i % 2 === 0 ? raw(value) : enc(value));
  });
  const qs = c.query.map(([k, v]) => `${raw(k)}=${raw(v)}`).join("&");
  const headers: Record<string, string> = {};
  if (c.auth === "valid" || c.auth === "admin" || c.auth === "bot") headers.authorization = `Bearer ${options.tokens[c.auth]}`;
  else if (c.auth !== "none") headers.authorization = c.auth.header;
  if (c.requestId !== undefined) headers["x-request-id"] = c.requestId;
  if (c.origin !== undefined) headers.origin = c.origin;
  if (c.cookie !== undefined) headers.cookie = c.cookie;
  let body: string | undefined;
  const b = c.body as { kind: string; value: never };
  if (b.kind === "fields" || b.kind === "json") body = JSON.stringify(b.value);
  else if (b.kind === "duplicate") {
    const [key, first, second] = b.value as [string, unknown, unknown];
    body = `{${JSON.stringify(key)}:${JSON.stringify(first) ?? "null"},${JSON.stringify(key)}:${JSON.stringify(second) ?? "null"}}`;
  } else if (b.kind === "malformed") body = b.value as string;
  else if (b.kind === "oversized") body = JSON.stringify({ label: "x".repeat(b.value as number) });
  if (body !== undefined && op.method !== "GET") headers["content-type"] = c.contentType;
  return { path: `${path}${qs ? `?${qs}` : ""}`, headers, body };
}
