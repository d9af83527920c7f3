/**
 * Bounded soak on the real PostgreSQL: mixed traffic from several users (sessions) and bot
 * tokens for WALLET_AUTH_SOAK_SECONDS (default 300). Zero 5xx, zero lost acknowledged writes
 * (every acknowledged create is readable afterwards), RSS printed at start, after warm-up and at
 * the end. Gated: runs only with WALLET_AUTH_SOAK=1 and DATABASE_URL (`.ci/run` sets both), so a
 * developer's `pnpm test` stays quick.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SecurityHarness, startSecurityHarness } from "./securityHarness.js";

const SECONDS = Number(process.env.WALLET_AUTH_SOAK_SECONDS ?? 300);
const USERS = 6;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

describe.skipIf(process.env.WALLET_AUTH_SOAK !== "1" || !process.env.DATABASE_URL)(`soak: ${SECONDS} s of mixed traffic on the real PostgreSQL`, () => {
  let h: SecurityHarness;
  beforeAll(async () => {
    h = await startSecurityHarness({ store: { kind: "postgres", connectionString: process.env.DATABASE_URL as string } });
  });
  afterAll(() => h.close());

  it("serves every request without a 5xx and loses no acknowledged write", async () => {
    const users = await Promise.all(
      Array.from({ length: USERS }, async (_, i) => {
        const userId = `user_soak_${i}`;
        const session = await h.token(userId);
        const apiKey = `SOAK${i}${randomBytes(24).toString("hex")}`.slice(0, 64);
        h.exchange.addAccount({ apiKey, secret: "k".repeat(64), balances: { USDT: { free: String(i + 1), locked: "0" } } });
        const cred = await h.walletAuth.credentials.create({ userId }, { exchange: "binance", label: "soak", apiKey, secret: "k".repeat(64) });
        const bot = await h.walletAuth.tokens.create({ userId }, { label: "soak", scopes: ["credentials:read", "balances:read", "audit:read", "exchange:read"], credentialIds: [cred.id] });
        return { userId, session, bot: bot.token, credentialId: cred.id, acknowledged: [] as string[] };
      }),
    );
    const statuses = new Map<number, number>();
    let requests = 0;
    let n = 0;
    const hit = async (token: string, method: string, path: string, body?: unknown) => {
      const r = await fetch(`${h.base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const json = (await r.json().catch(() => null)) as any;
      requests += 1;
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      expect(r.status, `${method} ${path}`).toBeLessThan(500);
      return { status: r.status, json };
    };
    const rss = [process.memoryUsage().rss];
    const warmUpAt = Date.now() + Math.min(30_000, (SECONDS * 1000) / 5);
    let warmed = false;
    const until = Date.now() + SECONDS * 1000;
    await Promise.all(
      users.flatMap((u) => [
        (async () => {
          while (Date.now() < until) {
            if (!warmed && Date.now() > warmUpAt) {
              warmed = true;
              rss.push(process.memoryUsage().rss);
            }
            const step = (n += 1) % 5;
            if (step === 0) {
              const apiKey = `SOAKW${n}${randomBytes(24).toString("hex")}`.slice(0, 64);
              h.exchange.addAccount({ apiKey, secret: "w".repeat(64), balances: {} });
              const r = await hit(u.session, "POST", "/v1/credentials", { exchange: "binance", label: `w${n}`, apiKey, secret: "w".repeat(64) });
              if (r.status === 201) u.acknowledged.push(r.json.id);
            } else if (step === 1) await hit(u.session, "GET", "/v1/credentials");
            else if (step === 2) await hit(u.session, "GET", "/v1/audit?limit=20");
            else if (step === 3) await hit(u.session, "GET", `/v1/credentials/${u.credentialId}/balances`);
            else await hit(u.session, "GET", "/v1/me");
          }
        })(),
        (async () => {
          while (Date.now() < until) {
            await hit(u.bot, "GET", `/v1/credentials/${u.credentialId}/balances`);
            await hit(u.bot, "POST", `/v1/credentials/${u.credentialId}/exchange/fetchBalance`, {});
          }
        })(),
      ]),
    );
    rss.push(process.memoryUsage().rss);
    let acknowledged = 0;
    for (const u of users) {
      for (const id of u.acknowledged) {
        acknowledged += 1;
        expect((await hit(u.session, "GET", `/v1/credentials/${id}`)).status, id).toBe(200);
      }
      expect((await hit(u.session, "GET", "/v1/audit/verify")).json.ok).toBe(true);
    }
    console.log(
      `[soak] ${SECONDS} s, ${USERS} users + ${USERS} bot tokens: ${requests} requests (${Math.round(requests / SECONDS)}/s), statuses ${[...statuses].map(([s, c]) => `${s}: ${c}`).join(", ")}; ` +
        `${acknowledged} acknowledged creates all readable; RSS start ${mb(rss[0]!)}, after warm-up ${mb(rss[1] ?? rss[0]!)}, end ${mb(rss[rss.length - 1]!)}`,
    );
    expect(acknowledged).toBeGreaterThan(0);
  }, (SECONDS + 120) * 1000);
});
