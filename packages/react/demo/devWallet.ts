import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Eip1193Request } from "@wallet-auth/react";

/** A wallet for the demo when the browser has none: a fresh local key, clearly labelled as such. */
export function createDevelopmentWallet(): { request: Eip1193Request; address: string } {
  const account = privateKeyToAccount(generatePrivateKey());
  return {
    address: account.address,
    request: async ({ method, params }) => {
      if (method === "eth_requestAccounts" || method === "eth_accounts") return [account.address];
      if (method === "personal_sign") {
        const hex = String((params ?? [])[0]);
        return account.signMessage({ message: { raw: hex as `0x${string}` } });
      }
      throw new Error(`development wallet: ${method} is not supported`);
    },
  };
}

interface Announced {
  info: { uuid: string; name: string; rdns: string };
  provider: { request: Eip1193Request };
}

/** EIP-6963 discovery: listen first, then ask; dedupe by uuid. Falls back to `window.ethereum`. */
export function discoverWallets(onChange: (found: Announced[]) => void): () => void {
  const found = new Map<string, Announced>();
  const listener = (event: Event) => {
    const detail = (event as CustomEvent<Announced>).detail;
    if (!detail?.info?.uuid || found.has(detail.info.uuid)) return;
    found.set(detail.info.uuid, detail);
    onChange([...found.values()]);
  };
  window.addEventListener("eip6963:announceProvider", listener);
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  const legacy = (window as unknown as { ethereum?: { request: Eip1193Request } }).ethereum;
  if (legacy && found.size === 0) onChange([{ info: { uuid: "legacy", name: "Browser wallet", rdns: "injected" }, provider: legacy }]);
  return () => window.removeEventListener("eip6963:announceProvider", listener);
}
