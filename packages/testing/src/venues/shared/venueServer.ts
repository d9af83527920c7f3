import { createPublicKey, type KeyObject } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { defaultPrices } from "./spotMarkets.js";
import type {
  LoopbackVenue,
  LoopbackVenueId,
  StartLoopbackVenueOptions,
  VenueAccount,
  VenueBalance,
  VenueCredentials,
  VenueOrder,
  VenuePermissions,
  VenueRequestRecord,
  VenueTrade,
} from "../types.js";

const MAX_BODY = 64 * 1024;

/** A request as a venue definition sees it. */
export interface VenueHttpRequest {
  method: string;
  /** Path without the query, as sent (not decoded). */
  path: string;
  /** Query without the leading `?`, as sent. */
  rawQuery: string;
  query: URLSearchParams;
  rawBody: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  /** First value of a header (case-insensitive), `undefined` when absent. */
  header(name: string): string | undefined;
}

/** What a route or a refusal answers. */
export interface VenueReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** An account with its defaults resolved, plus what the venue keeps about the key. */
export interface VenueAccountState {
  credentials: VenueCredentials;
  permissions: Required<Omit<VenuePermissions, "expiresAt">> & { expiresAt: number | null };
  balances: Record<string, VenueBalance>;
  trades: VenueTrade[];
  introspection: Record<string, unknown>;
  /** The public half of a PEM `secret` (asymmetric keys), else `undefined`. */
  publicKey: KeyObject | undefined;
  /** Highest nonce seen (venues that require increasing nonces). */
  lastNonce: bigint;
}

/** Inputs of {@link VenueState.placeOrder}. */
export interface PlaceOrderInput {
  symbol: string;
  side: "buy" | "sell";
  type: "limit" | "market";
  amount: string;
  quoteAmount?: string;
  price?: string;
  clientOrderId?: string;
  request: Record<string, unknown>;
}

/** State shared by the routes of one stand-in. */
export interface VenueState {
  prices: Map<string, string>;
  /** Every accepted order, oldest first. */
  orders: VenueOrder[];
  placeOrder(account: VenueAccountState, now: number, input: PlaceOrderInput): VenueOrder;
  /** The account's order by venue id or client id, `undefined` when it has none. */
  findOrder(account: VenueAccountState, by: { id?: string | null | undefined; clientOrderId?: string | null | undefined }): VenueOrder | undefined;
}

/** What a route handler gets. */
export interface VenueContext {
  request: VenueHttpRequest;
  /** Path parameters (`:name` segments of the route key). */
  params: Record<string, string>;
  /** The authenticated account (private routes only; public routes get `undefined`). */
  account: VenueAccountState | undefined;
  now: number;
  state: VenueState;
}

/** The authenticated account of a private route's context. */
export function accountOf(c: VenueContext): VenueAccountState {
  if (c.account === undefined) throw new Error("private route without an account");
  return c.account;
}

/** A route; `private` routes are authenticated first, `trade` routes also need the trade permission. */
export interface VenueRoute {
  private: boolean;
  trade?: boolean;
  handle(context: VenueContext): VenueReply;
}

/** Why the plumbing refuses an authenticated key. */
export type KeyRefusal = "ip" | "expired" | "read" | "trade";

/** One venue: its routes, its signature check and its refusals, in its own error shapes. */
export interface VenueDefinition {
  id: LoopbackVenueId;
  /** Routes by `"METHOD /path"`; a segment `:name` matches one path segment. */
  routes: Readonly<Record<string, VenueRoute>>;
  /** Verifies the request's signature, key, passphrase and timestamp as the venue does. */
  authenticate(
    request: VenueHttpRequest,
    findAccount: (apiKey: string) => VenueAccountState | undefined,
    now: number,
  ): VenueAccountState | VenueReply | Promise<VenueAccountState | VenueReply>;
  /** The venue's answer when an authenticated key may not do this. */
  refuse(reason: KeyRefusal, request: VenueHttpRequest, now: number): VenueReply;
  /** The venue's answer to an unknown path. */
  notFound(request: VenueHttpRequest): VenueReply;
  /** Extra response headers on every answer. */
  headers?: Record<string, string>;
  /** The venue's order id for the n-th order (default: the number itself). */
  orderId?: (n: number) => string;
}

