/**
 * Exact decimal-string arithmetic over bigint, for amounts (never floats).
 */

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

interface Scaled {
  value: bigint;
  scale: number;
}

function parse(text: string): Scaled {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new RangeError("not a decimal string");
  const fraction = match[3] ?? "";
  const value = BigInt(`${match[2]}${fraction}`);
  return { value: match[1] ? -value : value, scale: fraction.length };
}

/** `true` for a plain decimal string such as `"-12.5"` (no exponent, no grouping). */
export function isDecimalString(text: string): boolean {
  return DECIMAL.test(text.trim());
}

/**
 * Formats raw units with `decimals` places exactly, trimming trailing zeros
 * (`formatUnits(1_500_000n, 6) === "1.5"`).
 */
export function formatUnits(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const text = abs.toString().padStart(decimals + 1, "0");
  const whole = text.slice(0, text.length - decimals);
  const fraction = decimals === 0 ? "" : text.slice(text.length - decimals).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

function format({ value, scale }: Scaled): string {
  return formatUnits(value, scale);
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.value * 10n ** BigInt(scale - a.scale), b.value * 10n ** BigInt(scale - b.scale), scale];
}

/** `a + b`, exact. */
export function addDecimal(a: string, b: string): string {
  const [x, y, scale] = align(parse(a), parse(b));
  return format({ value: x + y, scale });
}

/** `a - b`, exact. */
export function subtractDecimal(a: string, b: string): string {
  const [x, y, scale] = align(parse(a), parse(b));
  return format({ value: x - y, scale });
}

/** `a * b` rounded half away from zero to `places` decimals. */
export function multiplyDecimal(a: string, b: string, places: number): string {
  const x = parse(a);
  const y = parse(b);
  const product = x.value * y.value;
  const scale = x.scale + y.scale;
  if (scale <= places) return format({ value: product, scale });
  const divisor = 10n ** BigInt(scale - places);
  const negative = product < 0n;
  const abs = negative ? -product : product;
  let quotient = abs / divisor;
  if ((abs % divisor) * 2n >= divisor) quotient += 1n;
  return format({ value: negative ? -quotient : quotient, scale: places });
}

/** `true` when the decimal is zero. */
export function isZeroDecimal(a: string): boolean {
  return parse(a).value === 0n;
}

const SCIENTIFIC = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * A plain decimal string for `text`, expanding exponent notation exactly (`"1e-8"` ->
 * `"0.00000001"`) and trimming redundant zeros; `null` when `text` is not a number.
 */
export function toPlainDecimal(text: string): string | null {
  const match = SCIENTIFIC.exec(text.trim());
  if (!match) return null;
  const digits = `${match[2]}${match[3] ?? ""}`;
  const exponent = Number(match[4] ?? "0");
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 1000) return null;
  const scale = (match[3] ?? "").length - exponent;
  const value = BigInt(digits) * (scale < 0 ? 10n ** BigInt(-scale) : 1n);
  return formatUnits(match[1] ? -value : value, Math.max(scale, 0));
}
