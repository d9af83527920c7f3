import type { RequestContext } from "../context/RequestContext.js";
import { WalletAuthError, isWalletAuthError } from "../errors/index.js";
import type { AuditActorType, AuditChainHead, AuditEventRecord, AuditOutcome } from "../ports/AuditLog.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import { safeErrorFields, stderrLogger, type WalletAuthLogger } from "../ports/Logger.js";
import { type RandomSource, cryptoRandom } from "../ports/RandomSource.js";
import type { StoreRepositories, WalletAuthStore } from "../ports/UnitOfWork.js";
import { Redacted } from "../secret/Redacted.js";
import {
  GENESIS_HASH,
  chainKeyFor,
  computeEventHash,
  ipHashFor,
  personalDigestFor,
  systemChainKeyFor,
} from "./auditHashing.js";
import { parseContext } from "../validation/index.js";
import { cleanText, sanitizeDetails } from "./sanitizeDetails.js";

/** What a service asks to be audited. */
export interface AuditEntry {
  /** Dotted lower-case action, e.g. `"credential.create"`. */
  action: string;
  outcome: AuditOutcome;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** Non-secret facts only; sanitised again here (see {@link sanitizeDetails}). */
  details?: Record<string, string | number | boolean | null> | undefined;
}

/** A listener of committed audit events (detectors). Errors it throws are logged, never passed to the writer. */
export type AuditListener = (event: AuditEventRecord) => void | Promise<void>;

/** Options for {@link AuditTrail}. */
export interface AuditTrailOptions {
  /** 32-byte key for the chain pseudonym, IP hash and personal digest. Keep it stable. */
  hashKey: Redacted<Uint8Array>;
  clock?: Clock | undefined;
  random?: RandomSource | undefined;
  /** Longest details string kept. Default 256. */
  maxDetailLength?: number | undefined;
  /** Called when a listener throws (for logging); receives no event payload. */
  onListenerError?: ((error: unknown) => void) | undefined;
  /**
   * Where a listener failure is logged (`audit listener failed`, with the event's action and
   * {@link safeErrorFields}; never its details). Default: `console`.
   */
  logger?: WalletAuthLogger | undefined;
}

/** Options for {@link AuditTrail.recordSystem}. */
export interface SystemAuditOptions {
  /** Name of the system chain, e.g. `"rotation"`. */
  chain: string;
  /** Actor of the act; default `{ type: "system", id: null }`. */
  actor?: { type: AuditActorType; id: string | null } | undefined;
  requestId?: string | undefined;
  /** Client IP of an anonymous act (failed sign-ins): stored only as a keyed hash. */
  ip?: string | undefined;
}

const ACTION = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const OUTCOMES: ReadonlySet<string> = new Set(["success", "failure", "denied"]);
const ACTORS: ReadonlySet<string> = new Set(["user", "operator", "system", "anonymous"]);

/**
 * Appends hash-chained audit events. Each subject user has one chain (keyed by a pseudonym of
 * the user id); the event hash covers every non-personal field and a keyed digest of the
 * personal ones, so erasure can null personal data and the chain still verifies.
 *
 * Listeners ({@link AuditTrail.subscribe}) see committed events only: events written by
 * {@link AuditTrail.recordNow} or on a store directly are published after the write; events
 * written inside a transaction are published after it commits, provided the transaction was
 * opened on a store returned by {@link AuditTrail.track}. Events of a transaction that rolls
 * back are never published. Events recorded on a transaction the trail does not track are
 * stored but not published.
 *
 * @example
 * ```ts
 * import { AuditTrail, Redacted } from "@wallet-auth/core";
 * import { createMemoryStore } from "@wallet-auth/core/memory";
 * const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(7)) });
 * const store = audit.track(createMemoryStore());
 * await store.transaction(async (tx) => {
 *   await audit.record(tx, { userId: "user_1" }, { action: "wallet.link", outcome: "success" });
 * });
 * ```
 */
export class AuditTrail {
  readonly #hashKey: Redacted<Uint8Array>;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #maxDetail: number;
  readonly #listeners = new Set<AuditListener>();
  readonly #pending = new WeakMap<StoreRepositories, AuditEventRecord[]>();
  readonly #onListenerError: ((error: unknown) => void) | undefined;
  readonly #logger: WalletAuthLogger;
  readonly #chainKeys = new Map<string, string>();

