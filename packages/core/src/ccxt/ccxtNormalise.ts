import type { Balances, Trade, Transaction } from "ccxt";
import { isZeroDecimal, toPlainDecimal } from "../balances/decimal.js";
import type { ExchangeBalance, ExchangeHistoryEntry } from "../ports/ExchangeGateway.js";

/**
 * A ccxt number (the gateway sets `client.number = String`, so usually already a string) as a
 * plain decimal string: no exponent, no float arithmetic (big.js, through `balances/decimal`).
 * `null` for a missing or non-numeric value.
 */
export function toDecimalString(value: unknown): string | null {
  if (typeof value === "string") return value.trim() === "" ? null : toPlainDecimal(value);
  if (typeof value === "number" && Number.isFinite(value)) return toPlainDecimal(String(value));
  if (typeof value === "bigint") return value.toString();
  return null;
}

/** ccxt balances to the port's shape: non-zero assets only, sorted by asset. */
export function toExchangeBalances(balances: Balances): ExchangeBalance[] {
  const free = (balances.free ?? {}) as unknown as Record<string, unknown>;
  const used = (balances.used ?? {}) as unknown as Record<string, unknown>;
  const total = (balances.total ?? {}) as unknown as Record<string, unknown>;
  const assets = new Set([...Object.keys(free), ...Object.keys(used), ...Object.keys(total)]);
  const out: ExchangeBalance[] = [];
  for (const asset of [...assets].sort()) {
    const row = {
      asset,
      free: toDecimalString(free[asset]) ?? "0",
      locked: toDecimalString(used[asset]) ?? "0",
      total: toDecimalString(total[asset]) ?? "0",
    };
    if (!isZeroDecimal(row.total) || !isZeroDecimal(row.free) || !isZeroDecimal(row.locked)) out.push(row);
  }
  return out;
}

function status(value: string | undefined): ExchangeHistoryEntry["status"] {
  if (value === "ok" || value === "pending" || value === "failed" || value === "canceled") return value;
  if (value === "cancelled") return "canceled";
  return "pending";
}

/** A ccxt trade as a history entry; the base asset's quantity is the amount. */
export function tradeToEntry(trade: Trade): ExchangeHistoryEntry {
  const [base = "", quote = ""] = (trade.symbol ?? "").split("/");
  return {
    externalId: `${trade.symbol ?? ""}:${trade.id ?? ""}`,
    type: "trade",
    asset: base,
    amount: toDecimalString(trade.amount) ?? "0",
    fee: toDecimalString(trade.fee?.cost),
    feeAsset: trade.fee?.currency ?? null,
    status: "ok",
    occurredAt: new Date(trade.timestamp ?? 0),
    txid: null,
    info: {
      symbol: trade.symbol ?? null,
      side: trade.side ?? null,
      price: toDecimalString(trade.price),
      cost: toDecimalString(trade.cost),
      quote: quote === "" ? null : quote.split(":")[0] ?? null,
      takerOrMaker: trade.takerOrMaker ?? null,
    },
  };
}

/** A ccxt deposit or withdrawal as a history entry. */
export function transactionToEntry(tx: Transaction, type: "deposit" | "withdrawal"): ExchangeHistoryEntry {
  return {
    externalId: `${type}:${tx.id ?? tx.txid ?? String(tx.timestamp)}`,
    type,
    asset: tx.currency ?? "",
    amount: toDecimalString(tx.amount) ?? "0",
    fee: toDecimalString(tx.fee?.cost),
    feeAsset: tx.fee?.currency ?? null,
    status: status(tx.status),
    occurredAt: new Date(tx.timestamp ?? 0),
    txid: tx.txid ?? null,
    info: { network: tx.network ?? null },
  };
}
