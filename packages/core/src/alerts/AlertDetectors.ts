import { LRUCache } from "lru-cache";
import type { AuditTrail } from "../audit/AuditTrail.js";
import type { SecurityAlertRecord } from "../ports/AlertStore.js";
import type { AuditEventRecord } from "../ports/AuditLog.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import { safeErrorFields, stderrLogger, type WalletAuthLogger } from "../ports/Logger.js";
import type { StoreRepositories } from "../ports/UnitOfWork.js";
import type { AlertService, RaiseAlertInput } from "./AlertService.js";
import type { DetectorWindows } from "./RedisWindowCounter.js";
import { SlidingWindowCounter, type WindowCounter } from "./SlidingWindowCounter.js";

/** A count within a sliding window. */
export interface WindowThreshold {
  /** Alert when this many events fall within the window. */
  count: number;
  windowMs: number;
}

/** Detector thresholds. Every field has a default; pass only what you change. */
export interface AlertThresholds {
  /** `auth.failure` events per subject user. Default 5 in 15 min. */
  authFailuresPerUser: WindowThreshold;
  /** `auth.failure` events per hashed IP (all users). Default 20 in 15 min. */
  authFailuresPerIp: WindowThreshold;
  /** `credential.use` events per credential. Default 120 in 1 min. */
  credentialUse: WindowThreshold;
  /** `wallet.link` + `wallet.unlink` events per user. Default 6 in 1 h. */
  walletChurn: WindowThreshold;
  /** An IP hash not seen for the user within this many days raises `access.new_ip`. Default 30; 0 disables. */
  newIpLookbackDays: number;
}

/** Defaults for {@link AlertThresholds}. */
export const defaultAlertThresholds: AlertThresholds = {
  authFailuresPerUser: { count: 5, windowMs: 15 * 60_000 },
  authFailuresPerIp: { count: 20, windowMs: 15 * 60_000 },
  credentialUse: { count: 120, windowMs: 60_000 },
  walletChurn: { count: 6, windowMs: 60 * 60_000 },
  newIpLookbackDays: 30,
};

/** Options for {@link AlertDetectors}. */
export interface AlertDetectorsOptions {
  alerts: AlertService;
  /**
   * Where to read a user's recent events the first time this process sees them, so the new-IP
   * detector knows their usual addresses after a restart. Without it the first IP a process
   * sees for a user becomes the baseline silently.
   */
  store?: Pick<StoreRepositories, "audit"> | undefined;
  thresholds?: Partial<AlertThresholds> | undefined;
  clock?: Clock | undefined;
  /** Users (and credentials) whose state is kept; least recently seen forgotten first. Default 100,000. */
  maxTrackedKeys?: number | undefined;
  /** Called when handling an event fails (e.g. the alert store is down), after `logger`. */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * Where a detector failure is logged (`alert detector failed`, with the event's action and
   * {@link safeErrorFields}; never the event's details or the error's message). Default: `console`.
   */
  logger?: WalletAuthLogger | undefined;
  /**
   * Where the sliding windows live. Default in memory, per process; give
   * `redisDetectorWindows({ client })` so thresholds hold across replicas.
   */
  windows?: DetectorWindows | undefined;
}

const DAY_MS = 86_400_000;

