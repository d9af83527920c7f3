import { manualClock, testHashKey } from "@wallet-auth/testing/scenarios";
import { describe, expect, it } from "vitest";
import { AlertService } from "../alerts/AlertService.js";
import { AuditTrail } from "../audit/AuditTrail.js";
import { createMemoryStore } from "../memory.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { PrivacyService } from "./PrivacyService.js";

const USER = "user_export_stream";
const ctx = { userId: USER, ip: "198.51.100.7" };

async function seed(store: WalletAuthStore, audit: AuditTrail, clock: ReturnType<typeof manualClock>, counts: { snapshots: number; events: number }) {
  const now = clock.now();
  await store.users.ensure(USER, now);
  await store.wallets.insert({
    id: "11111111-1111-4111-8111-111111111111",
    userId: USER,
    chainNamespace: "eip155",
    chainReference: "1",
    address: "0x52908400098527886E0F7030069857D2E4169EE7",
    label: "cold \"quoted\" \u2028",
    metadata: { note: "x" },
    isPrimary: true,
    verifiedAt: now,
    createdAt: now,
    updatedAt: now,
  });
  const hex = (i: number) => i.toString(16).padStart(12, "0");
  await store.snapshots.insertMany(
    Array.from({ length: counts.snapshots }, (_, i) => ({
      id: `22222222-2222-4222-8222-${hex(i)}`,
      userId: USER,
      sourceType: "wallet" as const,
      sourceId: "11111111-1111-4111-8111-111111111111",
      asset: "ETH",
      free: `${i}.5`,
      locked: "0",
      total: `${i}.5`,
      usdValue: null,
      takenAt: new Date(now.getTime() + i * 1000),
    })),
  );
  await new AlertService({ store, audit, clock }).raise({ userId: USER, kind: "access.new_ip", severity: "medium", details: { lookbackDays: 30 } });
  for (let i = 0; i < counts.events; i += 1) {
    clock.advance(1000);
    await audit.recordNow(store, ctx, { action: "credential.use", outcome: "success", targetId: `t${i}` });
  }
}

/** The service with its audit write switched off, so two exports of one store read the same rows. */
function quietPrivacy(store: WalletAuthStore, audit: AuditTrail, clock: ReturnType<typeof manualClock>) {
  const quiet = Object.assign(Object.create(audit) as AuditTrail, { recordNow: async () => undefined });
  return new PrivacyService({ store, audit: quiet, clock });
}

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}

describe("PrivacyService.exportStream", () => {
  it("writes exactly the bytes of JSON.stringify(export()) for a small user, and audits the export", async () => {
    const store = createMemoryStore();
    const clock = manualClock();
    const audit = new AuditTrail({ hashKey: testHashKey(), clock });
    await seed(store, audit, clock, { snapshots: 3, events: 4 });
    const privacy = quietPrivacy(store, audit, clock);
    expect(await text(await privacy.exportStream(ctx, { pageSize: 2 }))).toBe(JSON.stringify(await privacy.export(ctx)));
    // An empty user too.
    expect(await text(await privacy.exportStream({ userId: "user_nobody" }))).toBe(JSON.stringify(await privacy.export({ userId: "user_nobody" })));

    await new PrivacyService({ store, audit, clock }).exportStream(ctx);
    expect((await store.audit.query({ subjectUserId: USER, action: "privacy.export" })).items).toHaveLength(1);
  });

  it("reads a large export page by page as it is consumed: never more than one page ahead of what was written", async () => {
    const store = createMemoryStore();
    const clock = manualClock();
    const audit = new AuditTrail({ hashKey: testHashKey(), clock });
    await seed(store, audit, clock, { snapshots: 1_000, events: 450 });
    let pagesRead = 0;
    const spied: WalletAuthStore = Object.assign(Object.create(store) as WalletAuthStore, {
      snapshots: { ...store.snapshots, list: (q: Parameters<WalletAuthStore["snapshots"]["list"]>[0]) => ((pagesRead += 1), store.snapshots.list(q)) },
      audit: { ...store.audit, query: (q: Parameters<WalletAuthStore["audit"]["query"]>[0]) => ((pagesRead += 1), store.audit.query(q)) },
    });
    const privacy = quietPrivacy(spied, audit, clock);
    const pageSize = 100;
    let pagesWritten = 0;
    let ahead = 0;
    let longest = 0;
    let out = "";
    for await (const chunk of await privacy.exportStream(ctx, { pageSize })) {
      if (chunk.startsWith('{"id"') || chunk.startsWith(',{"id"')) pagesWritten += 1;
      ahead = Math.max(ahead, pagesRead - pagesWritten);
      longest = Math.max(longest, chunk.length);
      out += chunk;
    }
    // 10 snapshot pages, 5 audit pages (both spied) and the alert page; each read only once the previous one was handed on.
    expect(pagesWritten).toBe(16);
    expect(pagesRead).toBe(15);
    expect(ahead).toBeLessThanOrEqual(1);
    // No chunk holds more than one page of rows (an audit event is ~430 characters), a small part of the whole.
    expect(longest).toBeLessThan(pageSize * 1_000);
    expect(out).toBe(JSON.stringify(await quietPrivacy(store, audit, clock).export(ctx)));
    const doc = JSON.parse(out) as { balanceSnapshots: unknown[]; auditEvents: unknown[] };
    expect([doc.balanceSnapshots.length, doc.auditEvents.length]).toEqual([1_000, 450]);
    expect(longest * 5).toBeLessThan(out.length);
  });
});
