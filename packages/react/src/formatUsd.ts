/**
 * A USD amount from the API's decimal string, for display: thousands separators and two
 * decimals, without going through a float (`"1500"` -> `"$1,500.00"`, `"0.005"` -> `"$0.005"`).
 */
export function formatUsd(value: string | null): string {
  if (value === null) return "n/a";
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return value;
  const [, sign, whole = "0", fraction = ""] = match;
  const grouped = whole.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}$${grouped}.${fraction.padEnd(2, "0")}`;
}
