import { AlertDetectors, type AlertThresholds } from "../alerts/AlertDetectors.js";
import { AlertService } from "../alerts/AlertService.js";
import { AuditService } from "../audit/AuditService.js";
import { AuditTrail } from "../audit/AuditTrail.js";
import { BalanceService } from "../balances/BalanceService.js";
import type { ChainAssets } from "../balances/types.js";
import type { DetectorWindows } from "../alerts/RedisWindowCounter.js";
import type { LeaseTimers } from "../credentials/CredentialLease.js";
import { CredentialService, type CredentialPolicy } from "../credentials/CredentialService.js";
import type { KeyRing } from "../crypto/KeyRing.js";
import { WalletAuthError } from "../errors/index.js";
import type {
  AlertSink,
  BalanceCache,
  ChainGateway,
  Clock,
  ExchangeGateway,
  PriceSource,
  RandomSource,
  WalletAuthStore,
} from "../ports/index.js";
import type { WalletAuthLogger } from "../ports/Logger.js";
import { FailureReporter, type WalletAuthObserver } from "../observe/FailureReporter.js";
import { PrivacyService } from "../privacy/PrivacyService.js";
import { ExchangeProxyService } from "../proxy/ExchangeProxyService.js";
import { PolicyService } from "../policy/PolicyService.js";
import { KillSwitchService } from "../reconcile/KillSwitchService.js";
import { DeprovisioningService } from "../deprovisioning/DeprovisioningService.js";
import { ReconciliationService } from "../reconcile/ReconciliationService.js";
import type { TradePolicy } from "../policy/tradePolicySchema.js";
import type { MarketCatalog } from "../ports/MarketCatalog.js";
import { VenueCatalog } from "../ccxt/venues/VenueCatalog.js";
import { BotTokenService } from "../tokens/BotTokenService.js";
import { botTokenKeysFromAuditKey } from "../tokens/botTokenKeys.js";
import { RotationService } from "../rotation/RotationService.js";
import { checkSiweSettings, type SiweSettings } from "../wallets/siweSettings.js";
import { WalletService } from "../wallets/WalletService.js";
import type { WalletAuthSecrets } from "./loadWalletAuthSecrets.js";

/** Options for {@link createWalletAuth}. */
export interface CreateWalletAuthOptions {
  /** Any store: `createMemoryStore()`, or `createPostgresStore()` from the PostgreSQL adapter. */
  store: WalletAuthStore;
  keyRing: KeyRing;
  secrets: WalletAuthSecrets;
  /** Exchange access (`createCcxtExchangeGateway()` from `@wallet-auth/core/ccxt`). */
  exchanges?: ExchangeGateway | undefined;
  /** Chain access (`createViemChainGateway()` from `@wallet-auth/core/viem`). */
  chains?: ChainGateway | undefined;
  /** USD valuation (`createCcxtPriceSource()` from `@wallet-auth/core/ccxt`). */
  prices?: PriceSource | undefined;
  /**
   * Sign-In with Ethereum settings (required): checked here, so a missing or malformed field
   * fails start-up with `INVALID_INPUT` naming it (`details.fields`, e.g. `["siwe.domain"]`).
   */
  siwe: SiweSettings;
  /** Native currency and ERC-20 tokens read per CAIP-2 chain id. */
  chainAssets?: Readonly<Record<string, ChainAssets>> | undefined;
  /** Shared balance cache (`RedisBalanceCache`) for several replicas; in-process by default. */
  balanceCache?: BalanceCache | undefined;
  alertSinks?: readonly AlertSink[] | undefined;
  alertThresholds?: Partial<AlertThresholds> | undefined;
  /** Where the alert detectors' sliding windows live: `redisDetectorWindows({ client })` for replicas; in memory by default. */
  detectorWindows?: DetectorWindows | undefined;
  credentialPolicy?: CredentialPolicy | undefined;
  /** The venues' markets (`createCcxtMarketCatalog()`), so trade policies naming unknown symbols or over-precise caps are refused. */
  markets?: MarketCatalog | undefined;
  /** The trade policy of a credential whose owner set none; default `defaultTradePolicy()` (limit orders, 100 per order, 1,000 per day, 2% band). */
  defaultTradePolicy?: ((exchange: string) => TradePolicy) | undefined;
  /**
   * The addresses this deployment calls exchanges from (IPs or CIDR blocks), listed by
   * `venues.list()` for users' key IP allowlists. Default none.
   */
  egressIps?: readonly string[] | undefined;
  maxKeyAgeDays?: number | undefined;
  clock?: Clock | undefined;
  /** Timers that end credential leases on time; inject fake ones in tests with a fake clock. */
  leaseTimers?: LeaseTimers | undefined;
  random?: RandomSource | undefined;
  /**
   * Where background failures are logged (alert detectors, audit listeners, alert sinks), with
   * safe fields only (error code and reason, never a message or secret). Default: `console`.
   */
  logger?: WalletAuthLogger | undefined;
  /**
   * Told about every failure of work nobody awaits (a lease's closing audit write, a bot token's
   * `token.use` write, the audit write after a proxied order the exchange placed), for metrics.
   * Those failures are also logged, once per minute per operation and error code.
   */
  observer?: WalletAuthObserver | undefined;
  /**
   * Out-of-band detection of a leaked key and the kill switch: `cancelOpenOrders` when a foreign
   * order is found (default `true`), symbols always read per exchange (`watchSymbols`), and the
   * compared window, which is also the order journal's retention (`windowMs`, default 7 days).
   */
  reconciliation?: { cancelOpenOrders?: boolean | undefined; watchSymbols?: Readonly<Record<string, readonly string[]>> | undefined; windowMs?: number | undefined } | undefined;
}

