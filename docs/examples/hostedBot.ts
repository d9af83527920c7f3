import { createWalletAuthClient } from "@wallet-auth/core/client";

/**
 * A trading bot on another machine: it holds only a scoped bot token, never an exchange
 * secret. The server signs every exchange request for it through the exchange proxy.
 */
export async function runHostedBot(options: { baseUrl: string; botToken: string; credentialId: string }): Promise<{ btc: string; placed: string; canceled: string }> {
  const api = createWalletAuthClient({ baseUrl: options.baseUrl, getToken: () => options.botToken });

  const balance = await api.callExchange(options.credentialId, "fetchBalance");
  if (balance.error) throw new Error(`fetchBalance refused: ${balance.error.code}`);
  const btc = String((balance.data as { total: Record<string, unknown> }).total.BTC ?? "0");

  // Amounts and prices are decimal strings; a limit order needs a price. The credential's trade policy
  // decides first (by default: limit orders, at most 100 USDT, within 2% of the last price).
  const order = await api.callExchange(options.credentialId, "createOrder", { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.001", price: "49900" });
  if (order.error) throw new Error(`createOrder refused: ${order.error.code}`);
  const placed = (order.data as { id: string }).id;

  const cancel = await api.callExchange(options.credentialId, "cancelOrder", { id: placed, symbol: "BTC/USDT" });
  if (cancel.error) throw new Error(`cancelOrder refused: ${cancel.error.code}`);
  return { btc, placed, canceled: (cancel.data as { status: string }).status };
}
