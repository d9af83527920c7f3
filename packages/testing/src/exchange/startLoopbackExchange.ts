import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { binanceRoutes } from "./binanceRoutes.js";
import type { LoopbackAccount, LoopbackExchange, LoopbackMode, StartLoopbackExchangeOptions } from "./types.js";
import { isRefusal, verifyBinanceRequest } from "./verifyBinanceRequest.js";

const MAX_BODY = 64 * 1024;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": typeof body === "string" ? "text/html" : "application/json;charset=UTF-8",
    "content-length": Buffer.byteLength(text),
    "x-mbx-used-weight-1m": "1",
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function normaliseAddress(address: string | undefined): string {
  if (address === undefined) return "";
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}

/**
 * Starts a loopback stand-in for Binance's spot REST API on 127.0.0.1 (random port), close
 * enough that the real ccxt `binance` class works against it: exchange info, signed account,
 * API-key restrictions, trades, deposit and withdrawal history, prices and server time, with
 * Binance's signature rule and its error bodies, codes and statuses.
 *
 * @param options - `clock` sets the exchange's time (skew it to provoke -1021).
 * @returns A handle to add accounts, set prices, switch failure modes and count requests.
 * @example
 * ```ts
 * import { startLoopbackExchange } from "@wallet-auth/testing/exchange";
 * const exchange = await startLoopbackExchange();
 * exchange.addAccount({ apiKey: "k", secret: "s", balances: { BTC: { free: "0.5", locked: "0" } } });
 * // point ccxt's urls.api at exchange.origin ...
 * await exchange.close();
 * ```
 */
export async function startLoopbackExchange(options: StartLoopbackExchangeOptions = {}): Promise<LoopbackExchange> {
  const clock = options.clock ?? Date.now;
  const retryAfter = options.retryAfterSeconds === undefined ? undefined : String(options.retryAfterSeconds);
  const accounts = new Map<string, LoopbackAccount>();
  const prices = new Map<string, string>([
    ["BTCUSDT", "65000.00"],
    ["ETHUSDT", "3200.00"],
    ["BNBUSDT", "580.00"],
    ["SOLUSDT", "150.00"],
    ["USDCUSDT", "1.0000"],
    ["ETHBTC", "0.04923077"],
  ]);
  const counts = new Map<string, number>();
  let total = 0;
  let received: Array<{ method: string; path: string }> = [];
  let mode: LoopbackMode = "ok";
  const holds = new Map<string, { arrived: () => void; released: Promise<void> }>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const path = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const rawQuery = queryAt < 0 ? "" : rawUrl.slice(queryAt + 1);
    total += 1;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    received.push({ method: req.method ?? "GET", path });
    const rawBody = await readBody(req);
    const held = holds.get(path);
    if (held !== undefined) {
      held.arrived();
      await held.released;
    }

    if (mode === "down") return send(res, 503, "<html><body><h1>503 Service Unavailable</h1></body></html>");
    if (mode === "maintenance") return send(res, 503, { code: 1, msg: "System is under maintenance." });
    if (mode === "rate-limited") {
      return send(
        res,
        429,
        { code: -1003, msg: "Too many requests; current limit of IP(127.0.0.1) request weight is 6000 per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API." },
        retryAfter === undefined ? {} : { "retry-after": retryAfter },
      );
    }

    const route = binanceRoutes[`${req.method ?? "GET"} ${path}`];
    if (route === undefined) return send(res, 404, "<html><body><h1>404 Not Found</h1></body></html>");
    const serverTime = clock();
    const params = new URLSearchParams(rawQuery + (rawBody === "" ? "" : "&" + rawBody));
    let account: LoopbackAccount | undefined;
    if (route.signed) {
      const apiKeyHeader = req.headers["x-mbx-apikey"];
      const verdict = verifyBinanceRequest({
        rawQuery,
        rawBody,
        apiKey: Array.isArray(apiKeyHeader) ? apiKeyHeader[0] : apiKeyHeader,
        remoteAddress: normaliseAddress(req.socket.remoteAddress),
        serverTime,
        findAccount: (key) => accounts.get(key),
      });
      if (isRefusal(verdict)) return send(res, verdict.status, { code: verdict.code, msg: verdict.msg });
      account = verdict;
    }
    const result = route.handle(account === undefined ? { params, serverTime, prices } : { params, serverTime, prices, account });
    send(res, result.status, result.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { code: -1000, msg: "An unknown error occurred while processing the request." });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 1000;
  let accepted = 0;
  const open = new Set<Socket>();
  server.on("connection", (socket) => {
    accepted += 1;
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;

  return {
    origin: `http://127.0.0.1:${port}`,
    addAccount(account) {
      accounts.set(account.apiKey, structuredClone(account));
    },
    removeAccount(apiKey) {
      accounts.delete(apiKey);
    },
    setPrices(next) {
      for (const [symbol, price] of Object.entries(next)) prices.set(symbol, price);
    },
    setMode(next) {
      mode = next;
    },
    requestCount(path) {
      return path === undefined ? total : (counts.get(path) ?? 0);
    },
    resetCounts() {
      counts.clear();
      total = 0;
      received = [];
      accepted = 0;
    },
    connections() {
      return { accepted, open: open.size };
    },
    hold(path) {
      let arrived!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(path, { arrived, released });
      return {
        reached,
        release: () => {
          if (holds.get(path)?.released === released) holds.delete(path);
          release();
        },
      };
    },
    orders(apiKey) {
      const all = [...accounts.values()].filter((a) => apiKey === undefined || a.apiKey === apiKey).flatMap((a) => a.orders ?? []);
      return structuredClone(all.sort((x, y) => x.orderId - y.orderId));
    },
    requests() {
      return [...received];
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
