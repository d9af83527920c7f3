/** A spot market every stand-in lists, in unified terms; each venue renders its own ids and shapes. */
export interface SpotMarket {
  /** Unified symbol, `"BTC/USDT"`. */
  symbol: string;
  base: string;
  quote: string;
  /** Price increment. */
  tickSize: string;
  /** Amount increment. */
  lotSize: string;
  minAmount: string;
  /** Minimum order value in quote currency. */
  minNotional: string;
}

/** The spot markets of every stand-in. */
export const spotMarkets: readonly SpotMarket[] = [
  { symbol: "BTC/USDT", base: "BTC", quote: "USDT", tickSize: "0.1", lotSize: "0.00001", minAmount: "0.00001", minNotional: "1" },
  { symbol: "ETH/USDT", base: "ETH", quote: "USDT", tickSize: "0.01", lotSize: "0.0001", minAmount: "0.0001", minNotional: "1" },
  { symbol: "SOL/USDT", base: "SOL", quote: "USDT", tickSize: "0.01", lotSize: "0.001", minAmount: "0.001", minNotional: "1" },
  { symbol: "ETH/BTC", base: "ETH", quote: "BTC", tickSize: "0.00001", lotSize: "0.0001", minAmount: "0.0001", minNotional: "0.0001" },
];

/** Last prices by unified symbol. */
export const defaultPrices: Readonly<Record<string, string>> = {
  "BTC/USDT": "65000.1",
  "ETH/USDT": "3200.25",
  "SOL/USDT": "150.125",
  "ETH/BTC": "0.04923",
};

/** The market with this venue id, by a function from a market to its venue id. */
export function marketById(id: string | null | undefined, venueId: (market: SpotMarket) => string): SpotMarket | undefined {
  return id === null || id === undefined ? undefined : spotMarkets.find((m) => venueId(m) === id);
}

/** The market with this unified symbol. */
export function marketBySymbol(symbol: string): SpotMarket | undefined {
  return spotMarkets.find((m) => m.symbol === symbol);
}

/** Decimal places of an increment such as `"0.001"` (3). */
export function decimalsOf(increment: string): number {
  const at = increment.indexOf(".");
  return at < 0 ? 0 : increment.length - at - 1;
}

/** `true` for a non-negative decimal string. */
export function isDecimal(value: unknown): value is string {
  return typeof value === "string" && /^\d+(\.\d+)?$/.test(value);
}

/** Exact product of two non-negative decimal strings (no floats for amounts). */
export function multiplyDecimals(a: string, b: string): string {
  const [ai = "0", af = ""] = a.split(".");
  const [bi = "0", bf = ""] = b.split(".");
  const scale = af.length + bf.length;
  const digits = (BigInt(ai + af) * BigInt(bi + bf)).toString().padStart(scale + 1, "0");
  const whole = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return whole.includes(".") ? whole.replace(/\.?0+$/, "") : whole;
}

/** Sum of two non-negative decimal strings. */
export function addDecimals(a: string, b: string): string {
  const [ai = "0", af = ""] = a.split(".");
  const [bi = "0", bf = ""] = b.split(".");
  const scale = Math.max(af.length, bf.length);
  const digits = (BigInt(ai + af.padEnd(scale, "0")) + BigInt(bi + bf.padEnd(scale, "0"))).toString().padStart(scale + 1, "0");
  const whole = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return whole.includes(".") ? whole.replace(/\.?0+$/, "") : whole;
}

/** `a / b` for non-negative decimal strings, truncated to `scale` places (`b` non-zero). */
export function divideDecimals(a: string, b: string, scale = 8): string {
  const [ai = "0", af = ""] = a.split(".");
  const [bi = "0", bf = ""] = b.split(".");
  const numerator = BigInt(ai + af) * 10n ** BigInt(bf.length + scale);
  const denominator = BigInt(bi + bf) * 10n ** BigInt(af.length);
  const digits = (numerator / denominator).toString().padStart(scale + 1, "0");
  const whole = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return whole.replace(/\.?0+$/, "");
}