/** Every service, wired to one store and one audit trail. */
export interface WalletAuth {
  /** The store as the services use it: tracked, so detectors see committed events only. */
  store: WalletAuthStore;
  audit: AuditTrail;
  auditLog: AuditService;
  alerts: AlertService;
  detectors: AlertDetectors;
  credentials: CredentialService;
  /** Wallet linking (SIWE) and management; always present. */
  wallets: WalletService;
  balances: BalanceService;
  rotation: RotationService;
  privacy: PrivacyService;
  /** Bot access tokens for the hosted API. */
  tokens: BotTokenService;
  /** Runs allowlisted exchange calls with a stored credential for a caller that never sees the secret. */
  exchangeProxy: ExchangeProxyService;
  /** Reports background failures (logged once per interval, counted through `observer`); hand it to a `BalanceRefresher`. */
  failures: FailureReporter;
  /** Trade policies of credentials and bot tokens, enforced by the exchange proxy. */
  policies: PolicyService;
  /** The supported exchanges and what a key form needs for each (read only). */
  venues: VenueCatalog;
  /** Compares each trading key's venue orders with the signed-request journal (a foreign order disables the key). */
  reconciliation: ReconciliationService;
  /** Stops everything a user's keys and bots can do here, in one action. */
  killSwitch: KillSwitchService;
  /** Acts on Clerk webhooks: a deleted user or revoked session loses access here at once. */
  deprovisioning: DeprovisioningService;
  /**
   * Detaches the detectors and waits for background work (alert deliveries, upstream reads).
   * Does not close the store: its owner does.
   */
  shutdown(): Promise<void>;
}

/**
 * Wires every service the way the architecture expects: one {@link AuditTrail} whose tracked
 * store all services share (so alert detectors see committed events and never a rolled-back
 * one), detectors attached, balance caches dropped when a credential is deleted or a wallet
 * unlinked.
 *
 * @param options - The store, key ring and secrets, plus optional gateways and policies.
 * @returns The services. Call `shutdown()` before closing the store.
 * @throws WalletAuthError `INVALID_INPUT` when `siwe` is missing or a setting is malformed (the field is named in `details.fields`); the services throw `WalletAuthError`s as documented on each.
 *
 * @example
 * ```ts
 * import { KeyRing, createWalletAuth, loadWalletAuthSecrets } from "@wallet-auth/core";
 * import { createMemoryStore } from "@wallet-auth/core/memory";
 *
 * const auth = createWalletAuth({
 *   store: createMemoryStore(),
 *   keyRing: KeyRing.fromEnv(),
 *   secrets: loadWalletAuthSecrets(),
 *   siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
 * });
 * const list = await auth.credentials.list({ userId: "user_1" });
 * await auth.shutdown();
 * ```
 */
