import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import type { SecurityAlertRecord } from "../ports/AlertStore.js";
import { Redacted } from "../secret/Redacted.js";
import { createWebhookAlertSink } from "./createWebhookAlertSink.js";
import { WEBHOOK_DELIVERY_HEADER, WEBHOOK_SIGNATURE_HEADER, verifyWebhookSignature } from "./webhookSignature.js";

const SECRET_TEXT = "whsec_planted_0123456789abcdef";
const secret = Redacted.make(SECRET_TEXT);
const now = new Date("2026-01-01T00:00:00.000Z");
const alert: SecurityAlertRecord = {
  id: "alert-1",
  userId: "user_1",
  kind: "auth.failed_burst",
  severity: "high",
  status: "open",
  details: { threshold: 5 },
  dedupeKey: "auth.failed_burst",
  createdAt: now,
  updatedAt: now,
};

interface Received {
  body: string;
  headers: IncomingMessage["headers"];
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A loopback webhook receiver; `respond` decides per attempt (1-based). */
async function receiver(respond: (attempt: number, res: ServerResponse) => void): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => {
      received.push({ body, headers: req.headers });
      respond(received.length, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/wallet-auth`, received };
}

describe("createWebhookAlertSink", () => {
  it("POSTs the alert as JSON with a signature the receiver can verify", async () => {
    const { url, received } = await receiver((_, res) => res.writeHead(204).end());
    const sink = createWebhookAlertSink({ url, signingSecret: secret, timeoutMs: 2000 });
    expect(await sink.send(alert)).toEqual({ delivered: true, attempts: 1 });
    const [req] = received;
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req?.body ?? "")).toMatchObject({ type: "security_alert", alert: { id: "alert-1", kind: "auth.failed_burst" } });
    const header = req?.headers[WEBHOOK_SIGNATURE_HEADER] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret, body: req?.body ?? "", header })).toBe(true);
    expect(verifyWebhookSignature({ secret: Redacted.make("another-secret-000000"), body: req?.body ?? "", header })).toBe(false);
    expect(verifyWebhookSignature({ secret, body: `${req?.body} `, header })).toBe(false);
    expect(JSON.stringify(req)).not.toContain(SECRET_TEXT);
  });

  it("retries on 500 with backoff, keeping one delivery id, then succeeds", async () => {
    const { url, received } = await receiver((n, res) => res.writeHead(n < 3 ? 500 : 200).end("ok"));
    const sink = createWebhookAlertSink({ url, signingSecret: secret, timeoutMs: 2000, retries: 4, backoff: { initialMs: 10, maxMs: 50 } });
    expect(await sink.send(alert)).toEqual({ delivered: true, attempts: 3 });
    expect(new Set(received.map((r) => r.headers[WEBHOOK_DELIVERY_HEADER])).size).toBe(1);
    for (const r of received) expect(verifyWebhookSignature({ secret, body: r.body, header: r.headers[WEBHOOK_SIGNATURE_HEADER] as string })).toBe(true);
  });

  it("does not retry a 4xx other than 408/425/429", async () => {
    const { url, received } = await receiver((_, res) => res.writeHead(400).end());
    const sink = createWebhookAlertSink({ url, signingSecret: secret, retries: 3, backoff: { initialMs: 10 } });
    expect(await sink.send(alert)).toEqual({ delivered: false, attempts: 1 });
    expect(received).toHaveLength(1);
  });

  it("gives up on a server that never answers: each attempt times out, bounded retries", async () => {
    const { url, received } = await receiver(() => {
      /* never responds */
    });
    const sink = createWebhookAlertSink({ url, signingSecret: secret, timeoutMs: 150, retries: 2, backoff: { initialMs: 10, maxMs: 20 } });
    const result = await sink.send(alert);
    expect(result).toEqual({ delivered: false, attempts: 3 });
    expect(received).toHaveLength(3);
  });

  it("stops at the overall deadline even with retries left", async () => {
    const { url, received } = await receiver(() => undefined);
    const sink = createWebhookAlertSink({ url, signingSecret: secret, timeoutMs: 150, retries: 50, deadlineMs: 400, backoff: { initialMs: 10, maxMs: 10 } });
    const result = await sink.send(alert);
    expect(result.delivered).toBe(false);
    expect(result.attempts).toBeLessThan(5);
    expect(received.length).toBe(result.attempts);
  });

  it("retries a refused connection and reports failure without throwing", async () => {
    const { url } = await receiver((_, res) => res.end());
    const dead = url.replace(/:\d+\//, ":1/");
    const sink = createWebhookAlertSink({ url: dead, signingSecret: secret, timeoutMs: 200, retries: 1, backoff: { initialMs: 5 } });
    expect(await sink.send(alert)).toEqual({ delivered: false, attempts: 2 });
  });

  it("refuses a non-http URL or a short secret at creation, without echoing the secret", () => {
    expect(() => createWebhookAlertSink({ url: "file:///etc/passwd", signingSecret: secret })).toThrow();
    try {
      createWebhookAlertSink({ url: "http://127.0.0.1:1/", signingSecret: Redacted.make("short") });
      expect.unreachable();
    } catch (error) {
      expect(isWalletAuthError(error, "INVALID_INPUT")).toBe(true);
      expect(JSON.stringify(error)).not.toContain("short");
    }
  });
});
