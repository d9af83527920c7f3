/**
 * Renders the router's OpenAPI 3.1 document (`GET /openapi.json`) as the markdown page
 * docs/http-api.md. `docs/tools/httpApi.test.ts` fetches the document from a running router and
 * fails when the committed page differs; `UPDATE_DOCS=1 npx vitest run docs/tools` rewrites it.
 *
 * @module
 */

type Schema = Record<string, unknown>;
type Doc = {
  info?: { title?: string; version?: string };
  servers?: Array<{ url?: string }>;
  paths?: Record<string, Record<string, Schema>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, Schema> };
};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n+/g, " ");

/** A one-line type of a JSON schema: `string (uuid)`, `"a" \| "b"`, `Credential[]`, `{ id, label? }`. */
function typeOf(schema: Schema | undefined, depth = 0): string {
  if (schema === undefined) return "any";
  if (typeof schema.$ref === "string") return schema.$ref.split("/").pop() as string;
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if ("const" in schema) return JSON.stringify(schema.const);
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options)) return options.map((o) => typeOf(o as Schema, depth)).join(" | ");
  }
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type;
  if (type === "array") {
    const item = typeOf(schema.items as Schema | undefined, depth);
    return item.includes(" | ") ? `(${item})[]` : `${item}[]`;
  }
  if (type === "object" || schema.properties !== undefined) {
    const props = Object.keys((schema.properties as Record<string, Schema> | undefined) ?? {});
    if (props.length === 0) return "object";
    if (depth > 0) return "object";
    const required = new Set((schema.required as string[] | undefined) ?? []);
    return `{ ${props.map((p) => (required.has(p) ? p : `${p}?`)).join(", ")} }`;
  }
  const limits: string[] = [];
  if (typeof schema.format === "string") limits.push(schema.format);
  if (typeof schema.maxLength === "number") limits.push(`max ${schema.maxLength}`);
  if (typeof schema.pattern === "string") limits.push(`pattern \`${schema.pattern}\``);
  return `${String(type ?? "any")}${limits.length > 0 ? ` (${limits.join(", ")})` : ""}`;
}

/** Rows `name | type | required | description` for an object schema's properties. */
function fieldTable(schema: Schema | undefined): string[] {
  const props = (schema?.properties as Record<string, Schema> | undefined) ?? {};
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  const names = Object.keys(props);
  if (names.length === 0) return [];
  return [
    "| field | type | required | notes |",
    "|---|---|---|---|",
    ...names.map((n) => `| \`${n}\` | ${cell(typeOf(props[n], 1))} | ${required.has(n) ? "yes" : "no"} | ${cell(String(props[n]?.description ?? ""))} |`),
  ];
}

/**
 * The markdown page for an OpenAPI document: one section per tag, one per operation, with its
 * parameters, body fields, success response and error statuses; the shared schemas at the end.
 *
 * @param doc - the parsed `GET /openapi.json` document
 * @returns the page, ending with a newline
 */
