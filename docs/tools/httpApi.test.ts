import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpHarness, startHttpHarness, storeKinds } from "../../packages/adapter-express/src/test-support/httpHarness.js";
import { renderHttpApi } from "./renderHttpApi.js";

const page = new URL("../http-api.md", import.meta.url);

describe("docs/http-api.md", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness(storeKinds()[0]!);
  });
  afterAll(() => h.close());

  it("is the rendering of the OpenAPI document the router serves (regenerate with UPDATE_DOCS=1)", async () => {
    const response = await fetch(`${h.base}/openapi.json`);
    expect(response.status).toBe(200);
    const rendered = renderHttpApi((await response.json()) as Parameters<typeof renderHttpApi>[0]);
    if (process.env.UPDATE_DOCS === "1") writeFileSync(page, rendered);
    expect(readFileSync(page, "utf8")).toBe(rendered);
  });
});