  constructor(options: AuditTrailOptions) {
    const key = Redacted.is(options.hashKey) ? Redacted.unwrap(options.hashKey) : undefined;
    if (!(key instanceof Uint8Array) || key.length < 32) {
      throw new WalletAuthError("KEY_RING_INVALID", { reason: "audit-hash-key-must-be-32-bytes" });
    }
    // Copy so a caller zeroing its buffer later cannot change our pseudonyms.
    this.#hashKey = Redacted.make(Uint8Array.from(key));
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? cryptoRandom;
    this.#maxDetail = options.maxDetailLength ?? 256;
    this.#onListenerError = options.onListenerError;
    this.#logger = options.logger ?? stderrLogger;
  }

  /** The pseudonymous chain key of a user. */
  chainKeyOf(userId: string): string {
    // Hot path (every event): remember recent users' pseudonyms; bounded, oldest dropped first.
    const cached = this.#chainKeys.get(userId);
    if (cached !== undefined) return cached;
    const chainKey = chainKeyFor(Redacted.unwrap(this.#hashKey), userId);
    if (this.#chainKeys.size >= 10_000) {
      const oldest = this.#chainKeys.keys().next();
      if (!oldest.done) this.#chainKeys.delete(oldest.value);
    }
    this.#chainKeys.set(userId, chainKey);
    return chainKey;
  }

  /** The chain key of a named system chain. */
  systemChainKeyOf(name: string): string {
    return systemChainKeyFor(Redacted.unwrap(this.#hashKey), name);
  }

  /** Keyed hash of an IP, as stored in `ipHash`. */
  hashIp(ip: string): string {
    return ipHashFor(Redacted.unwrap(this.#hashKey), ip);
  }

  /**
   * Appends one event to the subject user's chain inside `repos` (a transaction's repositories,
   * or the store itself for a single write). Fail-closed: when the write fails this throws and
   * the caller's transaction rolls back.
   *
   * @param repos - Where to write: `tx` inside `store.transaction`, or the store.
   * @param rawCtx - Subject user, actor, request id, IP (hashed here), user agent.
   * @param entry - Action, outcome, target and non-secret details.
   * @returns The stored event.
   * @throws WalletAuthError `INVALID_INPUT` for a malformed action/outcome, `AUDIT_UNAVAILABLE` when the store fails.
   */
  async record(repos: StoreRepositories, rawCtx: RequestContext, entry: AuditEntry): Promise<AuditEventRecord> {
    const ctx = parseContext(rawCtx);
    const actor = ctx.actor ?? { type: "user" as const, id: ctx.userId };
    const chainKey = this.chainKeyOf(ctx.userId);
    const event = await this.#append(repos, chainKey, entry, {
      subjectUserId: ctx.userId,
      actorType: actor.type,
      actorId: actor.id,
      requestId: ctx.requestId,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    this.#afterWrite(repos, event);
    return event;
  }

  /**
   * Appends one event on `store`, committed on its own (outside any caller transaction): for
   * failures and denials that must be recorded although the operation itself rolled back or
   * never started.
   *
   * @returns The stored event.
   * @throws WalletAuthError `AUDIT_UNAVAILABLE` when it cannot be written, `INVALID_INPUT` for a malformed entry.
   */
  async recordNow(store: WalletAuthStore, ctx: RequestContext, entry: AuditEntry): Promise<AuditEventRecord> {
    // One append on the store itself is already atomic (the port promises it), so no
    // BEGIN/COMMIT round trips: the event is committed when `append` resolves.
    const event = await this.#recordUnpublished(store, ctx, entry);
    this.#publish([event]);
    return event;
  }

  /**
   * Appends an event about no user (key rotation, jobs) to the named system chain. Personal
   * fields are null; the actor defaults to the system.
   *
   * @throws WalletAuthError `AUDIT_UNAVAILABLE` when the store fails.
   */
  async recordSystem(repos: StoreRepositories, entry: AuditEntry, options: SystemAuditOptions): Promise<AuditEventRecord> {
    const actor = options.actor ?? { type: "system" as const, id: null };
    const event = await this.#append(repos, this.systemChainKeyOf(options.chain), entry, {
      subjectUserId: null,
      actorType: actor.type,
      actorId: actor.id,
      requestId: options.requestId,
      ip: options.ip,
      userAgent: undefined,
    });
    this.#afterWrite(repos, event);
    return event;
  }

  /**
   * Registers a listener for committed events; returns the unsubscribe function. Listeners run
   * after the write, outside the request's critical path; their errors never reach the caller.
   */
  subscribe(listener: AuditListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Wraps `store` so events recorded on its transactions are published to listeners after the
   * transaction commits (and dropped when it rolls back). Pass the wrapped store to every service.
   *
   * @returns A store with the same repositories and a post-commit-publishing `transaction`.
   */
  track<S extends WalletAuthStore>(store: S): S {
    const trail = this;
    return new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === "transaction") {
          return async <T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T> => {
            let seen: StoreRepositories | undefined;
            const result = await target.transaction(async (tx) => {
              seen = tx;
              trail.#pending.set(tx, []);
              return fn(tx);
            });
            const events = seen ? trail.#pending.get(seen) : undefined;
            if (seen) trail.#pending.delete(seen);
            if (events && events.length > 0) trail.#publish(events);
            return result;
          };
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  async #recordUnpublished(repos: StoreRepositories, rawCtx: RequestContext, entry: AuditEntry): Promise<AuditEventRecord> {
    const ctx = parseContext(rawCtx);
    const actor = ctx.actor ?? { type: "user" as const, id: ctx.userId };
    return this.#append(repos, this.chainKeyOf(ctx.userId), entry, {
      subjectUserId: ctx.userId,
      actorType: actor.type,
      actorId: actor.id,
      requestId: ctx.requestId,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
  }

  #afterWrite(repos: StoreRepositories, event: AuditEventRecord): void {
    const pending = this.#pending.get(repos);
    if (pending) pending.push(event);
    // A store (not a transaction) commits each write on its own.
    else if (typeof (repos as Partial<WalletAuthStore>).transaction === "function") this.#publish([event]);
  }

  #publish(events: readonly AuditEventRecord[]): void {
    if (this.#listeners.size === 0) return;
    for (const listener of this.#listeners) {
      for (const event of events) {
        try {
          const out = listener(event);
          if (out && typeof (out as Promise<void>).then === "function") {
            (out as Promise<void>).catch((error: unknown) => this.#listenerFailed(event, error));
          }
        } catch (error) {
          this.#listenerFailed(event, error);
        }
      }
    }
  }

  #listenerFailed(event: AuditEventRecord, error: unknown): void {
    try {
      this.#logger.error({ event: "audit_listener_failed", action: event.action, ...safeErrorFields(error) }, "audit listener failed");
      this.#onListenerError?.(error);
    } catch {
      // A throwing logger must not break the write that published the event.
    }
  }

  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isWalletAuthError(error, "INVALID_INPUT") || isWalletAuthError(error, "AUDIT_UNAVAILABLE")) throw error;
      throw new WalletAuthError("AUDIT_UNAVAILABLE", { cause: error, reason: "audit-write-failed" });
    }
  }

  async #append(
    repos: StoreRepositories,
    chainKey: string,
    entry: AuditEntry,
    who: {
      subjectUserId: string | null;
      actorType: AuditActorType;
      actorId: string | null;
      requestId: string | undefined;
      ip: string | undefined;
      userAgent: string | undefined;
    },
  ): Promise<AuditEventRecord> {
    if (typeof entry.action !== "string" || entry.action.length > 64 || !ACTION.test(entry.action)) {
      throw new WalletAuthError("INVALID_INPUT", { reason: "audit-action-malformed" });
    }
    if (!OUTCOMES.has(entry.outcome)) throw new WalletAuthError("INVALID_INPUT", { reason: "audit-outcome-malformed" });
    if (!ACTORS.has(who.actorType)) throw new WalletAuthError("INVALID_INPUT", { reason: "audit-actor-malformed" });
    const key = Redacted.unwrap(this.#hashKey);
    const personal = {
      subjectUserId: who.subjectUserId,
      actorId: who.actorId === null ? null : cleanText(who.actorId, 256),
      ipHash: who.ip ? ipHashFor(key, who.ip) : null,
      userAgent: who.userAgent ? cleanText(who.userAgent, 512) : null,
    };
    const personalDigest = personalDigestFor(key, personal);
    const base = {
      id: this.#random.uuid(),
      chainKey,
      ...personal,
      actorType: who.actorType,
      action: entry.action,
      targetType: entry.targetType === undefined ? null : cleanText(entry.targetType, 64),
      targetId: entry.targetId === undefined ? null : cleanText(entry.targetId, 256),
      outcome: entry.outcome,
      requestId: who.requestId === undefined ? null : cleanText(who.requestId, 128),
      details: sanitizeDetails(entry.details, { maxStringLength: this.#maxDetail }),
      personalDigest,
      occurredAt: this.#clock.now(),
    };
    return this.#guard(() =>
      repos.audit.append(chainKey, (head: AuditChainHead | null) => {
        const unsigned = { ...base, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
        return { ...unsigned, hash: computeEventHash(unsigned) };
      }),
    );
  }
}
