import { useMemo, useState } from "react";
import { useCredentials, useWallets } from "../hooks.js";

/** One balance source a person can pick: `exchange:<credentialId>` or `wallet:<walletId>`, with its label. */
export interface BalanceSourceOption {
  id: string;
  label: string;
}

/**
 * The credentials and wallets as pickable sources, and the one chosen (the first until the person
 * picks another; a chosen source that disappears falls back to the first).
 */
export function useBalanceSources() {
  const credentials = useCredentials();
  const wallets = useWallets();
  const sources = useMemo<BalanceSourceOption[]>(
    () => [
      ...(credentials.data ?? []).map((c) => ({ id: `exchange:${c.id}`, label: `${c.label} (${c.exchange})` })),
      ...(wallets.data ?? []).map((w) => ({ id: `wallet:${w.id}`, label: `${w.label ?? "Wallet"} (${w.address.slice(0, 6)}…${w.address.slice(-4)})` })),
    ],
    [credentials.data, wallets.data],
  );
  const [chosen, setChosen] = useState<string | null>(null);
  const source = chosen !== null && sources.some((s) => s.id === chosen) ? chosen : (sources[0]?.id ?? null);
  return { credentials, wallets, sources, source, choose: setChosen };
}