export function renderHttpApi(doc: Doc): string {
  const out: string[] = [
    "# HTTP API reference",
    "",
    "<!-- Generated from GET /openapi.json by docs/tools/renderHttpApi.ts; do not edit by hand. -->",
    "<!-- Regenerate: UPDATE_DOCS=1 npx vitest run docs/tools -->",
    "",
    `${doc.info?.title ?? "wallet-auth"} ${doc.info?.version ?? ""}`.trim() +
      ". Every path is relative to where the router is mounted (the reference server mounts it at `/api`); the document the router serves names that mount path in `servers`" +
      (doc.servers?.[0]?.url ? ` (here \`${doc.servers[0].url}\`)` : "") +
      ", so a generated client calls `<origin>/api/v1/...`.",
    "Authentication: a Clerk session token as `Authorization: Bearer <token>` (or the `__session` cookie, then `X-CSRF-Token` on writes), or a bot token where a route allows it (each operation's **Auth** line; the scheme name is case-insensitive).",
    'Every error has the body `{ "error": { "code", "message", "requestId" } }`; the message is fixed per code. A refused input adds `error.fields`; a sensitive action on a stale session adds `clerk_error`. Every 429 carries `Retry-After`. A method a path does not serve gets 405 with `Allow`.',
    "",
  ];
  for (const [name, scheme] of Object.entries(doc.components?.securitySchemes ?? {})) out.push(`- \`${name}\`: ${cell(String(scheme.description ?? ""))}`);
  if (Object.keys(doc.components?.securitySchemes ?? {}).length > 0) out.push("");
  const byTag = new Map<string, Array<{ method: string; path: string; op: Schema }>>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op === undefined) continue;
      const tag = ((op.tags as string[] | undefined) ?? ["other"])[0] as string;
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  out.push("## Routes", "", "| method | path | operation | summary |", "|---|---|---|---|");
  for (const ops of byTag.values()) for (const { method, path, op } of ops) out.push(`| ${method.toUpperCase()} | \`${path}\` | \`${String(op.operationId)}\` | ${cell(String(op.summary ?? ""))} |`);
  out.push("");
  for (const [tag, ops] of byTag) {
    out.push(`## ${tag}`, "");
    for (const { method, path, op } of ops) {
      out.push(`### ${method.toUpperCase()} ${path}`, "", `\`${String(op.operationId)}\`: ${String(op.summary ?? "")}`, "");
      if (typeof op.description === "string") out.push(op.description, "");
      const security = (op.security as Array<Record<string, string[]>> | undefined) ?? [];
      if (security.length > 0) {
        const ways = security.map((req) => Object.entries(req).map(([name, roles]) => (roles.length > 0 ? `${name} (${roles.map((r) => `\`${r}\``).join(", ")})` : name)).join(" + "));
        out.push(`**Auth**: ${ways.join(" or ")}`, "");
      }
      const params = (op.parameters as Schema[] | undefined) ?? [];
      if (params.length > 0) {
        out.push("| parameter | in | type | required |", "|---|---|---|---|");
        for (const p of params) out.push(`| \`${String(p.name)}\` | ${String(p.in)} | ${cell(typeOf(p.schema as Schema | undefined, 1))} | ${p.required === true ? "yes" : "no"} |`);
        out.push("");
      }
      const body = ((op.requestBody as Schema | undefined)?.content as Record<string, Schema> | undefined)?.["application/json"]?.schema as Schema | undefined;
      if (body !== undefined) {
        out.push(`Body (\`application/json\`): ${cell(typeOf(body))}`, "");
        const rows = fieldTable(body);
        if (rows.length > 0) out.push(...rows, "");
      }
      const responses = (op.responses as Record<string, Schema> | undefined) ?? {};
      const codes = Object.keys(responses);
      const success = codes.filter((c) => c.startsWith("2"));
      for (const code of success) {
        const content = responses[code]?.content as Record<string, Schema> | undefined;
        const types = content ? Object.keys(content) : [];
        const schema = content?.["application/json"]?.schema as Schema | undefined;
        if (types.length > 1) {
          out.push(`Success: **${code}**, one of:`, "");
          for (const t of types) {
            const each = content?.[t]?.schema as Schema | undefined;
            out.push(`- \`${t}\`: ${cell(typeOf(each))}${each?.description ? ` (${cell(String(each.description))})` : ""}`);
          }
          out.push("");
        } else out.push(`Success: **${code}**${types.length > 0 ? ` (${types.map((t) => `\`${t}\``).join(", ")})` : ""}${schema && types.length === 1 ? `: ${cell(typeOf(schema))}` : ""}`, "");
      }
      const errors = codes.filter((c) => !c.startsWith("2"));
      if (errors.length > 0) out.push(`Errors: ${errors.join(", ")}`, "");
    }
  }
  const schemas = doc.components?.schemas ?? {};
  if (Object.keys(schemas).length > 0) {
    out.push("## Schemas", "");
    for (const [name, schema] of Object.entries(schemas)) {
      out.push(`### ${name}`, "");
      const rows = fieldTable(schema);
      out.push(...(rows.length > 0 ? rows : [`\`${cell(typeOf(schema))}\``]), "");
    }
  }
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}
