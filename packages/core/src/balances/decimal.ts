import BigLib from "big.js";

/**
 * Exact decimal-string arithmetic for amounts (never floats), on big.js. This module only fixes
 * the rules wallet-auth needs on top of the library: plain decimal strings in and out (never an
 * exponent), rounding half away from zero, and a bound on exponents read from exchanges.
 */

/** A private big.js constructor, so another library's global Big settings never change ours. */
const Big = BigLib();
Big.RM = Big.roundHalfUp; // half away from zero
Big.strict = true; // strings and bigints only: a float never becomes an amount silently

const DECIMAL = /^-?\d+(?:\.\d+)?$/;
const NUMERIC = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** Exponents beyond this are refused: `1e999999` is not a balance, and would print a megabyte. */
const MAX_EXPONENT = 1000;

function plain(text: string): BigLib.Big {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) throw new RangeError("not a decimal string");
  return new Big(trimmed);
}

/** big.js keeps the sign of a negative zero; amounts never show `-0`. */
function print(value: BigLib.Big): string {
  const text = value.toFixed();
  return text === "-0" ? "0" : text;
}

/** `true` for a plain decimal string such as `"-12.5"` (no exponent, no grouping). */
export function isDecimalString(text: string): boolean {
  return DECIMAL.test(text.trim());
}

/**
 * Formats raw units with `decimals` places exactly, trimming trailing zeros
 * (`formatUnits(1_500_000n, 6) === "1.5"`).
 *
 * @param value - raw integer units (wei, satoshi...).
 * @param decimals - how many of the units' digits are decimals (0 or more).
 * @returns a plain decimal string.
 * @example
 * ```ts
 * import { formatUnits } from "@wallet-auth/core";
 * formatUnits(1_500_000n, 6); // "1.5"
 * ```
 */
export function formatUnits(value: bigint, decimals: number): string {
  return print(new Big(`${value}e-${decimals}`));
}

/** `a + b`, exact. @throws `RangeError` when either is not a plain decimal string. */
export function addDecimal(a: string, b: string): string {
  return print(plain(a).plus(plain(b)));
}

/** `a - b`, exact. @throws `RangeError` when either is not a plain decimal string. */
export function subtractDecimal(a: string, b: string): string {
  return print(plain(a).minus(plain(b)));
}

/** `a * b` rounded half away from zero to `places` decimals (trailing zeros trimmed). */
export function multiplyDecimal(a: string, b: string, places: number): string {
  return print(plain(a).times(plain(b)).round(places));
}

/** `true` when the decimal is zero. */
export function isZeroDecimal(a: string): boolean {
  return plain(a).eq("0");
}

/**
 * A plain decimal string for `text`, expanding exponent notation exactly (`"1e-8"` ->
 * `"0.00000001"`) and trimming redundant zeros; `null` when `text` is not a number or its
 * exponent is beyond ±1000.
 */
export function toPlainDecimal(text: string): string | null {
  const trimmed = text.trim();
  if (!NUMERIC.test(trimmed)) return null;
  const exponent = /[eE]([+-]?\d+)$/.exec(trimmed)?.[1];
  if (exponent !== undefined && (exponent.length > 6 || Math.abs(Number(exponent)) > MAX_EXPONENT)) return null;
  return print(new Big(trimmed));
}
