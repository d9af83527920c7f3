import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpHarness, startHttpHarness, storeKinds } from "../../packages/adapter-express/src/test-support/httpHarness.js";
import { runHostedBot } from "./hostedBot.js";

describe("docs/calling-the-api.md hosted bot example", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness(storeKinds()[0]!);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is shown verbatim in docs/calling-the-api.md", () => {
    const source = readFileSync(new URL("./hostedBot.ts", import.meta.url), "utf8").trimEnd();
    expect(readFileSync(new URL("../calling-the-api.md", import.meta.url), "utf8")).toContain(source);
  });

  it("places and cancels an order through the exchange proxy with a bot token, against the loopback exchange", async () => {
    h.exchange.addAccount({ apiKey: "HOSTEDBOTKEY00000000000000000001", secret: "hosted-secret", permissions: { enableSpotAndMarginTrading: true }, balances: { BTC: { free: "0.5", locked: "0" } } });
    const session = await h.token("user_hosted");
    const post = (path: string, body: unknown) =>
      fetch(`${h.base}${path}`, { method: "POST", headers: { authorization: `Bearer ${session}`, "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
    const credential = await post("/v1/credentials", { exchange: "binance", label: "main", apiKey: "HOSTEDBOTKEY00000000000000000001", secret: "hosted-secret" });
    const token = await post("/v1/tokens", { label: "grid bot", scopes: ["exchange:read", "exchange:trade"], credentialIds: [credential.id] });
    const result = await runHostedBot({ baseUrl: h.base, botToken: token.token, credentialId: credential.id });
    expect(Number(result.btc)).toBe(0.5);
    expect(result.placed).toBeTruthy();
    expect(result.canceled).toBe("canceled");
  });
});
