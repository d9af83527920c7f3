import { startLocalChain } from "@wallet-auth/testing/chain";
import { afterAll, bench, describe } from "vitest";
import { createMemoryStore } from "../memory.js";
import { createViemChainGateway } from "../viem.js";
import { BalanceService } from "./BalanceService.js";
import { reportBench, reportVitestFigures } from "../../../../bench/report.js";

// Upstream: a real EVM (ganache in-process), native + one ERC-20 through Multicall3.
const chain = await startLocalChain();
const multicall = await chain.deployMulticall3();
const token = await chain.deployToken({ name: "Bench USD", symbol: "BUSD", decimals: 6 });
const holder = "0x00000000000000000000000000000000000000B0" as const;
await chain.mintToken({ token, to: holder, amount: 1_000_000n });
const chains = createViemChainGateway({ chains: { [chain.caip2]: { transport: chain.transport, multicall3Address: multicall } } });
const chainAssets = { [chain.caip2]: { tokens: [{ address: token, symbol: "BUSD", decimals: 6 }] } };

const store = createMemoryStore();
const ctx = { userId: "user_bench" };
const now = new Date();
await store.users.ensure(ctx.userId, now);
const base = { userId: ctx.userId, chainNamespace: "eip155", chainReference: String(chain.chainId), label: null, metadata: {}, isPrimary: false, verifiedAt: now, createdAt: now, updatedAt: now };
await store.wallets.insert({ ...base, id: "bench-wallet", address: holder });
const source = { type: "wallet" as const, walletId: "bench-wallet" };

const cached = new BalanceService({ store, chains, chainAssets });
await cached.get(ctx, { source }); // warm
const uncached = new BalanceService({ store, chains, chainAssets, cacheTtlMs: 0 });

/** 100 concurrent reads of a cold source; returns chain requests made and wall time. */
async function coldBurst(collapse: boolean): Promise<{ requests: number; ms: number }> {
  const service = new BalanceService({ store, chains, chainAssets, collapseConcurrentReads: collapse });
  chain.resetRequestCounts();
  const started = performance.now();
  await Promise.all(Array.from({ length: 100 }, () => service.get(ctx, { source })));
  return { requests: chain.requestCount(), ms: performance.now() - started };
}
const withCollapse = await coldBurst(true);
const withoutCollapse = await coldBurst(false);
console.log(
  `[single flight] 100 concurrent cold reads: ${withCollapse.requests} chain request(s) in ${withCollapse.ms.toFixed(1)} ms with collapsing, ` +
    `${withoutCollapse.requests} in ${withoutCollapse.ms.toFixed(1)} ms without (${(withoutCollapse.requests / withCollapse.requests).toFixed(0)}x fewer upstream calls)`,
);

reportVitestFigures(import.meta.url);
reportBench(import.meta.url, { name: "single flight: upstream requests for 100 concurrent cold reads", value: withCollapse.requests, unit: "requests", baseline: { name: "without collapsing", value: withoutCollapse.requests }, higherIsBetter: false });
afterAll(() => chain.close());

describe("balance reads", () => {
  bench("cached read (memory cache, 5 min TTL)", async () => {
    await cached.get(ctx, { source });
  });
  bench("baseline: uncached read (Multicall3 eth_call on the local EVM)", async () => {
    await uncached.get(ctx, { source });
  }, { time: 1500 });
});
