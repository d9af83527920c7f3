import { WalletAuthError } from "../errors/index.js";
import type { ExchangeSecret } from "../ports/ExchangeGateway.js";

/** Summary of a closed lease. */
export interface CredentialLeaseSummary {
  leaseId: string;
  /** Secrets handed out during the lease. */
  uses: number;
  /** Uses refused (expired/revoked lease, decrypt failure). */
  refused: number;
  /** Why it ended. */
  endedBy: "closed" | "expired" | "revoked";
}

/**
 * An audited grant to use one credential many times for a short while, so a bot placing many
 * orders a second writes one audit event per lease instead of one per order. Each `use` still
 * decrypts the sealed secret afresh and hands it to `fn` only: nothing decrypted is kept
 * between uses.
 *
 * A lease ends, writing one `credential.lease_end` event, when it is closed, when its time is up
 * (on a timer, whether or not it is used again), or when the credential changes: at once for a
 * disable, delete, renewal, refusal or erasure made in this process, and within the service's
 * `leaseRecheckMs` (default 5 s) for one made by another replica, since the lease re-reads the
 * stored status at most that often, on use and in the background. An ended lease is forgotten.
 */
export interface CredentialLease {
  readonly id: string;
  readonly credentialId: string;
  readonly expiresAt: Date;
  /** `true` once the lease has ended (closed, expired or revoked). */
  readonly ended: boolean;
  /**
   * Decrypts the secret and calls `fn` with it (an {@link ExchangeSecret} that prints as redacted).
   * @throws `CREDENTIAL_UNAVAILABLE` (reason `lease-expired` / `lease-revoked`), `DECRYPTION_FAILED`.
   */
  use<T>(fn: (secret: ExchangeSecret) => Promise<T> | T): Promise<T>;
  /**
   * Calls `listener` once when the lease ends, however it ends (at once when it already has).
   * Use it to wipe anything built from the secret: `createCcxtClient({ lease })` does.
   */
  onEnd(listener: () => void): void;
  /** Ends the lease (idempotent) and writes the closing audit event with the use count. */
  close(): Promise<CredentialLeaseSummary>;
}

/** Timers the leases use (injected in tests). The default is the global one, unref'd. */
export interface LeaseTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The global timers, unref'd so an open lease never keeps a process alive. */
export const systemLeaseTimers: LeaseTimers = {
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms) as unknown as { unref?: () => void };
    handle.unref?.();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
  },
};

/** What a lease needs from the service. */
export interface LeaseHooks {
  now(): number;
  /** Decrypts the credential's current sealed secret. */
  open(): ExchangeSecret;
  /**
   * Re-reads the stored credential: `true` while it may still be used (and records the use);
   * `false` ends the lease as revoked.
   */
  recheck(): Promise<boolean>;
  end(summary: CredentialLeaseSummary): Promise<void>;
  /**
   * `end` failed (the closing audit event was not written). The lease has ended all the same; an
   * explicit `close()` still rejects, the lease's own timers only report it here.
   */
  onEndFailure(error: unknown): void;
  onDecryptFailure(error: WalletAuthError): Promise<void>;
}

/** The service's lease implementation (see {@link CredentialLease}). */
export class ServiceCredentialLease implements CredentialLease {
  readonly id: string;
  readonly credentialId: string;
  readonly userId: string;
  readonly expiresAt: Date;
  private uses = 0;
  private refused = 0;
  private finished: Promise<CredentialLeaseSummary> | undefined;
  private revoked = false;
  private checkedAt: number;
  private readonly listeners: Array<() => void> = [];
  private readonly timers: LeaseTimers;
  private readonly recheckMs: number;
  private expiryTimer: unknown;
  private recheckTimer: unknown;
  private readonly hooks: LeaseHooks;

  constructor(options: { id: string; credentialId: string; userId: string; expiresAt: Date; timers: LeaseTimers; recheckMs: number; hooks: LeaseHooks }) {
    this.id = options.id;
    this.credentialId = options.credentialId;
    this.userId = options.userId;
    this.expiresAt = options.expiresAt;
    this.hooks = options.hooks;
    this.timers = options.timers;
    this.recheckMs = options.recheckMs;
    this.checkedAt = this.hooks.now();
    // A failed closing audit write was reported by finish (onEndFailure): nothing is left to handle.
    this.expiryTimer = this.timers.setTimeout(() => void this.finish("expired").catch(() => undefined), Math.max(0, this.expiresAt.getTime() - this.checkedAt));
    this.scheduleRecheck();
  }

  get ended(): boolean {
    return this.finished !== undefined;
  }

