import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTradingBot } from "./tradingBot.js";

const b64 = () => randomBytes(32).toString("base64");
const filesUnder = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));

describe("docs/embedding.md trading bot example", () => {
  let exchange: LoopbackExchange;
  let dataDir: string;
  beforeAll(async () => {
    exchange = await startLoopbackExchange();
    dataDir = mkdtempSync(join(tmpdir(), "wa-embedding-"));
  });
  afterAll(async () => {
    await exchange.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("is shown verbatim in docs/embedding.md", () => {
    const source = readFileSync(new URL("./tradingBot.ts", import.meta.url), "utf8").trimEnd();
    expect(readFileSync(new URL("../embedding.md", import.meta.url), "utf8")).toContain(source);
  });

  it("stores the key, trades through a lease, reads balances, and leaves no readable secret in the data folder", { timeout: 90_000 }, async () => {
    const apiKey = `EMBED${randomBytes(28).toString("hex")}`.slice(0, 64);
    const secret = randomBytes(32).toString("hex");
    exchange.addAccount({ apiKey, secret, balances: { USDT: { free: "100", locked: "0" } } });
    const env = { WALLET_AUTH_KEYS: `k1:${b64()}`, WALLET_AUTH_PRIMARY_KEY_ID: "k1", WALLET_AUTH_FINGERPRINT_KEY: b64(), WALLET_AUTH_AUDIT_KEY: b64(), WALLET_AUTH_TOKEN_KEY: b64() };
    const result = await runTradingBot(
      { dataDir, env, exchange: { urls: { binance: exchange.origin }, enableRateLimit: false } },
      { id: "user_embedding", apiKey, secret },
    );
    expect(result.usdt).toBe("100");
    expect(result.auditChainOk).toBe(true);
    expect(JSON.stringify(result)).not.toContain(secret);
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const needle of [secret, Buffer.from(secret).toString("base64"), Buffer.from(secret).toString("hex")]) expect(bytes.includes(needle), file).toBe(false);
    }
  });
});
