import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { botTokenScopes, errorCodes } from "@wallet-auth/core";
import { errorStatus } from "./errorStatus.js";
import type { RouteSpec } from "./routeSpec.js";
import { errorBodySchema } from "./schemas.js";

/** `/v1/credentials/:id` -> `/v1/credentials/{id}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, "{$1}");

const REVERIFY = "needs a recent verification (Clerk reverification); a stale session gets 403 with `clerk_error.reason = reverification-error`.";

/** The step-up rule of a route in words and as `x-step-up`, from the same spec the router checks. */
function stepUpDoc(spec: RouteSpec): Record<string, unknown> {
  if (spec.stepUp === true) return { description: `Sensitive: ${REVERIFY}`, "x-step-up": { always: true } };
  if (typeof spec.stepUp !== "object") return {};
  const parts = spec.stepUp.when.map((c) => `\`${c.field}${c.equals === undefined ? "" : `: ${JSON.stringify(c.equals)}`}\``);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} or ${parts.at(-1)}` : (parts[0] ?? "");
  return {
    description: `Sensitive when the body sets ${list}: then it ${REVERIFY} Otherwise no verification is asked for.`,
    "x-step-up": { when: spec.stepUp.when.map((c) => ({ ...c })) },
  };
}

/**
 * Who may call a route, as OpenAPI security requirements (any one of them): a person's Clerk
 * session always; a bot token when the route names a scope, with the scope(s) it needs as the
 * requirement's role list (OpenAPI 3.1 allows roles for non-OAuth schemes).
 */
function securityOf(spec: RouteSpec): Record<string, string[]>[] {
  const session = { clerkSession: [] as string[] };
  if (spec.auth === "signature") return [];
  if (spec.scope === undefined || spec.auth === "admin" || spec.stepUp) return [session];
  if (spec.scope === "any") return [session, { botToken: [] }];
  if (typeof spec.scope === "object") return [session, ...spec.scope.oneOf.map((scope) => ({ botToken: [scope] }))];
  return [session, { botToken: [spec.scope] }];
}

function botScopeNote(spec: RouteSpec): string | undefined {
  if (typeof spec.scope === "object") return `Bot tokens: scope ${spec.scope.oneOf.map((s) => `\`${s}\``).join(" or ")} (decided by the path), and the credential must be one the token lists.`;
  if (spec.scope === undefined || spec.auth === "admin" || spec.stepUp) return undefined;
  return spec.scope === "any" ? "Bot tokens: any valid token." : `Bot tokens: scope \`${spec.scope}\`${spec.credentialParam ? ", and the credential must be one the token lists" : ""}.`;
}

/** The description of the `servers` entry. */
export const SERVER_DESCRIPTION = "Where the router is mounted.";

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiDocumentOptions {
  title?: string | undefined;
  version?: string | undefined;
  /**
   * The `servers` entry: where the router is mounted. The router serves its document with the
   * mount path it was reached at (`req.baseUrl`, e.g. `/api`): relative to the document's own URL,
   * so a generated client calls `<origin>/api/v1/...`. A host serving the document elsewhere (e.g.
   * `/openapi.json` at the root) passes the mount path, or an absolute URL.
   */
  serverUrl?: string | undefined;
}

/**
 * The OpenAPI 3.1 document of the routes, generated from the very zod schemas that validate
 * requests and describe responses (every object is closed: `additionalProperties: false`). Every
 * operation lists the error statuses it can answer with the shared error body (405 is the answer
 * for a method that is not an operation, so no operation lists it), its security requirements
 * (Clerk session; bot token and scope where allowed) and its step-up rule (`x-step-up`).
 */
export function buildOpenApiDocument(routes: readonly RouteSpec[], info: OpenApiDocumentOptions = {}): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "clerkSession", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A Clerk session token, as `Authorization: Bearer` or the `__session` cookie (then `X-CSRF-Token` is required on writes).",
  });
  registry.registerComponent("securitySchemes", "botToken", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "wab_<prefix>_<secret>",
    description:
      `A bot access token (\`POST /v1/tokens\`), as \`Authorization: Bearer wab_...\`. It carries scopes (${botTokenScopes.map((s) => `\`${s}\``).join(", ")}) ` +
      "and, for the exchange scopes, the credential ids it may use; an operation lists the scope it needs. Never accepted on token, privacy, admin or step-up routes.",
  });
  const statuses = [...new Set(errorCodes.map((code) => errorStatus[code]))].filter((status) => status !== 405).sort();
  for (const spec of routes) {
    const ok = spec.status ?? (spec.response === null ? 204 : 200);
    const responses: Record<string, unknown> = {};
    if (spec.response === null) responses[ok] = { description: "Done." };
    else if (spec.response === "stream") {
      const content = Object.fromEntries(Object.entries(spec.streamContent ?? { "application/octet-stream": undefined }).map(([type, schema]) => [type, { schema: schema ?? { type: "string" } }]));
      responses[ok] = { description: "A download (`Content-Disposition: attachment`).", content };
    } else responses[ok] = { description: "Success.", content: { "application/json": { schema: spec.response } } };
    for (const status of statuses) responses[status] = { description: "Error (see `error.code`).", content: { "application/json": { schema: errorBodySchema } } };
    const stepUp = stepUpDoc(spec);
    const note = botScopeNote(spec);
    const description = [stepUp.description, note].filter((d) => d !== undefined).join("\n\n");
    registry.registerPath({
      method: spec.method,
      path: openApiPath(spec.path),
      operationId: spec.operationId,
      summary: spec.summary,
      tags: [spec.tag],
      security: securityOf(spec),
      ...(description ? { description } : {}),
      ...("x-step-up" in stepUp ? { "x-step-up": stepUp["x-step-up"] } : {}),
      request: {
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.headers ? { headers: spec.headers as never } : {}),
        ...(spec.body ? { body: { content: { "application/json": { schema: spec.body } }, required: true } } : {}),
      },
      responses: responses as never,
    });
  }
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: "3.1.0",
    info: { title: info.title ?? "wallet-auth API", version: info.version ?? "1" },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl, description: SERVER_DESCRIPTION }] } : {}),
  }) as unknown as Record<string, unknown>;
}
