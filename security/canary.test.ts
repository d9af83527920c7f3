/**
 * Secret canary over a whole run of every flow: planted exchange keys and secrets, session
 * tokens, bot tokens, a wallet's private key, and the key-ring, fingerprint and audit keys are searched for
 * in every response body and header, every log line, every row of every table (audit rows
 * included) and every file of the embedded database's data folder, as text, hex, base64 and
 * base64url. Zero hits.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORIGIN, type SecurityHarness, dumpTables, startSecurityHarness } from "./securityHarness.js";

const filesUnder = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));

/** Every form a planted value could take on the way out. */
function forms(value: string | Uint8Array): string[] {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
  const out = [bytes.toString("hex"), bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("hex").toUpperCase()];
  if (typeof value === "string") out.push(value);
  // A long value also must not appear cut in half (a prefix long enough to be a leak).
  return out.flatMap((f) => (f.length >= 32 ? [f, f.slice(0, 24)] : [f]));
}

describe("secret canary over every flow (embedded PGlite in a data folder)", () => {
  let h: SecurityHarness;
  let dataDir: string;
  const seen: string[] = [];
  const shownOnce: string[] = [];
  const planted: Array<{ name: string; value: string | Uint8Array }> = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "wa-canary-"));
    h = await startSecurityHarness({ store: { kind: "pglite", dataDir } });
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** A request whose answer (status line, headers, body) joins the haystack. */
  async function call(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const response = await fetch(`${h.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), "user-agent": "canary-bot/1" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    seen.push(`${response.status} ${[...response.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${text}`);
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: response.status, json };
  }

  it("runs every flow with planted secrets", async () => {
    const account = (tag: string) => ({ apiKey: `CANARYKEY${tag}${randomBytes(24).toString("hex")}`.slice(0, 64), secret: `CANARYSECRET${tag}${randomBytes(24).toString("hex")}` });
    const first = account("A");
    const second = account("B");
    for (const a of [first, second]) h.exchange.addAccount({ ...a, balances: { BTC: { free: "0.5", locked: "0.1" }, USDT: { free: "100", locked: "0" } } });
    const walletKey = `0x${randomBytes(32).toString("hex")}` as const;
    const wallet = privateKeyToAccount(walletKey);
    const alice = await h.token("user_canary_alice");
    const bob = await h.token("user_canary_bob");
    const admin = await h.token("user_canary_admin", { role: "admin" });
    const forged = `${alice.slice(0, -10)}AAAAAAAAAA`;
    planted.push(
      { name: "exchange api key A", value: first.apiKey },
      { name: "exchange secret A", value: first.secret },
      { name: "exchange api key B", value: second.apiKey },
      { name: "exchange secret B", value: second.secret },
      { name: "wallet private key", value: walletKey.slice(2) },
      { name: "session token alice", value: alice },
      { name: "session token signature alice", value: alice.split(".")[2] as string },
      { name: "session token bob", value: bob },
      { name: "admin session token", value: admin },
      { name: "forged session token", value: forged },
      { name: "key-ring key", value: h.secretKeys[0] as Uint8Array },
      { name: "fingerprint key", value: h.secretKeys[1] as Uint8Array },
      { name: "audit hash key", value: h.secretKeys[2] as Uint8Array },
    );

    const created = await call(alice, "POST", "/v1/credentials", { exchange: "binance", label: "main", ...first });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect((await call(alice, "POST", "/v1/credentials", { exchange: "binance", label: "again", ...first })).status).toBe(409);
    expect((await call(alice, "POST", "/v1/credentials", { exchange: "binance", label: "wrong", apiKey: first.apiKey, secret: `${first.secret}x` })).status).toBeGreaterThanOrEqual(400);
    for (const path of ["/v1/credentials", `/v1/credentials/${id}`, `/v1/credentials/${id}/balances`, `/v1/credentials/${id}/transactions`, "/v1/balances", "/v1/me", "/v1/alerts"]) {
      expect((await call(alice, "GET", path)).status, path).toBe(200);
    }
    await call(alice, "POST", `/v1/credentials/${id}/validate`, {});
    await call(alice, "POST", `/v1/credentials/${id}/disable`, {});
    await call(alice, "POST", `/v1/credentials/${id}/enable`, {});
    expect((await call(alice, "PATCH", `/v1/credentials/${id}`, { label: "rotated", ...second })).status).toBe(200);
    await call(alice, "POST", "/v1/balances/refresh", { source: `exchange:${id}` });
    await call(alice, "GET", `/v1/balances/history?source=exchange:${id}`);

    const challenge = await call(alice, "POST", "/v1/wallets/challenge", { address: wallet.address, chainId: "eip155:1" });
    expect(challenge.status).toBe(200);
    const signature = await wallet.signMessage({ message: challenge.json.message });
    const linked = await call(alice, "POST", "/v1/wallets", { message: challenge.json.message, signature, label: "cold" });
    expect(linked.status).toBe(201);
    expect((await call(alice, "POST", "/v1/wallets", { message: challenge.json.message, signature })).json.error.code).toBe("WALLET_VERIFICATION_FAILED");
    await call(alice, "GET", "/v1/wallets");
    await call(alice, "PATCH", `/v1/wallets/${linked.json.id}`, { label: "vault" });
    await call(alice, "POST", `/v1/wallets/${linked.json.id}/primary`, {});

    const minted = await call(alice, "POST", "/v1/tokens", { label: "canary bot", scopes: ["balances:read", "exchange:read", "exchange:trade"], credentialIds: [id], expiresInDays: 1 });
    expect(minted.status).toBe(201);
    const botToken = minted.json.token as string;
    shownOnce.push(seen.pop() as string); // the one answer that must carry the new token
    planted.push({ name: "bot token", value: botToken });
    expect((await call(botToken, "POST", `/v1/credentials/${id}/exchange/fetchBalance`, {})).status).toBe(200);
    await call(botToken, "POST", `/v1/credentials/${id}/exchange/fetchTicker`, { args: { symbol: "BTC/USDT" } });
    await call(botToken, "POST", `/v1/credentials/${id}/exchange/withdraw`, { args: {} });
    await call(botToken, "GET", `/v1/credentials/${id}/balances`);
    await call(alice, "GET", "/v1/tokens");
    expect((await call(alice, "DELETE", `/v1/tokens/${minted.json.view.id}`)).status).toBe(200);
    expect((await call(botToken, "GET", `/v1/credentials/${id}/balances`)).status).toBe(401);
    await call(`${botToken.slice(0, -4)}AAAA`, "GET", "/v1/me");

    for (const format of ["json", "ndjson", "csv"]) expect((await call(alice, "GET", `/v1/audit/export?format=${format}`)).status).toBe(200);
    expect((await call(alice, "GET", "/v1/audit")).status).toBe(200);
    expect((await call(alice, "GET", "/v1/audit/verify")).json.ok).toBe(true);
    expect((await call(alice, "GET", "/v1/privacy/export")).status).toBe(200);
    expect((await call(forged, "GET", "/v1/me")).status).toBe(401);
    expect((await call(bob, "GET", `/v1/credentials/${id}`)).status).toBe(404);
    await call(admin, "GET", "/v1/admin/keys");
    await call(admin, "GET", "/v1/admin/rotation");

    const bobCred = await call(bob, "POST", "/v1/credentials", { exchange: "binance", label: "bob", ...second });
    expect(bobCred.status).toBe(409); // one exchange key, one owner: alice holds it since the PATCH
    expect((await call(bob, "DELETE", "/v1/privacy/account", { confirm: "ERASE MY ACCOUNT" })).status).toBe(200);
    expect((await call(alice, "DELETE", `/v1/wallets/${linked.json.id}`)).status).toBe(204);
    expect((await call(alice, "DELETE", `/v1/credentials/${id}`)).status).toBe(204);
  });

  it("finds none of them in responses, log lines, tables, audit rows or the data folder", async () => {
    expect(planted.length).toBeGreaterThan(10);
    const tables = await dumpTables(h.knex!);
    const logs = h.logger.lines.join("\n");
    await h.close();
    const files = filesUnder(dataDir).map((f) => ({ f, bytes: readFileSync(f) }));
    const haystacks = { responses: seen.join("\n"), logs, tables };
    const hits: string[] = [];
    for (const p of planted) {
      for (const needle of forms(p.value)) {
        for (const [where, hay] of Object.entries(haystacks)) if (hay.includes(needle)) hits.push(`${p.name} in ${where}`);
        if (p.name !== "bot token" && shownOnce.some((r) => r.includes(needle))) hits.push(`${p.name} in the token-creation response`);
        for (const { f, bytes } of files) if (bytes.includes(needle)) hits.push(`${p.name} in ${f}`);
      }
      if (typeof p.value !== "string") for (const { f, bytes } of files) if (bytes.includes(Buffer.from(p.value))) hits.push(`${p.name} (raw bytes) in ${f}`);
    }
    console.log(`[canary] ${planted.length} planted values x ${forms("x".repeat(40)).length} forms; searched ${seen.length} responses, ${h.logger.lines.length} log lines, ${tables.length} bytes of table rows, ${files.length} data files (${files.reduce((n, x) => n + x.bytes.length, 0)} bytes)`);
    expect([...new Set(hits)]).toEqual([]);
  });
});
