import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { AlertDetectors } from "../alerts/AlertDetectors.js";
import { AlertService } from "../alerts/AlertService.js";
import { createLogAlertSink } from "../alerts/createLogAlertSink.js";
import { createWebhookAlertSink } from "../alerts/createWebhookAlertSink.js";
import { createMemoryStore } from "../memory.js";
import { PrivacyService } from "../privacy/PrivacyService.js";
import { RotationService } from "../rotation/RotationService.js";
import { manualClock, ringOf, seedCredentials } from "@wallet-auth/testing/scenarios";
import { Redacted } from "../secret/Redacted.js";
import { AuditService } from "./AuditService.js";
import { AuditTrail } from "./AuditTrail.js";
import { verifyAuditChain } from "./verifyAuditChain.js";

// 32 bytes, so the same text can serve as the audit hash key.
// Dots, not dashes: it must pass the context check to reach the IP-hash path as a client IP.
const SECRET = "PLANTED.s3cr3t.7f1e2d3c4b5a69780";

/** Every way the secret could show up: text, hex, base64, base64url (also of the UTF-8 bytes). */
function forms(secret: string): string[] {
  const b = Buffer.from(secret, "utf8");
  return [secret, b.toString("hex"), b.toString("hex").toUpperCase(), b.toString("base64"), b.toString("base64url"), b.toString("base64").slice(0, 24)];
}

function render(value: unknown): string {
  const parts = [inspect(value, { depth: 20, showHidden: true })];
  try {
    parts.push(JSON.stringify(value));
  } catch {
    // circular: inspect covers it
  }
  if (value instanceof Error) parts.push(value.message, value.stack ?? "", String((value as { reason?: unknown }).reason));
  return parts.join("\n");
}

describe("a planted secret never leaks from the audit, alert, rotation and privacy services", () => {
  it("appears in no returned object, error, log line, webhook request or stored row", async () => {
    const seen: unknown[] = [];
    const logLines: string[] = [];
    const logger = { warn: (o: Record<string, unknown>, m: string) => void logLines.push(JSON.stringify(o) + m) };
    const clock = manualClock();
    const audit = new AuditTrail({
      hashKey: Redacted.make(new Uint8Array(Buffer.from(SECRET, "utf8"))),
      clock,
      onListenerError: (e) => logLines.push(render(e)),
    });
    const store = audit.track(createMemoryStore());

    const received: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      req.on("end", () => {
        received.push(JSON.stringify(req.headers) + body);
        res.writeHead(500).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

    try {
      const alerts = new AlertService({
        store,
        audit,
        clock,
        sinks: [
          createLogAlertSink({ logger }),
          createWebhookAlertSink({ url, signingSecret: Redacted.make(SECRET), timeoutMs: 500, retries: 1, backoff: { initialMs: 5 } }),
        ],
        onDelivery: (o) => logLines.push(JSON.stringify(o)),
      });
      const detectors = new AlertDetectors({ alerts, store, clock, thresholds: { authFailuresPerUser: { count: 2, windowMs: 60_000 } }, onError: (e) => logLines.push(render(e)) });
      detectors.attach(audit);

      // The secret as the client IP, and under every secret-looking details key.
      const ctx = { userId: "user_leak_0", ip: SECRET, requestId: "req-leak" };
      const planted = { apiKey: SECRET, secret: SECRET, password: SECRET, token: SECRET, signature: SECRET, privateKey: SECRET, apiSecret: SECRET };
      for (let i = 0; i < 3; i++) seen.push(await audit.recordNow(store, ctx, { action: "auth.failure", outcome: "failure", details: planted }));
      seen.push(await store.transaction((tx) => audit.record(tx, ctx, { action: "credential.create", outcome: "success", details: planted })));
      seen.push(await audit.recordSystem(store, { action: "key.add", outcome: "success", details: planted }, { chain: "ops" }));
      seen.push(await alerts.raise({ userId: ctx.userId, kind: "manual", severity: "low", details: planted }));
      seen.push(await audit.recordNow(store, ctx, { action: "Bad Action", outcome: "success", details: planted }).catch((e: unknown) => e));

      // Credentials whose plaintext is the secret; one corrupted so rotation reports a failure.
      const seeded = await seedCredentials(store, ringOf(["old"]), { count: 6, prefix: "leak", users: 2, plaintext: () => SECRET });
      const [victimId, victim] = [...seeded][0] as [string, { userId: string }];
      const foreign = ringOf(["old"]).seal(Buffer.from(SECRET), { userId: victim.userId, recordId: "elsewhere", purpose: "credential:binance" });
      await store.credentials.update(victim.userId, victimId, { sealedSecret: foreign.sealed, updatedAt: clock.now() });
      const rotation = new RotationService({ store, keyRing: ringOf(["old", "new"]), audit, alerts, clock, maxKeyAgeDays: 1 });
      seen.push(await rotation.status());
      seen.push(await rotation.runRewrap({ batchSize: 2 }));
      seen.push(await rotation.assertRetirable("old").catch((e: unknown) => e));
      seen.push(await rotation.checkKeyAge());

      const auditService = new AuditService({ store, audit });
      seen.push(await auditService.query(ctx, { limit: 1000 }));
      for (const format of ["json", "ndjson", "csv"] as const) seen.push(await (await auditService.export(ctx, { format })).text());
      seen.push(await auditService.query(ctx, { limit: -1 }).catch((e: unknown) => e));

      const privacy = new PrivacyService({ store, audit, clock });
      seen.push(await privacy.export(ctx));
      seen.push(await privacy.erase(ctx));
      seen.push(await verifyAuditChain({ store, userId: ctx.userId, hashKey: Redacted.make(new Uint8Array(Buffer.from(SECRET))) }));
      seen.push(createWebhookAlertSink.bind(null, { url: "ftp://x", signingSecret: Redacted.make(SECRET) }));
      try {
        createWebhookAlertSink({ url: "ftp://x", signingSecret: Redacted.make(SECRET) });
      } catch (error) {
        seen.push(error);
      }
      await detectors.idle();
      await alerts.flush();

      expect(received.length).toBeGreaterThan(0);
      expect(logLines.length).toBeGreaterThan(0);
      const haystacks = {
        returned: seen.map(render).join("\n"),
        logs: logLines.join("\n"),
        webhook: received.join("\n"),
        rows: store.dump(),
      };
      for (const [where, text] of Object.entries(haystacks)) {
        for (const form of forms(SECRET)) expect(text.includes(form), `${where} contains a form of the secret`).toBe(false);
      }
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
