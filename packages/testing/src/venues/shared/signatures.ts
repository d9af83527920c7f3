import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Constant-time comparison of two strings (different lengths compare unequal). */
export function sameText(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(expected, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** HMAC of `payload` with `key`, encoded. */
export function hmac(algorithm: "sha256" | "sha512", key: string | Buffer, payload: string | Buffer, encoding: "hex" | "base64"): string {
  return createHmac(algorithm, key).update(payload).digest(encoding);
}

/** Plain digest of `payload`. */
export function digest(algorithm: "sha256" | "sha512", payload: string | Buffer, encoding: "hex" | "base64" | "buffer"): string | Buffer {
  const hash = createHash(algorithm).update(payload);
  return encoding === "buffer" ? hash.digest() : hash.digest(encoding);
}

/** The body parsed as a JSON object, `{}` when empty, `undefined` when not a JSON object. */
export function jsonObject(rawBody: string): Record<string, unknown> | undefined {
  if (rawBody === "") return {};
  try {
    const value: unknown = JSON.parse(rawBody);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A string field of a parsed body or query, `undefined` when absent or not a string. */
export function field(source: Record<string, unknown> | URLSearchParams, name: string): string | undefined {
  if (source instanceof URLSearchParams) return source.get(name) ?? undefined;
  const value = source[name];
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}
