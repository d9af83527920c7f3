import type * as Viem from "viem";
import type * as ViemSiwe from "viem/siwe";

/** The parts of viem the wallet service needs, loaded on first use. */
export interface ViemModules {
  viem: typeof Viem;
  siwe: typeof ViemSiwe;
}

let loading: Promise<ViemModules> | undefined;

/**
 * Loads viem the first time a wallet is challenged or verified, so importing `@wallet-auth/core`
 * never pulls it in (a bot that only stores credentials pays nothing for it).
 */
export function loadViem(): Promise<ViemModules> {
  loading ??= Promise.all([import("viem"), import("viem/siwe")]).then(([viem, siwe]) => ({ viem, siwe }));
  return loading;
}
