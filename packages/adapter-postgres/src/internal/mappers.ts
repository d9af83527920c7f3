import { WalletAuthError } from "@wallet-auth/core";

// PGlite returns int8 and count(*) as number/BigInt where pg returns strings, and either may
// hand back timestamps as Date or text: every row goes through these.

/** A number from an int/bigint/count column. */
export function num(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint" || typeof value === "string") return Number(value);
  throw new WalletAuthError("INTERNAL", { reason: "unexpected-number-column" });
}

/** A Date from a timestamptz column. */
export function date(value: unknown): Date {
  if (value instanceof Date) return new Date(value.getTime());
  if (typeof value === "string" || typeof value === "number") return new Date(value);
  throw new WalletAuthError("INTERNAL", { reason: "unexpected-date-column" });
}

/** A Date or null. */
export function dateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : date(value);
}

/** A text column. */
export function str(value: unknown): string {
  return typeof value === "string" ? value : String(value);
}

/** A nullable text column. */
export function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : str(value);
}

/** A decimal string from a numeric column (never through a float). */
export function decimal(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  throw new WalletAuthError("INTERNAL", { reason: "unexpected-numeric-column" });
}

/** A nullable decimal string. */
export function decimalOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : decimal(value);
}

/** A jsonb column (parsed by both drivers; text tolerated). */
export function json<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

/** A value for a jsonb parameter: always JSON text, so arrays are never sent as PG arrays. */
export function jsonParam(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