  async use<T>(fn: (secret: ExchangeSecret) => Promise<T> | T): Promise<T> {
    if (this.revoked || this.finished !== undefined) {
      this.refused += 1;
      throw new WalletAuthError("CREDENTIAL_UNAVAILABLE", { reason: "lease-revoked" });
    }
    const now = this.hooks.now();
    if (now >= this.expiresAt.getTime()) {
      this.refused += 1;
      await this.finish("expired");
      throw new WalletAuthError("CREDENTIAL_UNAVAILABLE", { reason: "lease-expired" });
    }
    if (now - this.checkedAt >= this.recheckMs && !(await this.recheck())) {
      this.refused += 1;
      throw new WalletAuthError("CREDENTIAL_UNAVAILABLE", { reason: "lease-revoked" });
    }
    let secret: ExchangeSecret;
    try {
      secret = this.hooks.open();
    } catch (error) {
      this.refused += 1;
      await this.hooks.onDecryptFailure(error as WalletAuthError);
      throw error;
    }
    this.uses += 1;
    return fn(secret);
  }

  onEnd(listener: () => void): void {
    if (this.finished !== undefined) listener();
    else this.listeners.push(listener);
  }

  close(): Promise<CredentialLeaseSummary> {
    return this.finish("closed");
  }

  /** Ends the lease because the credential changed (disable, delete, renewal, erasure). */
  revoke(): Promise<CredentialLeaseSummary> {
    this.revoked = true;
    return this.finish("revoked");
  }

  /** Re-reads the stored status; ends the lease as revoked when it may no longer be used. */
  private async recheck(): Promise<boolean> {
    this.checkedAt = this.hooks.now();
    let usable: boolean;
    try {
      usable = await this.hooks.recheck();
    } catch {
      // The store is unreachable: keep the lease until the next check or its expiry.
      return true;
    }
    // Ended either way; a failed closing audit write was reported (onEndFailure) and must not
    // turn the caller's "revoked" answer into an audit error.
    if (!usable) await this.revoke().catch(() => undefined);
    return usable;
  }

  private scheduleRecheck(): void {
    this.recheckTimer = this.timers.setTimeout(() => {
      if (this.finished !== undefined) return;
      // recheck() handles its own store and audit failures; the rejection handler is the last
      // guard, since an unhandled rejection here would end the whole process.
      void this.recheck().then(
        (usable) => {
          if (usable && this.finished === undefined) this.scheduleRecheck();
        },
        (error: unknown) => this.hooks.onEndFailure(error),
      );
    }, this.recheckMs);
  }

  private finish(endedBy: CredentialLeaseSummary["endedBy"]): Promise<CredentialLeaseSummary> {
    if (this.finished === undefined) {
      this.timers.clearTimeout(this.expiryTimer);
      this.timers.clearTimeout(this.recheckTimer);
      const listeners = this.listeners.splice(0);
      const summary: CredentialLeaseSummary = { leaseId: this.id, uses: this.uses, refused: this.refused, endedBy };
      // Listeners run first and synchronously: a client built from the secret is wiped before
      // anything else can use it.
      for (const listener of listeners) {
        try {
          listener();
        } catch {
          // A listener's failure must not keep the lease open.
        }
      }
      this.finished = this.hooks.end(summary).then(
        () => summary,
        (error: unknown) => {
          this.hooks.onEndFailure(error);
          throw error;
        },
      );
    }
    return this.finished;
  }
}

/**
 * The open leases of one process, by credential and by user, so a change to a credential or an
 * erasure of its user ends them. A lease leaves the registry when it ends.
 */
export class CredentialLeases {
  private readonly byCredential = new Map<string, Set<ServiceCredentialLease>>();

  /** Registers an open lease; it removes itself when it ends. */
  add(lease: ServiceCredentialLease): void {
    let set = this.byCredential.get(lease.credentialId);
    if (set === undefined) this.byCredential.set(lease.credentialId, (set = new Set()));
    set.add(lease);
    lease.onEnd(() => {
      const open = this.byCredential.get(lease.credentialId);
      open?.delete(lease);
      if (open?.size === 0) this.byCredential.delete(lease.credentialId);
    });
  }

  /** Ends every open lease of one credential. */
  async revokeCredential(credentialId: string): Promise<void> {
    await Promise.allSettled([...(this.byCredential.get(credentialId) ?? [])].map((lease) => lease.revoke()));
  }

  /** Ends every open lease of one user (before erasure). */
  async revokeUser(userId: string): Promise<void> {
    const open = [...this.byCredential.values()].flatMap((set) => [...set].filter((lease) => lease.userId === userId));
    await Promise.allSettled(open.map((lease) => lease.revoke()));
  }

  /** Open leases in this process. */
  get size(): number {
    let n = 0;
    for (const set of this.byCredential.values()) n += set.size;
    return n;
  }
}
