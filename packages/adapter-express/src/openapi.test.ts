import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildOpenApiDocument } from "./openapi.js";
import { route } from "./routeSpec.js";

describe("buildOpenApiDocument", () => {
  it("is costly to build (printed), so the router builds it once and only swaps servers per request", async () => {
    const { createWalletAuthRouter } = await import("./createWalletAuthRouter.js");
    const { createWalletAuth, KeyRing, Redacted } = await import("@wallet-auth/core");
    const { createMemoryStore } = await import("@wallet-auth/core/memory");
    const { createClerkTestKeys } = await import("@wallet-auth/testing/clerk");
    const walletAuth = createWalletAuth({
      store: createMemoryStore(),
      keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: new Uint8Array(32).fill(1) }], primaryKeyId: "k1" }),
      secrets: { fingerprintKey: Redacted.make(new Uint8Array(32).fill(2)), auditKey: Redacted.make(new Uint8Array(32).fill(3)) },
      siwe: { domain: "a.test", uri: "http://a.test", chainIds: ["eip155:1"] },
    });
    try {
      const router = createWalletAuthRouter(walletAuth, { allowedOrigins: [], clerk: { jwtKey: createClerkTestKeys().publicKeyPem, authorizedParties: ["http://a.test"] } });
      router.openApiDocument();
      const started = performance.now();
      for (let i = 0; i < 5; i++) router.openApiDocument({ serverUrl: `/m${i}` });
      const each = (performance.now() - started) / 5;
      console.log(`[openapi] one document build: ${each.toFixed(1)} ms`);
      expect(each).toBeGreaterThan(0);
    } finally {
      await walletAuth.shutdown();
    }
  });

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
