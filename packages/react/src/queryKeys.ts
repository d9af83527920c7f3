/** Every query key of the package, with every parameter in the key. */
export const walletAuthKeys = {
  all: ["wallet-auth"] as const,
  credentials: () => [...walletAuthKeys.all, "credentials"] as const,
  credential: (id: string) => [...walletAuthKeys.credentials(), id] as const,
  balances: () => [...walletAuthKeys.all, "balances"] as const,
  sourceBalances: (source: string) => [...walletAuthKeys.balances(), source] as const,
  history: (source: string, asset: string | undefined) => [...walletAuthKeys.balances(), "history", source, asset ?? "*"] as const,
  transactions: (source: string) => [...walletAuthKeys.balances(), "transactions", source] as const,
  wallets: () => [...walletAuthKeys.all, "wallets"] as const,
  audit: (filters: { action?: string | undefined; outcome?: string | undefined; from?: string | undefined; to?: string | undefined }) => [...walletAuthKeys.all, "audit", filters] as const,
  venues: () => [...walletAuthKeys.all, "venues"] as const,
  policy: (credentialId: string) => [...walletAuthKeys.credentials(), credentialId, "policy"] as const,
  alerts: () => [...walletAuthKeys.all, "alerts"] as const,
  tokens: () => [...walletAuthKeys.all, "tokens"] as const,
  me: () => [...walletAuthKeys.all, "me"] as const,
};