function send(res: ServerResponse, reply: VenueReply, extra: Record<string, string> | undefined): void {
  const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "content-type": typeof reply.body === "string" ? "text/plain" : "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...extra,
    ...reply.headers,
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

/** `true` when a route or authentication produced a reply rather than an account. */
export function isReply(value: VenueAccountState | VenueReply): value is VenueReply {
  return typeof (value as VenueReply).status === "number" && "body" in value;
}

function resolveAccount(account: VenueAccount): VenueAccountState {
  const p = account.permissions ?? {};
  const secret = account.credentials.secret;
  return {
    credentials: { ...account.credentials },
    permissions: {
      read: p.read ?? true,
      trade: p.trade ?? true,
      withdraw: p.withdraw ?? false,
      transfer: p.transfer ?? false,
      ips: [...(p.ips ?? [])],
      expiresAt: p.expiresAt ?? null,
    },
    balances: structuredClone(account.balances ?? {}),
    trades: structuredClone(account.trades ?? []),
    introspection: structuredClone(account.introspection ?? {}),
    publicKey: secret.includes("PRIVATE KEY") ? createPublicKey(secret) : undefined,
    lastNonce: -1n,
  };
}

function matchRoute(routes: Readonly<Record<string, VenueRoute>>, method: string, path: string): { route: VenueRoute; params: Record<string, string> } | undefined {
  const exact = routes[`${method} ${path}`];
  if (exact !== undefined) return { route: exact, params: {} };
  const segments = path.split("/");
  for (const [key, route] of Object.entries(routes)) {
    const [routeMethod, routePath = ""] = key.split(" ");
    if (routeMethod !== method || !routePath.includes(":")) continue;
    const pattern = routePath.split("/");
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      const actual = segments[i] ?? "";
      if (part.startsWith(":")) {
        params[part.slice(1)] = decodeURIComponent(actual);
        return actual !== "";
      }
      return part === actual;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

function createState(prices: Record<string, string> | undefined, orderId: (n: number) => string): VenueState {
  let nextId = 1_000_001;
  const orders: VenueOrder[] = [];
  const priceMap = new Map(Object.entries({ ...defaultPrices, ...prices }));
  return {
    prices: priceMap,
    orders,
    placeOrder(account, now, input) {
      const id = orderId(nextId++);
      const price = input.type === "limit" && input.price !== undefined ? input.price : (priceMap.get(input.symbol) ?? "1");
      const order: VenueOrder = {
        id,
        clientOrderId: input.clientOrderId ?? `loopback-${id}`,
        apiKey: account.credentials.apiKey,
        symbol: input.symbol,
        side: input.side,
        type: input.type,
        amount: input.amount,
        price,
        status: input.type === "market" ? "closed" : "open",
        filled: input.type === "market" ? input.amount : "0",
        time: now,
        updateTime: now,
        request: structuredClone(input.request),
      };
      if (input.quoteAmount !== undefined) order.quoteAmount = input.quoteAmount;
      orders.push(order);
      return order;
    },
    findOrder(account, by) {
      return orders.find(
        (o) =>
          o.apiKey === account.credentials.apiKey &&
          ((by.id !== undefined && by.id !== null && by.id !== "" && o.id === by.id) ||
            (by.clientOrderId !== undefined && by.clientOrderId !== null && by.clientOrderId !== "" && o.clientOrderId === by.clientOrderId)),
      );
    },
  };
}

/**
 * Runs one venue definition on 127.0.0.1 (random port): routing, body reading, authentication,
 * the permission checks every venue makes (IP allowlist, expiry, read, trade), order state and
 * request records. Each venue brings only its protocol.
 */
export async function serveVenue(definition: VenueDefinition, options: StartLoopbackVenueOptions): Promise<LoopbackVenue> {
  const clock = options.clock ?? Date.now;
  const accounts = new Map<string, VenueAccountState>();
  const state = createState(options.prices, definition.orderId ?? String);
  let records: VenueRequestRecord[] = [];

  const addAccount = (account: VenueAccount): void => {
    accounts.set(account.credentials.apiKey, resolveAccount(account));
  };
  if (options.credentials !== undefined) {
    const { accounts: _many, clock: _clock, prices: _prices, credentials, ...rest } = options;
    addAccount({ ...rest, credentials });
  }
  for (const account of options.accounts ?? []) addAccount(account);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const path = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const rawQuery = queryAt < 0 ? "" : rawUrl.slice(queryAt + 1);
    const method = req.method ?? "GET";
    records.push({ method, path });
    const rawBody = await readBody(req);
    const remote = req.socket.remoteAddress ?? "";
    const request: VenueHttpRequest = {
      method,
      path,
      rawQuery,
      query: new URLSearchParams(rawQuery),
      rawBody,
      headers: req.headers,
      remoteAddress: remote.startsWith("::ffff:") ? remote.slice("::ffff:".length) : remote,
      header(name) {
        const value = req.headers[name.toLowerCase()];
        return Array.isArray(value) ? value[0] : value;
      },
    };
    const matched = matchRoute(definition.routes, method, path);
    if (matched === undefined) return send(res, definition.notFound(request), definition.headers);
    const now = clock();
    let account: VenueAccountState | undefined;
    if (matched.route.private) {
      const verdict = await definition.authenticate(request, (key) => accounts.get(key), now);
      if (isReply(verdict)) return send(res, verdict, definition.headers);
      account = verdict;
      const p = account.permissions;
      let refusal: KeyRefusal | undefined;
      if (p.ips.length > 0 && !p.ips.includes(request.remoteAddress)) refusal = "ip";
      else if (p.expiresAt !== null && now >= p.expiresAt) refusal = "expired";
      else if (!p.read) refusal = "read";
      else if (matched.route.trade === true && !p.trade) refusal = "trade";
      if (refusal !== undefined) return send(res, definition.refuse(refusal, request, now), definition.headers);
    }
    send(res, matched.route.handle({ request, params: matched.params, account, now, state }), definition.headers);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, { status: 500, body: "internal error" }, undefined);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1000;
  const open = new Set<Socket>();
  server.on("connection", (socket) => {
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
    id: definition.id,
    origin: `http://127.0.0.1:${port}`,
    addAccount,
    removeAccount(apiKey) {
      accounts.delete(apiKey);
    },
    orders(apiKey) {
      const list = apiKey === undefined ? state.orders : state.orders.filter((o) => o.apiKey === apiKey);
      return structuredClone(list);
    },
    requests() {
      return [...records];
    },
    requestCount(path) {
      return path === undefined ? records.length : records.filter((r) => r.path === path).length;
    },
    resetCounts() {
      records = [];
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
