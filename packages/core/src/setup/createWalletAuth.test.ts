import { inspect } from "node:util";
import { startLoopbackExchange, type LoopbackExchange } from "@wallet-auth/testing/exchange";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createCcxtExchangeGateway } from "../ccxt/CcxtExchangeGateway.js";
import { KeyRing } from "../crypto/KeyRing.js";
import { isWalletAuthError } from "../errors/index.js";
import { createMemoryStore } from "../memory/createMemoryStore.js";
import { Redacted } from "../secret/Redacted.js";
import { WalletService } from "../wallets/WalletService.js";
import { createWalletAuth, type WalletAuth } from "./createWalletAuth.js";
import { loadWalletAuthSecrets } from "./loadWalletAuthSecrets.js";

const key = (byte: number) => new Uint8Array(32).fill(byte);
const ctx = { userId: "user_wired", ip: "203.0.113.7" };
const base = () => ({
  store: createMemoryStore(),
  keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
  secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
});

describe("createWalletAuth", () => {
  let loop: LoopbackExchange;
  let auth: WalletAuth;

  beforeAll(async () => {
    loop = await startLoopbackExchange();
    loop.addAccount({ apiKey: "wired-api-key-0001", secret: "wired-secret", balances: { BTC: { free: "0.5", locked: "0.1" } } });
    auth = createWalletAuth({
      store: createMemoryStore(),
      keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
      secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
      exchanges: createCcxtExchangeGateway({ urls: { binance: loop.origin }, enableRateLimit: false, timeoutMs: 5000 }),
      siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
    });
  });

  afterAll(async () => {
    await auth.shutdown();
    await auth.store.close();
    await loop.close();
  });

  it("stores a credential and serves its balances, the second read from the cache", async () => {
    const view = await auth.credentials.create(ctx, { exchange: "binance", label: "main", apiKey: "wired-api-key-0001", secret: "wired-secret" });
    const source = { type: "exchange" as const, credentialId: view.id };
    const first = await auth.balances.get(ctx, { source });
    expect(first.fromCache).toBe(false);
    expect(first.balances).toContainEqual(expect.objectContaining({ asset: "BTC", free: "0.5", locked: "0.1", total: "0.6" }));
    expect((await auth.balances.get(ctx, { source })).fromCache).toBe(true);
    expect(loop.requestCount("/api/v3/account")).toBeGreaterThanOrEqual(1);
  });

  it("raises an alert through the attached detectors when a key gains withdrawal permission", async () => {
    const [view] = await auth.credentials.list(ctx);
    loop.addAccount({ apiKey: "wired-api-key-0001", secret: "wired-secret", permissions: { enableWithdrawals: true } });
    await auth.credentials.revalidate(ctx, view!.id);
    await vi.waitFor(async () => {
      const page = await auth.alerts.list(ctx, { status: "open" });
      expect(page.items.map((a) => a.kind)).toContain("credential.withdraw_enabled");
    });
  });

  it("alerts the user before a stored credential expires (expiry job -> detectors)", async () => {
    loop.addAccount({ apiKey: "wired-expiring-key-02", secret: "wired-secret-2" });
    const expiresAt = new Date(Date.now() + 2 * 86_400_000);
    const view = await auth.credentials.create(ctx, { exchange: "binance", label: "short-lived", apiKey: "wired-expiring-key-02", secret: "wired-secret-2", expiresAt });
    expect((await auth.credentials.checkExpiry()).warned).toBeGreaterThanOrEqual(1);
    await vi.waitFor(async () => {
      const page = await auth.alerts.list(ctx, { status: "open" });
      expect(page.items).toContainEqual(expect.objectContaining({ kind: "credential.expiring", details: expect.objectContaining({ credentialId: view.id }) }));
    });
    await auth.credentials.delete(ctx, view.id);
  });

  it("drops a deleted credential's cached balances instead of serving them", async () => {
    const [view] = (await auth.credentials.list(ctx)).filter((c) => c.label === "main");
    await auth.credentials.delete(ctx, view!.id);
    await vi.waitFor(async () => {
      await expect(auth.balances.get(ctx, { source: { type: "exchange", credentialId: view!.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    });
  });

  it("always provides wallets, and refuses exchange work with a coded error when no gateway is configured", async () => {
    const wallets: WalletService = auth.wallets;
    expect(wallets).toBeInstanceOf(WalletService);
    const bare = createWalletAuth({ ...base(), siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] } });
    expect(bare.wallets).toBeInstanceOf(WalletService);
    await expect(bare.credentials.create(ctx, { exchange: "binance", label: "x", apiKey: "abcd-efgh-1234", secret: "s" })).rejects.toSatisfy(
      (error: unknown) => isWalletAuthError(error, "EXCHANGE_UNSUPPORTED"),
    );
    await bare.shutdown();
  });

  it("fails start-up with a configuration error naming the missing or malformed SIWE setting", () => {
    const good = { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] };
    for (const [siwe, field] of [
      [undefined, "siwe"],
      [{ ...good, domain: "app example.com" }, "siwe.domain"],
      [{ ...good, uri: "not a uri" }, "siwe.uri"],
      [{ ...good, uri: "https://[::300.0.0.0]/" }, "siwe.uri"],
      [{ ...good, statement: "Sign {in}" }, "siwe.statement"],
      [{ ...good, scheme: "ht tps" }, "siwe.scheme"],
      [{ ...good, chainIds: ["eip155:01"] }, "siwe.chainIds"],
      [{ ...good, chainIds: [] }, "siwe.chainIds"],
      [{ uri: good.uri, chainIds: good.chainIds }, "siwe.domain"],
    ] as const) {
      let caught: unknown;
      try {
        createWalletAuth({ ...base(), siwe: siwe as never });
      } catch (error) {
        caught = error;
      }
      expect(isWalletAuthError(caught, "INVALID_INPUT"), `${field} ${String(caught)}`).toBe(true);
      expect((caught as { details?: { fields?: string[] } }).details?.fields).toEqual([field]);
    }
  });

  it.each(["user@app.example.com", "[::1]:3000", "[2001:db8::1]", "app.example.com:8443", "127.0.0.1:8080", "test@127.0.0.1:8080"])(
    "accepts the spec-valid SIWE domain %s",
    (domain) => {
      const wired = createWalletAuth({ ...base(), siwe: { domain, uri: "https://app.example.com", chainIds: ["eip155:1"] } });
      expect(wired.wallets).toBeInstanceOf(WalletService);
      return wired.shutdown();
    },
  );
});

describe("loadWalletAuthSecrets", () => {
  const good = Buffer.from(key(4)).toString("base64");

  const other = Buffer.from(key(5)).toString("base64url");

  it("reads every key and never prints them", () => {
    const secrets = loadWalletAuthSecrets({ WALLET_AUTH_FINGERPRINT_KEY: good, WALLET_AUTH_AUDIT_KEY: good, WALLET_AUTH_TOKEN_KEY: good, WALLET_AUTH_TOKEN_OLD_KEYS: ` ${other} ,` });
    expect(new Uint8Array(Redacted.unwrap(secrets.auditKey))).toEqual(key(4));
    expect(new Uint8Array(Redacted.unwrap(secrets.tokenKeys!.primary.key))).toEqual(key(4));
    expect(secrets.tokenKeys!.others.map((k) => new Uint8Array(Redacted.unwrap(k.key)))).toEqual([key(5)]);
    expect(secrets.tokenKeys!.primary.id).toMatch(/^t[0-9a-f]{16}$/);
    expect(`${JSON.stringify(secrets)} ${inspect(secrets, { depth: 5 })}`).not.toContain(good);
    expect(`${JSON.stringify(secrets)} ${inspect(secrets, { depth: 5 })}`).not.toContain(other);
  });

  it("refuses to start without a bot-token key (a token store without one would be mintable by a database write)", () => {
    for (const [env, problem, variable] of [
      [{ WALLET_AUTH_FINGERPRINT_KEY: good, WALLET_AUTH_AUDIT_KEY: good }, "missing-secret", "WALLET_AUTH_TOKEN_KEY"],
      [{ WALLET_AUTH_FINGERPRINT_KEY: good, WALLET_AUTH_AUDIT_KEY: good, WALLET_AUTH_TOKEN_KEY: good, WALLET_AUTH_TOKEN_OLD_KEYS: "abc" }, "key-length", "WALLET_AUTH_TOKEN_OLD_KEYS"],
      [{ WALLET_AUTH_FINGERPRINT_KEY: good, WALLET_AUTH_AUDIT_KEY: good, WALLET_AUTH_TOKEN_KEY: good, WALLET_AUTH_TOKEN_OLD_KEYS: good }, "duplicate-key-id", "WALLET_AUTH_TOKEN_OLD_KEYS"],
    ] as const) {
      expect(() => loadWalletAuthSecrets(env)).toThrow(expect.objectContaining({ code: "KEY_RING_INVALID", details: expect.objectContaining({ problem, variable }) }));
    }
  });

  it("names the variable and the problem, never the value", () => {
    const short = Buffer.from(key(4).subarray(0, 16)).toString("base64");
    for (const [env, problem] of [
      [{ WALLET_AUTH_AUDIT_KEY: good }, "missing-secret"],
      [{ WALLET_AUTH_FINGERPRINT_KEY: short, WALLET_AUTH_AUDIT_KEY: good }, "key-length"],
    ] as const) {
      try {
        loadWalletAuthSecrets(env);
        expect.unreachable();
      } catch (error) {
        expect(error).toMatchObject({ code: "KEY_RING_INVALID", details: { problem, variable: "WALLET_AUTH_FINGERPRINT_KEY" } });
        expect(`${JSON.stringify(error)} ${inspect(error)}`).not.toContain(short);
      }
    }
  });
});
