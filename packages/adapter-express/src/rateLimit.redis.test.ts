import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpHarness, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

const redisUrl = process.env.REDIS_URL;
const memory = storeKinds()[0]!;

async function challenge(h: HttpHarness, token: string): Promise<Response> {
  return fetch(`${h.base}/v1/wallets/challenge`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ address: "0x000000000000000000000000000000000000dEaD", chainId: "eip155:1" }),
  });
}

describe("rate limits", () => {
  it("answers 429 with Retry-After once a user exceeds the sensitive-route limit (in-process)", async () => {
    const h = await startHttpHarness(memory, { rateLimit: { sensitive: { limit: 2, windowMs: 60_000 } } });
    try {
      const token = await h.token("user_limited");
      expect((await challenge(h, token)).status).toBe(200);
      expect((await challenge(h, token)).status).toBe(200);
      const limited = await challenge(h, token);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
      // Another user is not affected.
      expect((await challenge(h, await h.token("user_other"))).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it("tells the caller the budget of the most specific limit it passed (RateLimit-Policy / RateLimit, draft-7)", async () => {
    const h = await startHttpHarness(memory, { rateLimit: { perIp: { limit: 50, windowMs: 60_000 }, perUser: { limit: 7, windowMs: 60_000 }, sensitive: { limit: 3, windowMs: 60_000 } } });
    try {
      const anonymous = await fetch(`${h.base}/v1/me`);
      expect(anonymous.headers.get("ratelimit-policy")).toBe("50;w=60");
      const token = await h.token("user_headers");
      const me = await fetch(`${h.base}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.headers.get("ratelimit-policy")).toBe("7;w=60");
      expect(me.headers.get("ratelimit")).toMatch(/^limit=7, remaining=6, reset=\d+$/);
      const sensitive = await challenge(h, token);
      expect(sensitive.headers.get("ratelimit-policy")).toBe("3;w=60");
      expect(sensitive.headers.get("ratelimit")).toMatch(/^limit=3, remaining=2, reset=\d+$/);
    } finally {
      await h.close();
    }
  });

  it("stops further failing sign-ins from an IP after repeated failures, but not a valid token", async () => {
    const h = await startHttpHarness(memory, { rateLimit: { authFailures: { limit: 3, windowMs: 60_000 } } });
    try {
      for (let i = 0; i < 3; i++) expect((await fetch(`${h.base}/v1/me`, { headers: { authorization: "Bearer nope" } })).status).toBe(401);
      const blocked = await fetch(`${h.base}/v1/me`, { headers: { authorization: "Bearer nope" } });
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get("retry-after")).toBeTruthy();
      expect((await fetch(`${h.base}/v1/me`, { headers: { authorization: `Bearer ${await h.token("user_x")}` } })).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe("rate limits under parallel good traffic", () => {
  it("never counts 50 parallel authenticated requests from one IP as failed sign-ins", async () => {
    const h = await startHttpHarness(memory, { rateLimit: { authFailures: { limit: 5, windowMs: 60_000 } } });
    try {
      const token = await h.token("user_parallel");
      const statuses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${h.base}/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status)));
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe.skipIf(!redisUrl)("rate limits shared through Redis", () => {
  const prefix = `wa:test:${randomBytes(6).toString("hex")}:`;
  let redis: import("ioredis").Redis;
  let a: HttpHarness;
  let b: HttpHarness;

  beforeAll(async () => {
    const { Redis } = await import("ioredis");
    redis = new Redis(redisUrl!);
    const rateLimit = { prefix, sendCommand: (...args: string[]) => redis.call(args[0]!, ...args.slice(1)) as never, sensitive: { limit: 3, windowMs: 60_000 } };
    a = await startHttpHarness(memory, { rateLimit });
    b = await startHttpHarness(memory, { rateLimit });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it("counts one user's requests across two router instances and answers 429 with Retry-After on either", async () => {
    // Both harnesses verify tokens of their own key; the same user id on both is the same limit key.
    expect((await challenge(a, await a.token("user_shared"))).status).toBe(200);
    expect((await challenge(b, await b.token("user_shared"))).status).toBe(200);
    expect((await challenge(a, await a.token("user_shared"))).status).toBe(200);
    const limited = await challenge(b, await b.token("user_shared"));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe.skipIf(!redisUrl)("a router built before its Redis client has connected", () => {
  const prefix = `wa:test:${randomBytes(6).toString("hex")}:`;
  let redis: import("ioredis").Redis;
  let h: HttpHarness;

  beforeAll(async () => {
    const { Redis } = await import("ioredis");
    // Not connected yet and no offline queue: every command is refused, as while Redis is down.
    redis = new Redis(redisUrl!, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on("error", () => {});
    h = await startHttpHarness(memory, { rateLimit: { prefix, sendCommand: (...args: string[]) => redis.call(args[0]!, ...args.slice(1)) as never, sensitive: { limit: 2, windowMs: 60_000 } } });
  });
  afterAll(async () => {
    await h?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it("serves while Redis is unreachable, then enforces the shared limit once it answers (the failed script load is retried)", async () => {
    const token = await h.token("user_late_redis");
    expect((await challenge(h, token)).status).toBe(200);
    // The first refused command made ioredis start connecting; wait until it is ready.
    if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await challenge(h, token)).status);
    expect(statuses).toContain(429);
    expect(await redis.keys(`${prefix}*`)).not.toEqual([]);
  });
});
