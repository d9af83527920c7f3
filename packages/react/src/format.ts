/** "in 3 days", "5 min ago": relative times for scanning, with the exact time in a title. */
export function relativeTime(iso: string | null, now = Date.now()): string {
  if (iso === null) return "never";
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const [value, unit] =
    abs < 45_000 ? [0, "now"] : abs < 3_600_000 ? [Math.round(abs / 60_000), "min"] : abs < 86_400_000 ? [Math.round(abs / 3_600_000), "h"] : [Math.round(abs / 86_400_000), abs < 2 * 86_400_000 ? "day" : "days"];
  if (unit === "now") return "just now";
  return diff < 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`;
}

/** Whole days from now until `iso` (negative once passed), or `null`. */
export function daysUntil(iso: string | null, now = Date.now()): number | null {
  return iso === null ? null : Math.ceil((new Date(iso).getTime() - now) / 86_400_000);
}

/** `0x5B38…ddC4`: enough to recognise an address, short enough for a phone. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}
