import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditTrail } from "../audit/AuditTrail.js";
import { createMemoryStore } from "../memory.js";
import { Redacted } from "../secret/Redacted.js";
import { AlertDetectors } from "./AlertDetectors.js";
import { AlertService } from "./AlertService.js";
import { redisDetectorWindows } from "./RedisWindowCounter.js";

const url = process.env.REDIS_URL;

describe.skipIf(!url)("detector windows shared through the real Redis (REDIS_URL)", () => {
  let redis: Redis;
  const prefix = `wa:test:detector:${randomBytes(4).toString("hex")}:`;
  beforeAll(() => {
    redis = new Redis(url!);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it("two counters (two replicas) add up within the window, forget what left it, and reset together", async () => {
    const windows = redisDetectorWindows({ client: redis, keyPrefix: prefix });
    const a = windows("auth-ip", 1_000);
    const b = windows("auth-ip", 1_000);
    const t = 1_700_000_000_000;
    expect(await a.hit("ip1", t)).toBe(1);
    expect(await b.hit("ip1", t + 10)).toBe(2);
    expect(await a.hit("ip1", t + 20)).toBe(3);
    expect(await b.hit("ip2", t + 20)).toBe(1);
    // 1 s later the first two hits left the window.
    expect(await b.hit("ip1", t + 1_015)).toBe(2);
    await a.reset("ip1");
    expect(await b.hit("ip1", t + 1_020)).toBe(1);
    expect(await redis.pttl(`${prefix}auth-ip:ip1`)).toBeLessThanOrEqual(1_000);
  });

  it("two detector instances on one store raise the per-user burst once the sum crosses the threshold", async () => {
    const store = createMemoryStore();
    const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(7)) });
    const alerts = new AlertService({ store, audit });
    const windows = redisDetectorWindows({ client: redis, keyPrefix: `${prefix}svc:` });
    const thresholds = { authFailuresPerUser: { count: 4, windowMs: 60_000 } };
    const replicas = [new AlertDetectors({ alerts, thresholds, windows }), new AlertDetectors({ alerts, thresholds, windows })];
    const unsubscribe = replicas.map((d, i) => audit.subscribe((event) => (event.targetId === `r${i}` ? void d.handle(event) : undefined)));
    for (let i = 0; i < 4; i++) {
      // What the router records for a failed sign-in of a known user; each replica sees its own half.
      await audit.recordNow(store, { userId: "user_split" }, { action: "auth.failure", outcome: "failure", targetType: "session", targetId: `r${i % 2}`, details: { reason: "token-expired" } });
    }
    await Promise.all(replicas.map((d) => d.idle()));
    await new Promise((r) => setTimeout(r, 100));
    await Promise.all(replicas.map((d) => d.idle()));
    expect((await alerts.list({ userId: "user_split" })).items.map((a) => a.kind)).toEqual(["auth.failed_burst"]);
    for (const u of unsubscribe) u();
  });
});
