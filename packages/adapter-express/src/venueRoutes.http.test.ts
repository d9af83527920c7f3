import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpHarness, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

describe("GET /v1/venues", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness(storeKinds()[0]!);
  });
  afterAll(() => h?.close());

  const get = async (path: string, token?: string) => {
    const r = await fetch(`${h.base}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    return { status: r.status, body: (await r.json()) as unknown };
  };

  it("lists the supported venues with what a key form needs, no secret, for a signed-in user", async () => {
    const { status, body } = await get("/v1/venues", await h.token("user_venues"));
    expect(status).toBe(200);
    const venues = body as { id: string; requiredFields: string[]; leaveOffPermissions: string[]; egressIps: string[] }[];
    expect(venues.map((v) => v.id)).toEqual(expect.arrayContaining(["binance", "okx", "bybit", "coinbase", "kraken", "kucoin", "bitget", "gate"]));
    expect(venues.find((v) => v.id === "kucoin")).toMatchObject({ requiredFields: ["apiKey", "secret", "password"], egressIps: [] });
    expect(venues.find((v) => v.id === "kraken")?.leaveOffPermissions).toContain("Withdraw Funds");
  });

  it("answers 401 without a session", async () => {
    expect((await get("/v1/venues")).status).toBe(401);
  });

  it("asks for a fresh verification before a key renewal that accepts an unknown withdrawal permission", async () => {
    const stale = await h.token("user_venues", { stale: true });
    const r = await fetch(`${h.base}/v1/credentials/00000000-0000-4000-8000-000000000000`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${stale}`, "content-type": "application/json" },
      body: JSON.stringify({ acceptUnknownPermissions: true }),
    });
    const renamed = await fetch(`${h.base}/v1/credentials/00000000-0000-4000-8000-000000000000`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${stale}`, "content-type": "application/json" },
      body: JSON.stringify({ label: "x" }),
    });
    expect([r.status, renamed.status]).toEqual([403, 404]);
  });
});
