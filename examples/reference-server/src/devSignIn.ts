import { randomBytes } from "node:crypto";
import { type ClerkTestKeys, mintSessionToken } from "@wallet-auth/testing/clerk";
import type { LoopbackAccount, LoopbackExchange } from "@wallet-auth/testing/exchange";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { BlockList } from "node:net";
import express, { type RequestHandler, type Router } from "express";

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** `true` for a loopback peer: 127.0.0.0/8, `::1`, or IPv4-mapped `::ffff:127.x.y.z`. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address.includes(":") ? LOOPBACK.check(address, "ipv6") : LOOPBACK.check(address, "ipv4");
}

/**
 * Lets only clients on this machine through, judged by the socket's peer address: never by
 * `req.ip` or a header (a proxy setting or a forged X-Forwarded-For cannot widen it). Anyone else
 * gets the API's 404, as if the routes did not exist. A proxy on the same machine makes every
 * client loopback: never put one in front of a development server.
 */
export const loopbackOnly: RequestHandler = (req, res, next) => {
  if (isLoopbackAddress(req.socket.remoteAddress)) return next();
  res.status(404).json({ error: { code: "NOT_FOUND", message: "The resource was not found.", requestId: "" } });
};

/**
 * Development-only routes (never mounted when NODE_ENV=production, and answered only to loopback
 * clients): a sign-in that mints Clerk-shaped session tokens with the local development key
 * (verified by the very same Clerk code path as production tokens), and fresh accounts on the
 * loopback exchange.
 *
 * `POST /sign-in` body: `userId` (required); `admin: true`; `stale: true` (factors verified two
 * hours ago); `secondFactor: true` (a second factor enrolled and verified with the first; without it
 * the session has none, `fva[1] = -1`); `fva: [first, second]` (minutes, exactly; `-1` for a second
 * factor never verified) for any other shape; `pending: true` (a session with a task left,
 * `sts: "pending"`); `expiresInS` (1-3600, default 900).
 */
export function devRoutes(options: { keys: ClerkTestKeys; issuer: string; origin: string; exchange: LoopbackExchange | null; accountsFile: string }): Router {
  const router = express.Router();
  router.use(loopbackOnly);
  // The loopback exchange forgets its accounts when the process ends; the development accounts
  // are kept (0600) beside the development keys, so stored credentials still work after a restart.
  const accounts: LoopbackAccount[] = existsSync(options.accountsFile) ? (JSON.parse(readFileSync(options.accountsFile, "utf8")) as LoopbackAccount[]) : [];
  for (const account of accounts) options.exchange?.addAccount(account);
  router.use(express.json({ limit: "4kb" }));
  router.post("/sign-in", async (req, res) => {
    const body = (req.body ?? {}) as { userId?: unknown; stale?: unknown; expiresInS?: unknown; admin?: unknown; secondFactor?: unknown; pending?: unknown; fva?: unknown };
    const userId = typeof body.userId === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(body.userId) ? body.userId : null;
    if (!userId) return void res.status(400).json({ error: { code: "INVALID_INPUT", message: "The request is invalid.", requestId: "" } });
    const expiresInS = typeof body.expiresInS === "number" && body.expiresInS > 0 && body.expiresInS <= 3600 ? Math.trunc(body.expiresInS) : 900;
    // Clerk's `fva`: minutes since the first and the second factor were verified, -1 for none.
    const age = body.stale === true ? 120 : 0;
    const minutes = (v: unknown, min: number) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= 525_600;
    const fva = Array.isArray(body.fva) && body.fva.length === 2 && minutes(body.fva[0], 0) && minutes(body.fva[1], -1) ? (body.fva as [number, number]) : null;
    if (body.fva !== undefined && fva === null) return void res.status(400).json({ error: { code: "INVALID_INPUT", message: "The request is invalid.", requestId: "" } });
    const claims = { ...(body.admin === true ? { metadata: { role: "admin" } } : {}), ...(body.pending === true ? { sts: "pending" } : {}) };
    const token = await mintSessionToken(options.keys, {
      userId,
      azp: options.origin,
      iss: options.issuer,
      expiresInS,
      verifiedMinutesAgo: fva ?? [age, body.secondFactor === true ? age : -1],
      ...(Object.keys(claims).length > 0 ? { claims } : {}),
    });
    res.setHeader("Cache-Control", "no-store");
    res.json({ token, expiresAt: new Date(Date.now() + expiresInS * 1000).toISOString() });
  });
  router.post("/exchange-account", (_req, res) => {
    if (!options.exchange) return void res.status(404).json({ error: { code: "NOT_FOUND", message: "The resource was not found.", requestId: "" } });
    const apiKey = `DEV${randomBytes(16).toString("hex").toUpperCase()}`;
    const secret = randomBytes(24).toString("base64url");
    const account: LoopbackAccount = { apiKey, secret, balances: { BTC: { free: "0.25", locked: "0.05" }, ETH: { free: "3", locked: "0" }, USDT: { free: "1500", locked: "0" } } };
    options.exchange.addAccount(account);
    accounts.push(account);
    // Temporary file renamed over the old one: a kill mid-write never leaves half a JSON file that would stop the next start.
    const tmp = `${options.accountsFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(accounts), { mode: 0o600 });
    renameSync(tmp, options.accountsFile);
    res.setHeader("Cache-Control", "no-store");
    res.json({ exchange: "binance", apiKey, secret, note: "A key on the loopback development exchange only." });
  });
  return router;
}

/** The page at `/` until the React demo is built: a development sign-in that shows what to call next. */
export function placeholderPage(origin: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>wallet-auth (development)</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>wallet-auth reference server</h1>
<p><strong>Development mode.</strong> Keys and the Clerk signing key were generated into the data folder. Never use them in production.</p>
<h2>Sign in (development)</h2>
<pre>curl -s -X POST -H 'content-type: application/json' -d '{"userId":"user_me"}' \\
  ${origin}/dev/sign-in</pre>
<p>Then call the API with <code>Authorization: Bearer &lt;token&gt;</code>, e.g. <code>GET /api/v1/me</code>. The API is described at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body></html>`;
}
