import { bench, describe } from "vitest";
import { reportVitestFigures } from "../../../../bench/report.js";
import { addDecimal, formatUnits, multiplyDecimal } from "./decimal.js";

// The path a user runs on every balance read: each asset's raw units formatted, valued at its
// USD price (2 places), and the values summed. 20 assets per read, as a busy account has.
// Baseline: the hand-written bigint implementation big.js replaced (kept here only to compare).

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;
function parse(text: string): { value: bigint; scale: number } {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new RangeError("not a decimal string");
  const fraction = match[3] ?? "";
  const value = BigInt(`${match[2]}${fraction}`);
  return { value: match[1] ? -value : value, scale: fraction.length };
}
function handFormatUnits(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const text = abs.toString().padStart(decimals + 1, "0");
  const whole = text.slice(0, text.length - decimals);
  const fraction = decimals === 0 ? "" : text.slice(text.length - decimals).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}
function handAdd(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return handFormatUnits(x.value * 10n ** BigInt(scale - x.scale) + y.value * 10n ** BigInt(scale - y.scale), scale);
}
function handMultiply(a: string, b: string, places: number): string {
  const x = parse(a);
  const y = parse(b);
  const product = x.value * y.value;
  const scale = x.scale + y.scale;
  if (scale <= places) return handFormatUnits(product, scale);
  const divisor = 10n ** BigInt(scale - places);
  const negative = product < 0n;
  const abs = negative ? -product : product;
  let quotient = abs / divisor;
  if ((abs % divisor) * 2n >= divisor) quotient += 1n;
  return handFormatUnits(negative ? -quotient : quotient, places);
}

const assets = Array.from({ length: 20 }, (_, i) => ({ raw: 1_234_567_890_123_456_789n * BigInt(i + 1), decimals: 18, price: `${60_000 + i}.${i}5` }));

function valueRead(format: typeof formatUnits, multiply: typeof multiplyDecimal, add: typeof addDecimal): string {
  let total = "0";
  for (const a of assets) total = add(total, multiply(format(a.raw, a.decimals), a.price, 2));
  return total;
}

if (valueRead(formatUnits, multiplyDecimal, addDecimal) !== valueRead(handFormatUnits, handMultiply, handAdd)) throw new Error("implementations disagree");

reportVitestFigures(import.meta.url, { multiplier: 1, unit: "reads/s" });

describe("valuing one balance read (20 assets: format, multiply by price, sum)", () => {
  bench("big.js (balances/decimal)", () => {
    valueRead(formatUnits, multiplyDecimal, addDecimal);
  });
  bench("baseline: hand-written bigint decimals", () => {
    valueRead(handFormatUnits, handMultiply, handAdd);
  });
});