/**
 * Watches committed audit events and raises alerts: failed-authentication bursts per user and
 * per IP, credential-use bursts, access from a new IP, a revoked or expired bot token still
 * being presented, wallet link/unlink churn, a credential
 * gaining withdrawal permission, and a credential about to expire or expired (from
 * `CredentialService.checkExpiry`).
 *
 * Actions watched: `auth.failure` (per user and per `ipHash`), `credential.use` (per
 * credential), `token.use` refused as revoked / expired (per token), `wallet.link` /
 * `wallet.unlink`, `credential.withdraw_enabled`, and any
 * `credential.*` event whose details carry `withdraw: true` with `escalation: true` or
 * `previousWithdraw: false` (or after an event of the same credential with `withdraw: false`),
 * and `credential.revalidate` drift (`ipBindingLost` -> `credential.ip_binding_lost`,
 * `transferEscalation` -> `credential.transfer_enabled`, both high).
 * Any successful user action from an `ipHash` not seen for that user within the lookback
 * raises `access.new_ip`.
 *
 * The sliding windows are in memory by default, per process (with several replicas each counts
 * its own share, and a restart forgets them); with `windows: redisDetectorWindows(...)` they are
 * shared in Redis. Known IPs and last known permissions stay in memory (the new-IP baseline is
 * reloaded from the audit log when `store` is given). Events are
 * handled one at a time in arrival order, off the request path.
 *
 * @example
 * ```ts
 * const detectors = new AlertDetectors({ alerts, store, thresholds: { authFailuresPerUser: { count: 3, windowMs: 60_000 } } });
 * const stop = detectors.attach(audit);
 * ```
 */
export class AlertDetectors {
  readonly #alerts: AlertService;
  readonly #store: Pick<StoreRepositories, "audit"> | undefined;
  readonly #t: AlertThresholds;
  readonly #clock: Clock;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #logger: WalletAuthLogger;
  readonly #maxKeys: number;
  readonly #authUser: WindowCounter;
  readonly #authIp: WindowCounter;
  readonly #use: WindowCounter;
  readonly #churn: WindowCounter;
  /** userId -> ipHash -> last seen (ms). */
  readonly #knownIps: LRUCache<string, Map<string, number>>;
  /** `userId \0 credentialId` -> last known withdraw permission. */
  readonly #withdraw: LRUCache<string, boolean>;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: AlertDetectorsOptions) {
    this.#alerts = options.alerts;
    this.#store = options.store;
    this.#t = { ...defaultAlertThresholds, ...options.thresholds };
    this.#clock = options.clock ?? systemClock;
    this.#onError = options.onError;
    this.#logger = options.logger ?? stderrLogger;
    this.#maxKeys = options.maxTrackedKeys ?? 100_000;
    this.#knownIps = new LRUCache({ max: this.#maxKeys });
    this.#withdraw = new LRUCache({ max: this.#maxKeys });
    const shared = options.windows;
    const counter = (name: string, w: WindowThreshold): WindowCounter => shared?.(name, w.windowMs) ?? new SlidingWindowCounter({ windowMs: w.windowMs, maxKeys: this.#maxKeys });
    this.#authUser = counter("auth-user", this.#t.authFailuresPerUser);
    this.#authIp = counter("auth-ip", this.#t.authFailuresPerIp);
    this.#use = counter("credential-use", this.#t.credentialUse);
    this.#churn = counter("wallet-churn", this.#t.walletChurn);
  }

  /** Subscribes to `audit`'s committed events; returns the unsubscribe function. */
  attach(audit: AuditTrail): () => void {
    return audit.subscribe((event) => {
      this.#queue = this.#queue.then(
        () => this.handle(event).then(() => undefined),
        () => undefined,
      );
    });
  }

