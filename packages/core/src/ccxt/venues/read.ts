import { type KeyPermissions, type Tristate, unknownKeyPermissions } from "../../ports/KeyPermissions.js";

// Readers for venue responses: each maps anything unexpected to `undefined` / "unknown", so a
// malformed or changed response can never be read as a permission being off.

/** `value` as a plain object, else `undefined`. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A JSON boolean (or the strings "true"/"false"); anything else is unknown. */
export function flag(value: unknown): Tristate {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return "unknown";
}

/** An array of strings, else `undefined` (one non-string element spoils it). */
export function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
}

/** A list of IPs given as an array or a comma-separated string; `""`/`[]` mean none. */
export function ipList(value: unknown): string[] | undefined {
  const list = typeof value === "string" ? value.split(",") : strings(value);
  return list?.map((ip) => ip.trim()).filter((ip) => ip !== "");
}

/** `true` if any is true, `false` if all are false, else unknown. */
export function anyOf(...values: Tristate[]): Tristate {
  if (values.includes(true)) return true;
  return values.every((v) => v === false) ? false : "unknown";
}

/** Whether `list` (when known) contains `name`. */
export function has(list: readonly string[] | undefined, ...names: string[]): Tristate {
  if (list === undefined) return "unknown";
  return names.some((name) => list.includes(name));
}

/** An epoch (ms, or seconds when `unit` says so) as ISO 8601; 0, negative or malformed: `null`. */
export function epochIso(value: unknown, unit: "ms" | "s" = "ms"): string | null {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  const date = new Date(unit === "s" ? n * 1000 : n);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A date-time string as ISO 8601; empty or malformed: `null`. */
export function dateIso(value: unknown): string | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** IP restriction and allowlist from a reported list (`undefined`: not reported). */
export function ipFields(list: string[] | undefined): Pick<KeyPermissions, "ipRestricted" | "allowedIps"> {
  if (list === undefined) return { ipRestricted: "unknown", allowedIps: null };
  return { ipRestricted: list.length > 0, allowedIps: list };
}

/** {@link unknownKeyPermissions} with `fields` over it. */
export function permissions(fields: Partial<KeyPermissions>): KeyPermissions {
  return { ...unknownKeyPermissions(), ...fields };
}
