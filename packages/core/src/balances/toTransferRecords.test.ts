import { describe, expect, it } from "vitest";
import type { ChainTokenTransfer } from "../ports/ChainGateway.js";
import { toTransferRecords } from "./toTransferRecords.js";

const me = "0x00000000000000000000000000000000000000Aa" as const;
const them = "0x00000000000000000000000000000000000000bB" as const;
const token = "0x00000000000000000000000000000000000000C0" as const;
const log = (from: `0x${string}`, to: `0x${string}`, value: bigint, logIndex: number): ChainTokenTransfer => ({
  token,
  from,
  to,
  value,
  txHash: `0x${"ab".repeat(32)}`,
  logIndex,
  blockNumber: 7n,
  timestamp: new Date("2026-01-01T00:00:00Z"),
});

describe("toTransferRecords", () => {
  it("signs amounts from the wallet's side and keys entries by txHash:logIndex", () => {
    const records = toTransferRecords({
      transfers: [log(them, me, 1_500_000n, 0), log(me, them, 250_000n, 1), log(me, me, 5n, 2)],
      tokens: [{ address: token, symbol: "USDC", decimals: 6 }],
      address: me.toLowerCase(),
      chainId: "eip155:1",
      userId: "u",
      sourceId: "w",
      newId: (() => {
        let n = 0;
        return () => `id-${++n}`;
      })(),
    });
    expect(records.map((r) => [r.externalId.slice(-2), r.asset, r.amount])).toEqual([
      [":0", "USDC", "1.5"],
      [":1", "USDC", "-0.25"],
      [":2", "USDC", "0"],
    ]);
    expect(records[0]).toMatchObject({ id: "id-1", userId: "u", sourceType: "wallet", sourceId: "w", type: "transfer", status: "ok", info: { blockNumber: "7" } });
  });
});
