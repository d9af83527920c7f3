import { type LoopbackExchange, loopbackEndpoints, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { failure } from "@wallet-auth/testing/scenarios";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultAllowedEndpoints } from "./allowedEndpoints.js";
import { createCcxtClient } from "./createCcxtClient.js";

const KEY = "ENDPOINTKEY-0000000000000000000000000001";
const SECRET = "endpoint-secret";
let loop: LoopbackExchange;

beforeAll(async () => {
  loop = await startLoopbackExchange();
  loop.addAccount({ apiKey: KEY, secret: SECRET, balances: { BTC: { free: "1", locked: "0" } }, permissions: { enableWithdrawals: true } });
});
afterAll(() => loop.close());

const client = (extra: object = {}) =>
  createCcxtClient({ exchange: "binance", secret: { apiKey: KEY, secret: SECRET }, urls: { binance: loop.origin }, enableRateLimit: false, ...extra }) as unknown as Promise<
    Record<string, (params?: object) => Promise<unknown>>
  >;

describe("the endpoint allowlist of a Binance client", () => {
  it("lists exactly what the gateway needs: every endpoint the loopback stand-in serves, and nothing else", () => {
    expect([...(defaultAllowedEndpoints.binance ?? [])].sort()).toEqual([...loopbackEndpoints].sort());
  });

  it("refuses a withdrawal or a transfer before any request leaves, even with a withdrawal-enabled key and a direct call", async () => {
    const c = await client();
    // What the product does still works.
    expect(Number(((await c.fetchBalance!()) as { total: Record<string, string> }).total.BTC)).toBe(1);
    loop.resetCounts();
    for (const [method, params] of [
      ["sapiPostCapitalWithdrawApply", { coin: "BTC", address: "bc1qexample", amount: "0.5" }],
      ["sapiPostAssetTransfer", { type: "MAIN_UMFUTURE", asset: "USDT", amount: "100" }],
      ["sapiPostSubAccountTransferSubToMaster", { asset: "BTC", amount: "1" }],
      ["privatePostOrderOco", { symbol: "BTCUSDT", side: "SELL", quantity: "1", price: "1", stopPrice: "1" }],
    ] as const) {
      const error = await failure(c[method]!(params));
      expect([method, error.code, error.reason]).toEqual([method, "EXCHANGE_UNSUPPORTED", "endpoint-not-allowed"]);
    }
    expect(loop.requestCount()).toBe(0);
  });

  it("can be lifted per exchange for an embedder who calls other endpoints on purpose", async () => {
    const c = await client({ allowedEndpoints: { binance: "any" } });
    loop.resetCounts();
    // The stand-in does not implement it (404), but the request did leave.
    await c.sapiPostAssetTransfer!({ type: "MAIN_UMFUTURE", asset: "USDT", amount: "100" }).catch(() => undefined);
    expect(loop.requestCount("/sapi/v1/asset/transfer")).toBe(1);
  });
});
