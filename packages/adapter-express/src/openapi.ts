import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { errorCodes } from "@wallet-auth/core";
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
 * The OpenAPI 3.1 document of the routes, generated from the very zod schemas that validate
 * requests. Every route lists the error statuses it can answer with the shared error body.
 */
export function buildOpenApiDocument(routes: readonly RouteSpec[], info: { title?: string; version?: string; serverUrl?: string } = {}): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "clerkSession", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A Clerk session token, as `Authorization: Bearer` or the `__session` cookie (then `X-CSRF-Token` is required on writes).",
  });
  const statuses = [...new Set(errorCodes.map((code) => errorStatus[code]))].sort();
  for (const spec of routes) {
    const ok = spec.status ?? (spec.response === null ? 204 : 200);
    const responses: Record<string, unknown> = {};
    if (spec.response === null) responses[ok] = { description: "Done." };
    else if (spec.response === "stream")
      responses[ok] = { description: "A download.", content: { "application/json": { schema: { type: "string" } }, "application/x-ndjson": { schema: { type: "string" } }, "text/csv": { schema: { type: "string" } } } };
    else responses[ok] = { description: "Success.", content: { "application/json": { schema: spec.response } } };
    for (const status of statuses) responses[status] = { description: "Error (see `error.code`).", content: { "application/json": { schema: errorBodySchema } } };
    registry.registerPath({
      method: spec.method,
      path: openApiPath(spec.path),
      operationId: spec.operationId,
      summary: spec.summary,
      tags: [spec.tag],
      security: [{ clerkSession: [] }],
      ...stepUpDoc(spec),
      request: {
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.body ? { body: { content: { "application/json": { schema: spec.body } }, required: true } } : {}),
      },
      responses: responses as never,
    });
  }
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: "3.1.0",
    info: { title: info.title ?? "wallet-auth API", version: info.version ?? "1" },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
  }) as unknown as Record<string, unknown>;
}