  /** Resolves when every event received so far has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.#queue) {
      seen = this.#queue;
      await seen;
    }
    await this.#alerts.flush();
  }

  /**
   * Runs every detector over one committed event; returns the alerts it newly created. Errors
   * are logged to `logger`, reported to `onError`, and do not reach the caller.
   */
  async handle(event: AuditEventRecord): Promise<SecurityAlertRecord[]> {
    const raised: SecurityAlertRecord[] = [];
    const raise = async (input: RaiseAlertInput) => {
      const result = await this.#alerts.raise(input);
      if (result.created) raised.push(result.alert);
    };
    try {
      const now = this.#clock.now().getTime();
      const user = event.subjectUserId;
      if (event.action === "auth.failure") {
        if (user !== null) await this.#burst(this.#authUser, this.#t.authFailuresPerUser, user, now, () =>
          raise({ userId: user, kind: "auth.failed_burst", severity: "high", details: this.#window(this.#t.authFailuresPerUser) }),
        );
        if (event.ipHash !== null) {
          const ip = event.ipHash;
          await this.#burst(this.#authIp, this.#t.authFailuresPerIp, ip, now, () =>
            raise({
              userId: null,
              kind: "auth.failed_burst_ip",
              severity: "high",
              details: { ...this.#window(this.#t.authFailuresPerIp), ipHash: ip.slice(0, 16) },
              dedupeKey: `auth.failed_burst_ip:${ip.slice(0, 32)}`,
            }),
          );
        }
      }
      if (user === null) return raised;
      if (event.action === "privacy.erase") {
        this.forget(user);
        return raised;
      }
      if (event.action === "credential.use" && event.targetId !== null) {
        const credentialId = event.targetId;
        await this.#burst(this.#use, this.#t.credentialUse, `${user}\u0000${credentialId}`, now, () =>
          raise({
            userId: user,
            kind: "credential.use_burst",
            severity: "high",
            details: { ...this.#window(this.#t.credentialUse), credentialId },
            dedupeKey: `credential.use_burst:${credentialId}`,
          }),
        );
      }
      if (event.action === "token.use" && event.outcome === "denied" && event.targetId !== null) {
        // The token hashed to a real record, so the owner is known even though the call was refused.
        // A revoked token still in use is someone holding a token the owner meant to kill; an expired
        // one is usually a bot left running. One open alert per token.
        const tokenId = event.targetId;
        const revoked = event.details.reason === "revoked";
        const kind = revoked ? "token.revoked_use" : "token.expired_use";
        // "tokenId" would be dropped as a secret-looking key; it is the record id, not the token.
        await raise({ userId: user, kind, severity: revoked ? "high" : "medium", details: { botId: tokenId }, dedupeKey: `${kind}:${tokenId}` });
      }
      if (event.action === "wallet.link" || event.action === "wallet.unlink") {
        await this.#burst(this.#churn, this.#t.walletChurn, user, now, () =>
          raise({ userId: user, kind: "wallet.churn", severity: "medium", details: this.#window(this.#t.walletChurn) }),
        );
      }
      if ((event.action === "credential.expiring" || event.action === "credential.expire") && event.targetId !== null) {
        const credentialId = event.targetId;
        const expired = event.action === "credential.expire";
        await raise({
          userId: user,
          kind: expired ? "credential.expired" : "credential.expiring",
          severity: expired ? "high" : "medium",
          details: expired ? { credentialId } : { credentialId, expiresAt: typeof event.details.expiresAt === "string" ? event.details.expiresAt : null },
          dedupeKey: `${expired ? "credential.expired" : "credential.expiring"}:${credentialId}`,
        });
      }
      await this.#checkWithdraw(event, user, raise);
      await this.#checkDrift(event, user, raise);
      await this.#checkNewIp(event, user, now, raise);
    } catch (error) {
      this.#logger.error({ event: "alert_detector_failed", action: event.action, ...safeErrorFields(error) }, "alert detector failed");
      this.#onError?.(error);
    }
    return raised;
  }

  /**
   * Drops everything held in memory about a user (known IPs, windows, permissions). Called
   * automatically on a committed `privacy.erase` event.
   */
  forget(userId: string): void {
    this.#knownIps.delete(userId);
    const failed = (error: unknown) => this.#logger.error({ event: "alert_detector_failed", action: "privacy.erase", ...safeErrorFields(error) }, "alert detector failed");
    void Promise.resolve(this.#authUser.reset(userId)).catch(failed);
    void Promise.resolve(this.#churn.reset(userId)).catch(failed);
    const prefix = `${userId}\u0000`;
    for (const key of [...this.#withdraw.keys()]) if (key.startsWith(prefix)) this.#withdraw.delete(key);
  }

  async #burst(counter: WindowCounter, t: WindowThreshold, key: string, now: number, fire: () => Promise<void>) {
    if ((await counter.hit(key, now)) < t.count) return;
    // Count afresh after firing, so a continuing burst does not hit the store on every event.
    await counter.reset(key);
    await fire();
  }

  #window(t: WindowThreshold) {
    return { threshold: t.count, windowSeconds: Math.round(t.windowMs / 1000) };
  }

  async #checkWithdraw(event: AuditEventRecord, user: string, raise: (i: RaiseAlertInput) => Promise<void>) {
    // "denied" counts too: a key that gained withdrawal rights is dangerous even when refused.
    if (!event.action.startsWith("credential.") || event.outcome === "failure" || event.targetId === null) return;
    const credentialId = event.targetId;
    const key = `${user}\u0000${credentialId}`;
    const fire = () =>
      raise({
        userId: user,
        kind: "credential.withdraw_enabled",
        severity: "critical",
        details: { credentialId },
        dedupeKey: `credential.withdraw_enabled:${credentialId}`,
      });
    if (event.action === "credential.withdraw_enabled") {
      this.#withdraw.set(key, true);
      return fire();
    }
    const now = event.details.withdraw;
    if (typeof now !== "boolean") return;
    const before = typeof event.details.previousWithdraw === "boolean" ? event.details.previousWithdraw : this.#withdraw.get(key);
    this.#withdraw.set(key, now);
    // `escalation: true` is how CredentialService.revalidate reports false -> true.
    if (now && (before === false || event.details.escalation === true)) await fire();
  }

  /** Permission drift found by revalidation (the drift job): IP binding lost, internal transfers gained. */
  async #checkDrift(event: AuditEventRecord, user: string, raise: (i: RaiseAlertInput) => Promise<void>) {
    if (event.action !== "credential.revalidate" || event.targetId === null) return;
    const credentialId = event.targetId;
    if (event.details.ipBindingLost === true) {
      await raise({ userId: user, kind: "credential.ip_binding_lost", severity: "high", details: { credentialId }, dedupeKey: `credential.ip_binding_lost:${credentialId}` });
    }
    if (event.details.transferEscalation === true) {
      await raise({ userId: user, kind: "credential.transfer_enabled", severity: "high", details: { credentialId }, dedupeKey: `credential.transfer_enabled:${credentialId}` });
    }
  }

  async #checkNewIp(event: AuditEventRecord, user: string, now: number, raise: (i: RaiseAlertInput) => Promise<void>) {
    const lookback = this.#t.newIpLookbackDays * DAY_MS;
    if (lookback <= 0 || event.ipHash === null || event.outcome !== "success" || event.actorType !== "user") return;
    let known = this.#knownIps.get(user);
    if (!known) {
      known = await this.#baseline(user, event.id, now - lookback);
      this.#knownIps.set(user, known);
    }
    const last = known.get(event.ipHash);
    const isNew = known.size > 0 && (last === undefined || last < now - lookback);
    known.set(event.ipHash, now);
    if (isNew) {
      await raise({
        userId: user,
        kind: "access.new_ip",
        severity: "medium",
        details: { ipHash: event.ipHash.slice(0, 16), action: event.action, lookbackDays: this.#t.newIpLookbackDays },
        dedupeKey: `access.new_ip:${event.ipHash.slice(0, 32)}`,
      });
    }
  }

  async #baseline(user: string, excludeId: string, fromMs: number): Promise<Map<string, number>> {
    const known = new Map<string, number>();
    if (!this.#store) return known;
    const page = await this.#store.audit.query({ subjectUserId: user, from: new Date(fromMs), limit: 1000 });
    for (const e of page.items) {
      if (e.id === excludeId || e.ipHash === null || e.outcome !== "success") continue;
      const t = e.occurredAt.getTime();
      if ((known.get(e.ipHash) ?? 0) < t) known.set(e.ipHash, t);
    }
    return known;
  }
}
