import { WalletAuthError } from "../errors/index.js";

/** The ccxt module namespace (types only here; the code loads on first use). */
export type CcxtModule = typeof import("ccxt");

let loading: Promise<CcxtModule> | undefined;

/**
 * Loads ccxt once, on first use: it is ~60 MB and takes ~0.5 s to import, so nothing loads it
 * at module load. A failed import (ccxt not installed; it is an optional peer) is not cached,
 * so installing it and retrying works.
 *
 * @returns The ccxt module.
 * @throws `EXCHANGE_UNSUPPORTED` when ccxt cannot be imported.
 * @example
 * ```ts
 * import { loadCcxt } from "@wallet-auth/core/ccxt";
 * const ccxt = await loadCcxt();
 * console.log(ccxt.exchanges.includes("binance"));
 * ```
 */
export function loadCcxt(): Promise<CcxtModule> {
  loading ??= import("ccxt").then(
    (module) => module,
    (error: unknown) => {
      loading = undefined;
      throw new WalletAuthError("EXCHANGE_UNSUPPORTED", { cause: error, reason: "ccxt-not-installed" });
    },
  );
  return loading;
}

/** `true` when ccxt has an exchange class with this id. */
export function hasCcxtExchange(ccxt: CcxtModule, exchange: string): boolean {
  return Object.hasOwn(ccxt.exchanges, exchange);
}
