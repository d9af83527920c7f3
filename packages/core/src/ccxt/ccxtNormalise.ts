import type { Balances, Trade, Transaction } from "ccxt";
import type { ExchangeBalance, ExchangeHistoryEntry } from "../ports/ExchangeGateway.js";

/**
 * A ccxt number (the gateway sets `client.number = String`, so usually already a string) as a
 * plain decimal string: no exponent, no float arithmetic.
 */
export function toDecimalString(value: unknown): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value === "string") return expandExponent(value);
  if (typeof value === "number" && Number.isFinite(value)) return expandExponent(String(value));
  if (typeof value === "bigint") return value.toString();
  return null;
}

function expandExponent(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]?\d+)$/i.exec(text.trim());
  if (match === null) return text.trim();
  const [, sign = "", intPart = "", fracPart = "", expText = "0"] = match;
  const exponent = Number(expText);
  const digits = intPart + fracPart;
  const point = intPart.length + exponent;
  let out: string;
  if (point <= 0) out = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  out = out.replace(/^0+(?=\d)/, "");
  if (out.includes(".")) out = out.replace(/\.?0+$/, "");
  return sign + out;
}

/** `true` for a decimal string equal to zero. */
export function isZeroDecimal(value: string | null): boolean {
  return value === null || /^-?0*(\.0*)?$/.test(value);
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
