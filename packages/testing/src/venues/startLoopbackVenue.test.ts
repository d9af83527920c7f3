import { afterAll, describe, expect, it } from "vitest";
import { connectCcxtToVenue } from "./connectCcxtToVenue.js";
import { loopbackVenueIds, startLoopbackVenue } from "./startLoopbackVenue.js";
import type { LoopbackVenue, LoopbackVenueId } from "./types.js";

const started: LoopbackVenue[] = [];
afterAll(async () => {
  await Promise.all(started.map((v) => v.close()));
});

describe("startLoopbackVenue", () => {
  it("starts every venue by id on 127.0.0.1, and refuses an id without a stand-in", async () => {
    expect([...loopbackVenueIds].sort()).toEqual(["binance", "bitget", "bybit", "coinbase", "gate", "kraken", "kucoin", "okx"]);
    for (const id of loopbackVenueIds) {
      const venue = await startLoopbackVenue(id, { credentials: { apiKey: `${id}-key`, secret: "c2VjcmV0", password: "p" } });
      started.push(venue);
      expect(venue.id).toBe(id);
      expect(venue.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    await expect(startLoopbackVenue("ftx" as LoopbackVenueId)).rejects.toThrow(TypeError);
    await expect(startLoopbackVenue("__proto__" as LoopbackVenueId)).rejects.toThrow(TypeError);
  });

  it("records requests, counts them per path and forgets them on resetCounts", async () => {
    const venue = await startLoopbackVenue("okx");
    started.push(venue);
    await fetch(`${venue.origin}/api/v5/public/time`);
    await fetch(`${venue.origin}/api/v5/nowhere`);
    expect(venue.requests()).toEqual([
      { method: "GET", path: "/api/v5/public/time" },
      { method: "GET", path: "/api/v5/nowhere" },
    ]);
    expect(venue.requestCount("/api/v5/public/time")).toBe(1);
    venue.resetCounts();
    expect(venue.requestCount()).toBe(0);
  });

  it("merges a key's introspection override over the venue's documented body", async () => {
    const { createHmac } = await import("node:crypto");
    const venue = await startLoopbackVenue("okx", {
      credentials: { apiKey: "ok", secret: "s", password: "p" },
      permissions: { withdraw: true },
      introspection: { perm: "read_only", label: "custom" },
    });
    started.push(venue);
    const ts = new Date().toISOString();
    const sign = createHmac("sha256", "s").update(`${ts}GET/api/v5/account/config`).digest("base64");
    const response = await fetch(`${venue.origin}/api/v5/account/config`, { headers: { "OK-ACCESS-KEY": "ok", "OK-ACCESS-PASSPHRASE": "p", "OK-ACCESS-TIMESTAMP": ts, "OK-ACCESS-SIGN": sign } });
    const body = (await response.json()) as { code: string; data: Array<Record<string, unknown>> };
    expect(body.code).toBe("0");
    expect(body.data[0]).toMatchObject({ perm: "read_only", label: "custom", ip: "" });
  });

  it("refuses a removed key as the venue refuses an unknown one", async () => {
    const venue = await startLoopbackVenue("gate", { credentials: { apiKey: "gone", secret: "s" } });
    started.push(venue);
    venue.removeAccount("gone");
    const response = await fetch(`${venue.origin}/api/v4/spot/accounts`, { headers: { KEY: "gone", SIGN: "00", Timestamp: String(Math.floor(Date.now() / 1000)) } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ label: "INVALID_KEY", message: "Invalid key provided" });
  });
});

describe("connectCcxtToVenue", () => {
  it("rewrites every API URL to the stand-in, keeping paths, and refuses any other URL", async () => {
    const calls: string[] = [];
    const client = {
      urls: { api: { public: "https://api.example.com/api/v3", private: { rest: "https://{hostname}/v5" }, hostless: "not-a-url" } } as Record<string, unknown>,
      fetch: (url: string) => {
        calls.push(url);
        return Promise.resolve({});
      },
    };
    connectCcxtToVenue(client, "http://127.0.0.1:1234");
    expect(client.urls.api).toEqual({ public: "http://127.0.0.1:1234/api/v3", private: { rest: "http://127.0.0.1:1234/v5" }, hostless: "not-a-url" });
    await client.fetch("http://127.0.0.1:1234/api/v3/time");
    await expect(client.fetch("https://api.example.com/api/v3/time")).rejects.toThrow("not the loopback venue");
    await expect(client.fetch("http://127.0.0.1:12345/api")).rejects.toThrow("not the loopback venue");
    expect(calls).toEqual(["http://127.0.0.1:1234/api/v3/time"]);
  });
});
