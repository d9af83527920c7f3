/** A hue per exchange id, stable across renders and machines (no remote logo is ever loaded). */
function hueOf(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

/** Up to two letters that name the exchange: "Binance" -> "B", "Crypto.com" -> "CC", "okx" -> "OK". */
export function monogramOf(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (words.length >= 2) return `${words[0]![0]}${words[1]![0]}`.toUpperCase();
  const word = words[0] ?? "?";
  return (word.length <= 3 ? word : word[0]!).toUpperCase();
}

/**
 * The exchange's identity beside its name: a drawn monogram on a colour of its own (dark enough
 * that white letters meet AA contrast). Decorative: the name is always written next to it.
 */
export function ExchangeMark({ id, name, size = 36 }: { id: string; name: string; size?: number }) {
  const letters = monogramOf(name);
  return (
    <svg className="wa-monogram" width={size} height={size} viewBox="0 0 36 36" aria-hidden="true" focusable="false" data-exchange={id}>
      <circle cx="18" cy="18" r="18" fill={`hsl(${hueOf(id)} 60% 30%)`} />
      <text x="18" y="18" dy=".35em" textAnchor="middle" fontSize={letters.length > 1 ? 13 : 16} fontWeight="700" fill="#ffffff" fontFamily="system-ui, sans-serif">
        {letters}
      </text>
    </svg>
  );
}
