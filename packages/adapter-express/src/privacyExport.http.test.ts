import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpHarness, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

// The memory store is enough here: the paging itself is tested in core on every store.
describe("GET /v1/privacy/export", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness(storeKinds()[0]!);
  });
  afterAll(() => h.close());

  it("streams the export (chunked, no Content-Length) and the body is the whole document", async () => {
    const userId = "user_export_http";
    for (let i = 0; i < 1_200; i += 1) {
      await h.walletAuth.audit.recordNow(h.walletAuth.store, { userId, ip: "198.51.100.9" }, { action: "credential.use", outcome: "success", targetId: `t${i}` });
    }
    const res = await fetch(`${h.base}/v1/privacy/export`, { headers: { authorization: `Bearer ${await h.token(userId)}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBeNull();
    expect(res.headers.get("transfer-encoding")).toBe("chunked");
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const doc = (await res.json()) as { format: string; auditEvents: { action: string }[] };
    expect(doc.format).toBe("wallet-auth-export/1");
    // Every event, plus the export's own (audited before the first byte).
    expect(doc.auditEvents).toHaveLength(1_201);
    expect(doc.auditEvents[0]?.action).toBe("privacy.export");
  });
});
