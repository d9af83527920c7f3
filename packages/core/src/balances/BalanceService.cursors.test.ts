import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../memory.js";
import type { ChainGateway, ChainTokenTransfer } from "../ports/ChainGateway.js";
import type { CredentialRecord } from "../ports/CredentialStore.js";
import type { ExchangeGateway, ExchangeHistoryEntry } from "../ports/ExchangeGateway.js";
import type { ExchangeSecretProvider } from "./types.js";
import { BalanceService } from "./BalanceService.js";

const ctx = { userId: "user_cursor" };
const CHAIN = "eip155:31337";
const TOKEN = "0x00000000000000000000000000000000000000a1" as const;
const HOLDER = "0x00000000000000000000000000000000000000b2" as const;

/** A chain whose head the test moves; it records every log range read. */
function countingChain() {
  const ranges: Array<[bigint | undefined, bigint | undefined]> = [];
  const state = { head: 5_000n };
  const chain: ChainGateway = {
    supports: (id) => id === CHAIN,
    verifyContractSignature: async () => ({ valid: false, method: "none" }),
    getNativeBalance: async () => 0n,
    getTokenBalances: async ({ tokens }) => tokens.map(() => 0n),
    getBalances: async ({ tokens }) => ({ native: 0n, tokens: tokens.map(() => 0n) }),
    getBlockNumber: async () => state.head,
    getTokenTransfers: async ({ fromBlock, toBlock }) => {
      ranges.push([fromBlock, toBlock]);
      const transfers: ChainTokenTransfer[] = [];
      // One incoming transfer every 1,000 blocks.
      for (let b = ((fromBlock ?? 0n) + 999n) / 1000n * 1000n; b <= (toBlock ?? state.head); b += 1000n) {
        if (b === 0n) continue;
        transfers.push({ token: TOKEN, from: "0x00000000000000000000000000000000000000c3", to: HOLDER, value: 10n ** 18n, txHash: `0x${b.toString(16).padStart(64, "0")}`, logIndex: 0, blockNumber: b, timestamp: new Date(Number(b) * 1000) });
      }
      return transfers;
    },
  };
  return { chain, ranges, state };
}

async function walletService(chain: ChainGateway, now: { ms: number }) {
  const store = createMemoryStore();
  await store.users.ensure(ctx.userId, new Date(now.ms));
  const wallet = await store.wallets.insert({
    id: "wallet-cursor",
    userId: ctx.userId,
    chainNamespace: "eip155",
    chainReference: "31337",
    address: HOLDER,
    label: null,
    metadata: {},
    isPrimary: true,
    verifiedAt: new Date(now.ms),
    createdAt: new Date(now.ms),
    updatedAt: new Date(now.ms),
  });
  const balances = new BalanceService({
    store,
    chains: chain,
    chainAssets: { [CHAIN]: { tokens: [{ address: TOKEN, symbol: "TKN", decimals: 18 }] } },
    chainLogBlockRange: 2_000,
    clock: { now: () => new Date(now.ms) },
  });
  return { balances, store, source: { type: "wallet" as const, walletId: wallet.id } };
}

describe("history sync reads only what is new (cursor per source)", () => {
  it("reads chain transfer logs in bounded 2,000-block ranges and, on the next sync, only the blocks after the stored cursor", async () => {
    const { chain, ranges, state } = countingChain();
    const now = { ms: Date.UTC(2026, 0, 1) };
    const { balances, source } = await walletService(chain, now);
    const first = await balances.transactions(ctx, { source });
    expect(ranges).toEqual([
      [0n, 1_999n],
      [2_000n, 3_999n],
      [4_000n, 5_000n],
    ]);
    expect(first.items).toHaveLength(5);
    state.head = 5_100n;
    now.ms += 6 * 60_000; // past the history TTL: the next call syncs again
    ranges.length = 0;
    const second = await balances.transactions(ctx, { source });
    expect(ranges).toEqual([[5_001n, 5_100n]]);
    expect(second.items).toHaveLength(5);
  });

  it("stops after maxBlockRangesPerSync ranges and carries on from there on the next sync", async () => {
    const { chain, ranges } = countingChain();
    const now = { ms: Date.UTC(2026, 0, 1) };
    const { store, source } = await walletService(chain, now);
    const balances = new BalanceService({
      store,
      chains: chain,
      chainAssets: { [CHAIN]: { tokens: [{ address: TOKEN, symbol: "TKN", decimals: 18 }] } },
      chainLogBlockRange: 1_000,
      maxBlockRangesPerSync: 2,
      clock: { now: () => new Date(now.ms) },
    });
    await balances.transactions(ctx, { source });
    expect(ranges).toEqual([
      [0n, 999n],
      [1_000n, 1_999n],
    ]);
    now.ms += 6 * 60_000;
    ranges.length = 0;
    await balances.transactions(ctx, { source });
    expect(ranges).toEqual([
      [2_000n, 2_999n],
      [3_000n, 3_999n],
    ]);
  });

  it("asks the exchange only for history since the newest entry seen (less the overlap), not all of it every time", async () => {
    const sinces: Array<Date | undefined> = [];
    const entry = (id: string, at: number): ExchangeHistoryEntry => ({ externalId: id, type: "trade", asset: "BTC", amount: "0.1", fee: null, feeAsset: null, status: "ok", occurredAt: new Date(at), txid: null, info: {} });
    let history = [entry("t1", Date.UTC(2026, 0, 1)), entry("t2", Date.UTC(2026, 0, 2))];
    const exchanges = {
      fetchHistory: async ({ since }: { since?: Date | undefined }) => {
        sinces.push(since);
        return history.filter((e) => since === undefined || e.occurredAt >= since);
      },
    } as unknown as ExchangeGateway;
    const credentials: ExchangeSecretProvider = { use: async (_ctx, _id, fn) => fn({ apiKey: "k", secret: "s" }) } as ExchangeSecretProvider;
    const memory = createMemoryStore();
    await memory.users.ensure(ctx.userId, new Date());
    // The service reads the credential only for its exchange id.
    const store = { ...memory, credentials: { ...memory.credentials, get: async () => ({ exchange: "binance" }) as CredentialRecord } };
    const now = { ms: Date.UTC(2026, 0, 3) };
    const cred = { id: "cred-cursor" };
    const balances = new BalanceService({ store, exchanges, credentials, exchangeHistoryOverlapMs: 60_000, clock: { now: () => new Date(now.ms) } });
    const source = { type: "exchange" as const, credentialId: cred.id };
    expect((await balances.transactions(ctx, { source })).items).toHaveLength(2);
    history = [...history, entry("t3", Date.UTC(2026, 0, 3))];
    now.ms += 6 * 60_000;
    expect((await balances.transactions(ctx, { source })).items).toHaveLength(3);
    expect(sinces).toEqual([undefined, new Date(Date.UTC(2026, 0, 2) - 60_000)]);
  });
});
