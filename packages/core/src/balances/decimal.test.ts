import fc from "fast-check";
import { parseUnits } from "viem";
import { describe, expect, it } from "vitest";
import { addDecimal, formatUnits, multiplyDecimal, subtractDecimal, toPlainDecimal } from "./decimal.js";

describe("decimal strings", () => {
  it("formats raw units exactly, with no float rounding", () => {
    expect(formatUnits(1_500_000_000_000_000_001n, 18)).toBe("1.500000000000000001");
    expect(formatUnits(2_500_000_123n, 6)).toBe("2500.000123");
    expect(formatUnits(0n, 18)).toBe("0");
    expect(formatUnits(-5n, 2)).toBe("-0.05");
    expect(formatUnits(2n ** 256n - 1n, 18)).toBe("115792089237316195423570985008687907853269984665640564039457.584007913129639935");
  });

  it("round-trips with viem's parseUnits for any amount and decimals", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), fc.integer({ min: 0, max: 36 }), (value, decimals) => {
        expect(parseUnits(formatUnits(value, decimals), decimals)).toBe(value);
      }),
    );
  });

  it("adds, subtracts and multiplies exactly, rounding half away from zero", () => {
    expect(addDecimal("0.1", "0.2")).toBe("0.3");
    expect(subtractDecimal("1", "0.000000000000000001")).toBe("0.999999999999999999");
    expect(multiplyDecimal("0.75", "60000.5", 2)).toBe("45000.38"); // 45000.375
    expect(multiplyDecimal("-0.75", "60000.5", 2)).toBe("-45000.38");
    expect(multiplyDecimal("1000.5", "1", 2)).toBe("1000.5");
    expect(() => addDecimal("1e5", "1")).toThrow(RangeError);
  });

  it("expands exponent notation exactly", () => {
    expect(toPlainDecimal("1e-8")).toBe("0.00000001");
    expect(toPlainDecimal("1.25E+3")).toBe("1250");
    expect(toPlainDecimal("0.50000")).toBe("0.5");
    expect(toPlainDecimal("-2.5e-1")).toBe("-0.25");
    expect(toPlainDecimal("NaN")).toBeNull();
  });
});
