import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildOpenApiDocument } from "./openapi.js";
import { route } from "./routeSpec.js";

describe("buildOpenApiDocument", () => {
  it("documents the request headers a route declares as header parameters, from the schema the router validates them with", () => {
    const spec = route({
      method: "post", path: "/v1/things/:id", operationId: "makeThing", summary: "s", tag: "t", auth: "session",
      params: z.strictObject({ id: z.string() }),
      headers: z.object({ "idempotency-key": z.string().min(1).max(64).optional().meta({ description: "Repeat-safe key." }) }),
      response: null,
      handler: async ({ headers }) => headers["idempotency-key"],
    });
    const doc = buildOpenApiDocument([spec], { serverUrl: "/api" }) as { servers: unknown; paths: Record<string, { post: { parameters: Array<Record<string, unknown>> } }> };
    expect(doc.servers).toEqual([{ url: "/api", description: expect.any(String) }]);
    const header = doc.paths["/v1/things/{id}"]!.post.parameters.find((p) => p.in === "header");
    expect(header).toMatchObject({ name: "idempotency-key", in: "header", required: false, schema: { type: "string", minLength: 1, maxLength: 64 } });
  });
});
