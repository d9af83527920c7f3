import BigLib from "big.js";

/**
 * The policy module's own big.js constructor (another module's global Big settings never reach
 * it). Strict: only strings become amounts, so a float can never slip into a cap or a notional.
 */
export const PolicyBig = BigLib();
PolicyBig.strict = true;
PolicyBig.DP = 40;
// Comparisons and sums only: rounding is never needed except for display, which stays exact.
PolicyBig.RM = PolicyBig.roundHalfUp;

/** A plain, non-negative decimal string as the policy accepts it: no sign, no exponent, at most 18 decimals. */
export const DECIMAL_PATTERN = /^(0|[1-9][0-9]{0,23})(\.[0-9]{1,18})?$/;

/** Parses a decimal string the schema already checked. */
export function dec(text: string): BigLib.Big {
  return new PolicyBig(text);
}

/** Number of digits after the decimal point (trailing zeros count: "1.50" has 2). */
export function decimalPlaces(text: string): number {
  const dot = text.indexOf(".");
  return dot === -1 ? 0 : text.length - dot - 1;
}

/** Prints a Big as a plain decimal string (never an exponent). */
export function plain(value: BigLib.Big): string {
  return value.toFixed();
}
