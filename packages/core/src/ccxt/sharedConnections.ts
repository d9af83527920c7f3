import type { Exchange } from "ccxt";

/** The parts of a ccxt client's transport this module touches (ccxt 4.5's own fields). */
interface CcxtTransport {
  loadFetchImplementation(): Promise<void>;
  fetchDispatcher?: { close(): Promise<void> } | undefined;
  proxiesModulesLoading?: Promise<void> | undefined;
}

/**
 * One connection pool per exchange for the short-lived clients of a gateway.
 *
 * ccxt gives every client its own undici `Agent`, which keeps idle sockets for 60 s. A client
 * built per call (as the gateway does, so a secret lives for one call only) therefore opened a
 * connection for every call (a TLS handshake on a real exchange) and left it open for a minute:
 * measured 21 connections for 20 calls, all still open afterwards. Here the clients of one
 * exchange share the first client's `Agent`; the others' own (still unused) agents are closed.
 * A connection carries no identity: every request on it is signed with its own key.
 *
 * It also skips ccxt's per-client probe for the optional proxy-agent packages (a failed module
 * resolution on every new client): ccxt's native fetch path, the one used here, sends proxied
 * requests through undici and never reads them.
 */
export class SharedConnections {
  readonly #pools = new Map<string, NonNullable<CcxtTransport["fetchDispatcher"]>>();

  /** Points `client` at the exchange's shared pool (set up on first use). */
  async attach(exchange: string, client: Exchange): Promise<void> {
    const transport = client as unknown as CcxtTransport;
    transport.proxiesModulesLoading ??= Promise.resolve();
    await transport.loadFetchImplementation();
    const own = transport.fetchDispatcher;
    // ccxt fell back to the global fetch (no undici module): nothing to share.
    if (own === undefined) return;
    const pool = this.#pools.get(exchange);
    if (pool === undefined) {
      this.#pools.set(exchange, own);
      return;
    }
    if (own === pool) return;
    transport.fetchDispatcher = pool;
    void own.close().catch(() => undefined);
  }
}
