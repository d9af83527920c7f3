import { startLoopbackExchange, type LoopbackExchange } from "../exchange.js";
import { type AuditEventRecord, AuditTrail, type CredentialPolicy, CredentialService, type ExchangeGateway, isWalletAuthError, KeyRing, Redacted, type StoreRepositories, type WalletAuthError, type WalletAuthStore } from "@wallet-auth/core";
import { createCcxtExchangeGateway } from "@wallet-auth/core/ccxt";
import { createMemoryStore, type MemoryWalletAuthStore } from "@wallet-auth/core/memory";

/** A settable clock for the service (the loopback exchange keeps real time for signatures). */
export class TestClock {
  ms = Date.UTC(2026, 0, 1);
  now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const fixedKey = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);

export function ring(byte = 1, id = "k1"): KeyRing {
  return KeyRing.fromKeys({ keys: [{ id, key: fixedKey(byte) }], primaryKeyId: id });
}

/**
 * An exchange gateway that answers `describe` only (API key and secret required) and refuses the
 * rest: for services built with live validation off, where no exchange is involved.
 */
export const offlineExchanges: ExchangeGateway = {
  describe: async (exchange) => ({ exchange, requiredFields: ["apiKey", "secret"], reportsPermissions: true }),
  validate: () => Promise.reject(new Error("offlineExchanges: no exchange here")),
  fetchBalances: () => Promise.reject(new Error("offlineExchanges: no exchange here")),
  fetchHistory: () => Promise.reject(new Error("offlineExchanges: no exchange here")),
  proxy: () => Promise.reject(new Error("offlineExchanges: no exchange here")),
};

/** A store whose audit appends fail when `failing.on` is set (to prove create+audit atomicity). */
export function withFailingAudit(store: WalletAuthStore): { store: WalletAuthStore; failing: { on: boolean } } {
  const failing = { on: false };
  const wrapRepos = (repos: StoreRepositories): StoreRepositories => ({
    ...repos,
    audit: {
      ...repos.audit,
      append: (chainKey, build) => (failing.on ? Promise.reject(new Error("disk full")) : repos.audit.append(chainKey, build)),
      listChain: (...a) => repos.audit.listChain(...a),
      query: (...a) => repos.audit.query(...a),
      erasePersonalData: (...a) => repos.audit.erasePersonalData(...a),
    } as StoreRepositories["audit"],
  });
  const wrapped: WalletAuthStore = Object.assign(Object.create(null) as object, store, wrapRepos(store), {
    kind: store.kind,
    close: () => store.close(),
    transaction: <T>(fn: (tx: StoreRepositories) => Promise<T>) => store.transaction((tx) => fn(wrapRepos(tx))),
  }) as WalletAuthStore;
  return { store: wrapped, failing };
}

export interface Harness {
  loop: LoopbackExchange;
  exchanges: ExchangeGateway;
  clock: TestClock;
  memory: MemoryWalletAuthStore;
  store: WalletAuthStore;
  failingAudit: { on: boolean };
  audit: AuditTrail;
  keyRing: KeyRing;
  service(policy?: CredentialPolicy, keyRing?: KeyRing): CredentialService;
  events(userId: string): Promise<AuditEventRecord[]>;
  /** Every row of every table as text (the store's probe). */
  dump(): Promise<string>;
  countCredentials(): Promise<number>;
}

/**
 * Credential service scenarios on any store: memory by default, or a PostgreSQL store with a
 * probe that dumps its tables (`dump`) and counts credential rows.
 */
export async function harness(backend?: { store: WalletAuthStore; dump(): Promise<string>; countCredentials(): Promise<number> }): Promise<Harness> {
  const loop = await startLoopbackExchange();
  const exchanges = createCcxtExchangeGateway({ urls: { binance: loop.origin }, allowedHosts: [new URL(loop.origin).host], enableRateLimit: false, timeoutMs: 5000 });
  const clock = new TestClock();
  const memory = createMemoryStore({ clock });
  const root: WalletAuthStore = backend?.store ?? memory;
  const { store, failing } = withFailingAudit(root);
  const audit = new AuditTrail({ hashKey: Redacted.make(fixedKey(9)), clock });
  const keyRing = ring();
  return {
    loop,
    exchanges,
    clock,
    memory,
    store,
    failingAudit: failing,
    audit,
    keyRing,
    service: (policy, kr) =>
      new CredentialService({ store, keyRing: kr ?? keyRing, fingerprintKey: Redacted.make(fixedKey(5)), exchanges, audit, clock, ...(policy === undefined ? {} : { policy }) }),
    events: async (userId) => (await root.audit.query({ subjectUserId: userId, limit: 1000 })).items,
    dump: backend ? () => backend.dump() : async () => memory.dump(),
    countCredentials: backend ? () => backend.countCredentials() : async () => memory.countRows("api_credentials"),
  };
}

/** Awaits a promise that must fail with a coded error and returns it (anything else rethrows). */
export async function failure(promise: Promise<unknown>): Promise<WalletAuthError> {
  try {
    await promise;
  } catch (error) {
    if (isWalletAuthError(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}
