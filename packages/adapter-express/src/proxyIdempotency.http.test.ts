import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpHarness, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

/**
 * The proxy route's `Idempotency-Key`: a retried or duplicated order request never becomes a
 * second order. Against the loopback Binance (real ccxt signing), on memory, PGlite and (with
 * DATABASE_URL) the real PostgreSQL server, where the parallel case is a real race.
 */
describe.each(storeKinds())("exchange proxy Idempotency-Key on $name", (kind) => {
  let h: HttpHarness;
  let n = 0;
  const order = { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.001", price: "49900" };

  async function placeOrder(token: string, credentialId: string, key: string | undefined) {
    const res = await fetch(`${h.base}/v1/credentials/${credentialId}/exchange/createOrder`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(key === undefined ? {} : { "idempotency-key": key }) },
      body: JSON.stringify({ args: order }),
    });
    return { status: res.status, replayed: res.headers.get("idempotent-replayed"), body: (await res.json()) as Record<string, any> };
  }

  async function account() {
    const apiKey = `IDEMKEY${String(++n).padStart(25, "0")}`;
    const secret = `idem-secret-${n}-${"s".repeat(20)}`;
    h.exchange.addAccount({ apiKey, secret, permissions: { enableSpotAndMarginTrading: true }, balances: { USDT: { free: "100000", locked: "0" } } });
    const userId = `user_idem_${n}`;
    const token = await h.token(userId);
    const created = await fetch(`${h.base}/v1/credentials`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ exchange: "binance", label: "bot", apiKey, secret }),
    });
    expect(created.status).toBe(201);
    return { apiKey, token, credentialId: ((await created.json()) as { id: string }).id };
  }

  beforeAll(async () => {
    h = await startHttpHarness(kind);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("a retried order with the same Idempotency-Key gets the first result, marked Idempotent-Replayed; the exchange sees one order", async () => {
    const a = await account();
    const first = await placeOrder(a.token, a.credentialId, "retry-after-timeout");
    expect(first.status).toBe(200);
    expect(first.replayed).toBeNull();
    expect(first.body.clientOrderId).toMatch(/^wa[0-9a-f]{26}$/);
    const retry = await placeOrder(a.token, a.credentialId, "retry-after-timeout");
    expect(retry.status).toBe(200);
    expect(retry.replayed).toBe("true");
    expect(retry.body).toEqual(first.body);
    expect(h.exchange.orders(a.apiKey)).toHaveLength(1);
    // Without a key every request is an order of its own.
    expect((await placeOrder(a.token, a.credentialId, undefined)).status).toBe(200);
    expect(h.exchange.orders(a.apiKey)).toHaveLength(2);
  });

  it("8 parallel requests with one Idempotency-Key place exactly one order; the others get 409 CONFLICT or the stored result", async () => {
    const a = await account();
    const held = h.exchange.hold("/api/v3/order");
    const requests = Array.from({ length: 8 }, () => placeOrder(a.token, a.credentialId, "parallel-1"));
    await held.reached;
    // Give every other request time to reach the store while the first is held at the exchange.
    await new Promise((resolve) => setTimeout(resolve, 500));
    held.release();
    const results = await Promise.all(requests);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1 + results.filter((r) => r.replayed === "true").length);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.code).toBe("CONFLICT");
    expect(h.exchange.orders(a.apiKey)).toHaveLength(1);
  });

  it("the same Idempotency-Key with other arguments is 409 CONFLICT, and a malformed key 400", async () => {
    const a = await account();
    expect((await placeOrder(a.token, a.credentialId, "reuse-me")).status).toBe(200);
    const res = await fetch(`${h.base}/v1/credentials/${a.credentialId}/exchange/createOrder`, {
      method: "POST",
      headers: { authorization: `Bearer ${a.token}`, "content-type": "application/json", "idempotency-key": "reuse-me" },
      body: JSON.stringify({ args: { ...order, amount: "0.002" } }),
    });
    expect(res.status).toBe(409);
    expect((await placeOrder(a.token, a.credentialId, "x".repeat(256))).status).toBe(400);
    expect(h.exchange.orders(a.apiKey)).toHaveLength(1);
  });
});