export function createWalletAuth(options: CreateWalletAuthOptions): WalletAuth {
  const { clock, random } = options;
  // Checked before anything is wired, so a configuration error leaves no attached listener behind.
  const siwe = checkSiweSettings(options.siwe);
  const { logger } = options;
  const failures = new FailureReporter({ logger, observer: options.observer, clock });
  const audit = new AuditTrail({ hashKey: options.secrets.auditKey, clock, random, logger });
  const store = audit.track(options.store);
  const alerts = new AlertService({ store, audit, sinks: options.alertSinks, clock, random, logger });
  const detectors = new AlertDetectors({ alerts, store, thresholds: options.alertThresholds, clock, logger, windows: options.detectorWindows });
  const detach = detectors.attach(audit);

  const exchanges = options.exchanges ?? noExchanges;
  const credentials = new CredentialService({
    store,
    keyRing: options.keyRing,
    fingerprintKey: options.secrets.fingerprintKey,
    exchanges,
    audit,
    clock,
    random,
    // A key's IP binding is checked against the same egress addresses GET /v1/venues shows.
    policy: { egressIps: options.egressIps, ...options.credentialPolicy },
    timers: options.leaseTimers,
    failures,
  });
  const wallets = new WalletService({ store, audit, siwe, chains: options.chains, clock, random });
  const balances = new BalanceService({
    store,
    exchanges: options.exchanges,
    credentials,
    chains: options.chains,
    chainAssets: options.chainAssets,
    prices: options.prices,
    cache: options.balanceCache,
    clock,
  });
  const rotation = new RotationService({
    store,
    keyRing: options.keyRing,
    audit,
    alerts,
    maxKeyAgeDays: options.maxKeyAgeDays,
    clock,
    random,
  });
  const privacy = new PrivacyService({
    store,
    audit,
    clock,
    endLeasesOf: (userId) => credentials.endLeasesOf(userId),
    // An erased user's cached balances go with their data (every replica also refuses them on read).
    afterErase: async (userId, sources) => {
      await Promise.all(sources.map((source) => balances.invalidate({ userId }, { source }).catch(() => undefined)));
    },
  });
  const tokens = new BotTokenService({ store, audit, clock, random, failures, keys: options.secrets.tokenKeys ?? botTokenKeysFromAuditKey(options.secrets.auditKey) });
  const policies = new PolicyService({ store, audit, markets: options.markets, defaultPolicy: options.defaultTradePolicy, clock, random });
  const exchangeProxy = new ExchangeProxyService({ store, credentials, exchanges, audit, policies, clock, random, failures });
  const watchSymbols = options.reconciliation?.watchSymbols;
  const reconciliation = new ReconciliationService({ store, credentials, exchanges, alerts, audit, clock, random, failures, watchSymbols, cancelOpenOrders: options.reconciliation?.cancelOpenOrders, windowMs: options.reconciliation?.windowMs });
  const killSwitch = new KillSwitchService({ store, credentials, exchanges, alerts, audit, clock, random, watchSymbols });

  // A cached balance must not outlive the source it was read from.
  const unsubscribe = audit.subscribe((event) => {
    if (event.outcome !== "success" || event.subjectUserId === null || event.targetId === null) return;
    const ctx = { userId: event.subjectUserId };
    // Deleting, disabling, renewing (new key) or invalidating a credential ends its cached balances.
    if (CREDENTIAL_SOURCE_ENDS.has(event.action)) {
      void balances.invalidate(ctx, { source: { type: "exchange", credentialId: event.targetId } }).catch(() => undefined);
    } else if (event.action === "wallet.unlink") {
      void balances.invalidate(ctx, { source: { type: "wallet", walletId: event.targetId } }).catch(() => undefined);
    }
  });

  return {
    store,
    audit,
    auditLog: new AuditService({ store, audit }),
    alerts,
    detectors,
    credentials,
    wallets,
    balances,
    rotation,
    privacy,
    tokens,
    exchangeProxy,
    failures,
    policies,
    venues: new VenueCatalog({ egressIps: options.egressIps }),
    reconciliation,
    killSwitch,
    deprovisioning: new DeprovisioningService({ store, audit, killSwitch, clock }),
    async shutdown() {
      detach();
      unsubscribe();
      await detectors.idle();
      await Promise.all([alerts.flush(), balances.idle()]);
    },
  };
}

const CREDENTIAL_SOURCE_ENDS: ReadonlySet<string> = new Set(["credential.delete", "credential.disable", "credential.renew", "credential.revalidate", "credential.expire", "credential.withdraw_enabled"]);

/** The host configured no exchange access: every exchange call is refused with a coded error. */
const noExchanges: ExchangeGateway = {
  describe: refuseExchange,
  validate: refuseExchange,
  fetchBalances: refuseExchange,
  fetchHistory: refuseExchange,
  proxy: refuseExchange,
};

function refuseExchange(): Promise<never> {
  return Promise.reject(new WalletAuthError("EXCHANGE_UNSUPPORTED", { reason: "no-exchange-gateway-configured" }));
}
