import { describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import { createMemoryStore } from "../memory.js";
import { AuditService } from "./AuditService.js";
import { AuditTrail } from "./AuditTrail.js";
import type { AuditEventView } from "./auditExportFormats.js";
import { csvCell } from "./auditExportFormats.js";
import { manualClock, testHashKey } from "@wallet-auth/testing/scenarios";

async function setup() {
  const store = createMemoryStore();
  const clock = manualClock();
  const audit = new AuditTrail({ hashKey: testHashKey(), clock });
  const service = new AuditService({ store, audit, exportPageSize: 2 });
  const alice = { userId: "user_alice", ip: "192.0.2.1", userAgent: "=HYPERLINK(\"http://evil\")" };
  const bob = { userId: "user_bob" };
  for (let i = 0; i < 5; i++) {
    clock.advance(60_000);
    await audit.recordNow(store, alice, {
      action: i % 2 ? "credential.use" : "auth.failure",
      outcome: i % 2 ? "success" : "failure",
      targetId: i === 3 ? '-2+3,"x"\nnext' : `t${i}`,
      details: { i, label: i === 1 ? "@SUM(A1)" : "plain" },
    });
  }
  await audit.recordNow(store, bob, { action: "credential.use", outcome: "success", targetId: "bob-secret-cred" });
  return { store, clock, audit, service, alice, bob };
}

describe("AuditService.query", () => {
  it("returns only the caller's events, newest first, filtered and paged", async () => {
    const { service, alice } = await setup();
    const all = await service.query(alice, { limit: 1000 });
    expect(all.items).toHaveLength(5);
    expect(all.items.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(JSON.stringify(all)).not.toContain("bob-secret-cred");
    const failures = await service.query(alice, { outcome: "failure" });
    expect(failures.items.every((e) => e.action === "auth.failure")).toBe(true);
    expect(failures.items).toHaveLength(3);
    const first = await service.query(alice, { limit: 2 });
    const second = await service.query(alice, { limit: 2, cursor: first.nextCursor ?? undefined });
    expect([...first.items, ...second.items].map((e) => e.seq)).toEqual([5, 4, 3, 2]);
  });

  it("hides the chain key, personal digest and IP hash from the user view", async () => {
    const { service, alice } = await setup();
    const [event] = (await service.query(alice, { limit: 1 })).items;
    expect(Object.keys(event as AuditEventView)).not.toEqual(expect.arrayContaining(["chainKey"]));
    expect(event).not.toHaveProperty("ipHash");
    expect(event).not.toHaveProperty("personalDigest");
  });

  it("filters by time window", async () => {
    const { service, alice } = await setup();
    const from = new Date("2026-01-01T00:02:00.000Z");
    const to = new Date("2026-01-01T00:04:00.000Z");
    const page = await service.query(alice, { from, to });
    expect(page.items.map((e) => e.occurredAt)).toEqual(["2026-01-01T00:03:00.000Z", "2026-01-01T00:02:00.000Z"]);
  });

  it("rejects invalid filters", async () => {
    const { service, alice } = await setup();
    await expect(service.query(alice, { limit: 0 })).rejects.toSatisfy((e) => isWalletAuthError(e, "INVALID_INPUT"));
    await expect(service.query(alice, { from: new Date("nope") })).rejects.toSatisfy((e) => isWalletAuthError(e, "INVALID_INPUT"));
    await expect(service.query(alice, { outcome: "maybe" as "success" })).rejects.toSatisfy((e) => isWalletAuthError(e, "INVALID_INPUT"));
  });
});

describe("AuditService.export", () => {
  it("exports JSON and NDJSON of the caller's events only, and audits the export", async () => {
    const { service, alice } = await setup();
    const json = await service.export(alice, { format: "json" });
    expect(json.contentType).toMatch(/application\/json/);
    const parsed = JSON.parse(await json.text()) as AuditEventView[];
    expect(parsed.map((e) => e.action)).toContain("audit.export");
    expect(parsed.map((e) => e.seq)).toEqual([6, 5, 4, 3, 2, 1]);
    const nd = await (await service.export(alice, { format: "ndjson", action: "credential.use" })).text();
    const lines = nd.trim().split("\n").map((l) => JSON.parse(l) as AuditEventView);
    expect(lines.map((e) => e.seq)).toEqual([4, 2]);
    expect(nd).not.toContain("bob-secret-cred");
  });

  it("streams chunks", async () => {
    const { service, alice } = await setup();
    const chunks: string[] = [];
    for await (const chunk of await service.export(alice, { format: "ndjson" })) chunks.push(chunk);
    expect(chunks.length).toBe(6);
  });

  it("exports CSV that parses back to the same values and neutralises formulas", async () => {
    const { service, alice } = await setup();
    const csv = await (await service.export(alice, { format: "csv" })).text();
    const rows = parseCsv(csv);
    const header = rows[0] as string[];
    expect(header.slice(0, 4)).toEqual(["id", "seq", "occurredAt", "action"]);
    const col = (name: string) => header.indexOf(name);
    const bySeq = new Map(rows.slice(1).map((r) => [r[col("seq")], r]));
    expect(bySeq.get("4")?.[col("targetId")]).toBe(`'-2+3,"x"\nnext`);
    expect(bySeq.get("1")?.[col("userAgent")]).toBe(`'=HYPERLINK("http://evil")`);
    expect(JSON.parse(bySeq.get("2")?.[col("details")] ?? "null")).toEqual({ i: 1, label: "@SUM(A1)" });
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("rejects an unknown format", async () => {
    const { service, alice } = await setup();
    await expect(service.export(alice, { format: "xml" as "csv" })).rejects.toSatisfy((e) => isWalletAuthError(e, "INVALID_INPUT"));
  });
});

describe("csvCell", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@x", "'@x"],
    ["\tx", "'\tx"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["line\nbreak", '"line\nbreak"'],
    ["plain", "plain"],
  ])("%j -> %j", (input, output) => {
    expect(csvCell(input)).toBe(output);
  });
});

/** A strict RFC 4180 parser, independent of the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      i += 1;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i += 1;
    } else cell += c;
    i += 1;
  }
  return rows;
}
