import type { AuditEntry, AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import type { KeyRing } from "../crypto/KeyRing.js";
import { WalletAuthError, isWalletAuthError } from "../errors/index.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import { parseContext, parseId } from "../validation/index.js";
import type { CredentialPatch, CredentialRecord } from "../ports/CredentialStore.js";
import type { ExchangeGateway, ExchangeKeyInfo, ExchangeSecret } from "../ports/ExchangeGateway.js";
import { type RandomSource, cryptoRandom } from "../ports/RandomSource.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import type { Redacted } from "../secret/Redacted.js";
import { type CredentialLease, CredentialLeases, type LeaseTimers, ServiceCredentialLease, systemLeaseTimers } from "./CredentialLease.js";
import { type CheckExpiryResult, CredentialExpiryJob } from "./CredentialExpiryJob.js";
import { credentialEntry } from "./credentialEntry.js";
import { type CredentialView, toCredentialView } from "./CredentialView.js";

export type { CheckExpiryResult } from "./CredentialExpiryJob.js";
import { type CredentialCreateInput, type CredentialUpdateInput, createCredentialInputSchema, parseCredentialInput, updateCredentialInputSchema } from "./credentialSchemas.js";
import { credentialFingerprint, openSecret, sealSecret } from "./secretEnvelope.js";
import { keyPermissionsOf } from "./keyPermissionsOf.js";
import { ipBindingOf } from "./ipBinding.js";
import { venueModule } from "../ccxt/venues/registry.js";
import type { KeyPermissions } from "../ports/KeyPermissions.js";

/** What live validation established about a key the policy accepts. */
interface ValidatedKey {
  info: ExchangeKeyInfo;
  keyPermissions: KeyPermissions;
  /** The owner accepted that withdrawal permission is unknown. */
  riskAccepted: boolean;
}
import { FailureReporter } from "../observe/FailureReporter.js";

/** Policy knobs of {@link CredentialService}. */
export interface CredentialPolicy {
  /** Whether a withdrawal-enabled key may be stored at all (the caller must also opt in). Default false. */
  allowWithdrawal?: boolean | undefined;
  /** Validate keys live on create and renewal. Default true. */
  validateOnCreate?: boolean | undefined;
  /** `lastUsedAt` is written at most this often per credential. Default 60 000 ms. */
  lastUsedThrottleMs?: number | undefined;
  /** Default lease length. Default 60 000 ms; at most 15 minutes. */
  useLeaseTtlMs?: number | undefined;
  /** `checkExpiry` warns this many days ahead. Default 7. */
  expiryWarningDays?: number | undefined;
  /**
   * An open lease re-reads its credential's stored status at most this often (on use and in the
   * background), so a disable or delete made by another replica ends it within this bound.
   * Default 5 000 ms.
   */
  leaseRecheckMs?: number | undefined;
  /**
   * Refuse a key (on create and renewal) that is not bound to the product's egress addresses:
   * no IP allowlist, a list lacking one of `egressIps`, or a venue that does not report one.
   * `CREDENTIAL_IP_UNBOUND`. Default false.
   */
  requireIpBinding?: boolean | undefined;
  /** The product's egress addresses (IPs or CIDRs) a bound key's allowlist must admit. Default none: any allowlist counts. */
  egressIps?: readonly string[] | undefined;
}

/** Options for {@link CredentialService}. */
export interface CredentialServiceOptions {
  store: WalletAuthStore;
  keyRing: KeyRing;
  /** 32-byte key of the API-key blind index. Keep it stable: changing it disables duplicate detection. */
  fingerprintKey: Redacted<Uint8Array>;
  exchanges: ExchangeGateway;
  audit: AuditTrail;
  clock?: Clock | undefined;
  random?: RandomSource | undefined;
  policy?: CredentialPolicy | undefined;
  /** Timers that end leases on time (injected in tests). Default the global timers, unref'd. */
  timers?: LeaseTimers | undefined;
  /**
   * Where failures nobody awaits are reported (a lease's `credential.lease_end` audit write when
   * the lease ends on its own). Default: a {@link FailureReporter} logging to `console`.
   */
  failures?: FailureReporter | undefined;
}

/** Result of {@link CredentialService.revalidate}. */
export interface RevalidateCredentialResult {
  credential: CredentialView;
  /** `valid`: the exchange accepted the key; `invalid`: it refused it (status set to invalid); `unchanged`: transient failure, status kept. */
  outcome: "valid" | "invalid" | "unchanged";
  /** The error code when not `valid`. */
  code?: string | undefined;
}

/** Result of {@link CredentialService.checkPermissionDrift}. */
export interface PermissionDriftResult {
  /** Credentials validated again. */
  checked: number;
  /** Of those, how many came back with a field of the venue's record changed (each is audited with `permissionsChanged`). */
  changed: number;
  /** Made invalid: refused by the exchange, or found able to withdraw against the policy. */
  invalid: number;
  /** Kept as they were: a transient exchange failure, a record that could not be opened, or a concurrent change. */
  unchanged: number;
}

const MAX_LEASE_MS = 15 * 60_000;
const TRANSIENT = new Set(["EXCHANGE_UNAVAILABLE", "EXCHANGE_RATE_LIMITED", "EXCHANGE_CLOCK_SKEW"]);
const REFUSED = new Set(["CREDENTIAL_INVALID", "CREDENTIAL_PERMISSION_INSUFFICIENT", "CREDENTIAL_IP_RESTRICTED"]);

function codeOf(error: unknown): string {
  return isWalletAuthError(error) ? error.code : "INTERNAL";
}

/** Whether a throttled `lastUsedAt` write is due, judged from the row just read (the UPDATE re-checks). */
function isTouchDue(lastUsedAt: Date | null, notAfter: Date): boolean {
  return lastUsedAt === null || lastUsedAt.getTime() < notAfter.getTime();
}

/** The names of the fields of the venue's record that differ (comma-separated, sorted); "" when none or no earlier record. */
function changedPermissions(before: KeyPermissions | null, after: KeyPermissions): string {
  if (before === null) return "";
  const keys = Object.keys(after) as (keyof KeyPermissions)[];
  return keys.filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k])).sort().join(",");
}

/** The expiry the venue reported at the last validation, if any. */
function venueExpiry(record: CredentialRecord): Date | null {
  const at = record.keyPermissions?.expiresAt;
  return at == null ? null : new Date(at);
}

function earliest(a: Date | null | undefined, b: Date | null | undefined): Date | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  return a.getTime() <= b.getTime() ? a : b;
}

/**
 * Exchange API credentials: stored sealed under the key ring, validated live, never returned.
 * Every method is scoped to `ctx.userId`; another user's credential id behaves exactly like a
 * missing one (`NOT_FOUND`). Every change commits together with its audit event.
 *
 * @example
 * ```ts
 * import { CredentialService } from "@wallet-auth/core";
 * const credentials = new CredentialService({ store, keyRing, fingerprintKey, exchanges, audit });
 * const view = await credentials.create(ctx, { exchange: "binance", label: "main", apiKey, secret });
 * const balance = await credentials.use(ctx, view.id, (secret) => exchanges.fetchBalances({ exchange: "binance", secret }));
 * ```
 */
export class CredentialService {
  private readonly store: WalletAuthStore;
  private readonly keyRing: KeyRing;
  private readonly fingerprintKey: Redacted<Uint8Array>;
  private readonly exchanges: ExchangeGateway;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly policy: Required<{ [K in keyof CredentialPolicy]-?: NonNullable<CredentialPolicy[K]> }>;
  private readonly leases: CredentialLeases;
  private readonly timers: LeaseTimers;
  private readonly expiry: CredentialExpiryJob;
  private readonly failures: FailureReporter;

  constructor(options: CredentialServiceOptions) {
    this.store = options.store;
    this.keyRing = options.keyRing;
    this.fingerprintKey = options.fingerprintKey;
    this.exchanges = options.exchanges;
    this.audit = options.audit;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? cryptoRandom;
    this.leases = new CredentialLeases();
    this.timers = options.timers ?? systemLeaseTimers;
    this.failures = options.failures ?? new FailureReporter({ clock: this.clock });
    const p = options.policy ?? {};
    this.policy = {
      allowWithdrawal: p.allowWithdrawal ?? false,
      validateOnCreate: p.validateOnCreate ?? true,
      lastUsedThrottleMs: p.lastUsedThrottleMs ?? 60_000,
      useLeaseTtlMs: Math.min(p.useLeaseTtlMs ?? 60_000, MAX_LEASE_MS),
      expiryWarningDays: p.expiryWarningDays ?? 7,
      leaseRecheckMs: p.leaseRecheckMs ?? 5_000,
      requireIpBinding: p.requireIpBinding ?? false,
      egressIps: p.egressIps ?? [],
    };
    this.expiry = new CredentialExpiryJob({ store: this.store, audit: this.audit, clock: this.clock, leases: this.leases, warningDays: this.policy.expiryWarningDays });
  }

  /**
   * Stores a new credential: checks the exchange's required fields, validates the key live
   * (refusing withdrawal-enabled keys unless both the caller and the policy allow them), refuses
   * a key already stored by anyone, seals the secret and writes row and audit event together.
   *
   * A key whose withdrawal permission the venue does not report (or reports in a shape that
   * cannot be read) is refused with `CREDENTIAL_PERMISSIONS_UNKNOWN` unless the input says
   * `acceptUnknownPermissions: true`; the acceptance is audited and kept as
   * `permissionRiskAcceptedAt`. The venue's own expiry replaces an input expiry that is later.
   *
   * @throws `INVALID_INPUT` (`details.fields`), `EXCHANGE_UNSUPPORTED`, `CREDENTIAL_DUPLICATE`,
   *   `CREDENTIAL_WITHDRAWAL_ENABLED`, `CREDENTIAL_PERMISSIONS_UNKNOWN`, `CREDENTIAL_INVALID`, `CREDENTIAL_PERMISSION_INSUFFICIENT`,
   *   `CREDENTIAL_IP_UNBOUND` (policy `requireIpBinding`),
   *   `CREDENTIAL_IP_RESTRICTED`, `EXCHANGE_UNAVAILABLE`, `EXCHANGE_RATE_LIMITED`,
   *   `EXCHANGE_CLOCK_SKEW`, `AUDIT_UNAVAILABLE`.
   */
  async create(ctx: RequestContext, input: CredentialCreateInput): Promise<CredentialView> {
    ctx = parseContext(ctx);
    const parsed = parseCredentialInput(createCredentialInputSchema, input);
    const secret = await this.checkedSecret(parsed.exchange, parsed);
    try {
      const validated = await this.validateLive(ctx, "credential.create", parsed.exchange, secret, parsed.allowWithdrawal === true, parsed.acceptUnknownPermissions === true);
      const info = validated?.info ?? null;
      const now = this.clock.now();
      const id = this.random.uuid();
      const sealed = sealSecret(this.keyRing, secret, ctx.userId, id, parsed.exchange);
      const record: CredentialRecord = {
        id,
        userId: ctx.userId,
        exchange: parsed.exchange,
        label: parsed.label,
        status: "active",
        fingerprint: credentialFingerprint(this.fingerprintKey, parsed.exchange, secret.apiKey),
        keyHint: secret.apiKey.slice(-4),
        sealedSecret: sealed.sealed,
        keyId: sealed.keyId,
        formatVersion: sealed.formatVersion,
        permissions: info?.permissions ?? null,
        keyPermissions: validated?.keyPermissions ?? null,
        permissionRiskAcceptedAt: validated?.riskAccepted === true ? now : null,
        expiresAt: earliest(parsed.expiresAt, info?.expiresAt),
        lastUsedAt: null,
        lastValidatedAt: info === null ? null : now,
        createdAt: now,
        updatedAt: now,
      };
      return await this.store.transaction(async (tx) => {
        await tx.users.ensure(ctx.userId, now);
        const stored = await tx.credentials.insert(record);
        const details = { exchange: parsed.exchange, validated: info !== null, ...(validated?.riskAccepted === true ? { permissionRiskAccepted: "withdraw-unknown" } : {}) };
        await this.audit.record(tx, ctx, credentialEntry("credential.create", "success", id, details));
        return toCredentialView(stored);
      });
    } catch (error) {
      if (isWalletAuthError(error, "CREDENTIAL_DUPLICATE")) {
        await this.audit.recordNow(this.store, ctx, credentialEntry("credential.create", "denied", undefined, { exchange: parsed.exchange, code: error.code }));
      }
      throw error;
    }
  }

  /** The user's credentials, newest first. */
  async list(ctx: RequestContext): Promise<CredentialView[]> {
    ctx = parseContext(ctx);
    return (await this.store.credentials.listByUser(ctx.userId)).map(toCredentialView);
  }

  /** One credential. @throws `NOT_FOUND` (also for another user's id). */
  async get(ctx: RequestContext, id: string): Promise<CredentialView> {
    ctx = parseContext(ctx);
    id = parseId(id);
    return toCredentialView(await this.require(ctx, id));
  }

  /**
   * Edits the label / expiry, or renews the key when `apiKey` and `secret` are given: the new key
   * is validated live first; if validation fails nothing changes and the old key stays. A renewal
   * makes an `invalid` or `expired` credential `active`; a `disabled` one stays disabled. It is
   * written compare-and-set against the status read before the exchange call, so a disable (or
   * any status change) that lands meanwhile is never undone: the renewal then fails with
   * `CONFLICT` and the old key stays.
   *
   * @throws `NOT_FOUND`, `INVALID_INPUT`, `CONFLICT` (status changed during a renewal), and for a
   *   renewal everything `create` throws.
   */
  async update(ctx: RequestContext, id: string, input: CredentialUpdateInput): Promise<CredentialView> {
    ctx = parseContext(ctx);
    id = parseId(id);
    const parsed = parseCredentialInput(updateCredentialInputSchema, input);
    const current = await this.require(ctx, id);
    const renewing = parsed.apiKey !== undefined || parsed.secret !== undefined || parsed.password !== undefined || parsed.uid !== undefined;
    const now = this.clock.now();
    const patch: CredentialPatch = { updatedAt: now };
    let riskAccepted = false;
    if (parsed.label !== undefined) patch.label = parsed.label;
    // An edited (or cleared) expiry never goes past the one the venue reported for this key.
    if (parsed.expiresAt !== undefined) patch.expiresAt = earliest(parsed.expiresAt, venueExpiry(current));
    if (renewing) {
      const secret = await this.checkedSecret(current.exchange, parsed);
      const validated = await this.validateLive(ctx, "credential.renew", current.exchange, secret, parsed.allowWithdrawal === true, parsed.acceptUnknownPermissions === true, id);
      const info = validated?.info ?? null;
      riskAccepted = validated?.riskAccepted === true;
      const sealed = sealSecret(this.keyRing, secret, ctx.userId, id, current.exchange);
      Object.assign(patch, {
        status: current.status === "disabled" ? "disabled" : "active",
        fingerprint: credentialFingerprint(this.fingerprintKey, current.exchange, secret.apiKey),
        keyHint: secret.apiKey.slice(-4),
        sealedSecret: sealed.sealed,
        keyId: sealed.keyId,
        formatVersion: sealed.formatVersion,
        permissions: info?.permissions ?? null,
        keyPermissions: validated?.keyPermissions ?? null,
        permissionRiskAcceptedAt: riskAccepted ? now : null,
        lastValidatedAt: info === null ? null : now,
        expiresAt: earliest(parsed.expiresAt === undefined ? null : parsed.expiresAt, info?.expiresAt),
      } satisfies Partial<CredentialPatch>);
    }
    const action = renewing ? "credential.renew" : "credential.update";
    try {
      const view = await this.store.transaction(async (tx) => {
        // A renewal sets the status: only while it is still the one read before the exchange call.
        const updated = await tx.credentials.update(ctx.userId, id, patch, renewing ? { expectStatus: current.status } : undefined);
        if (updated === null) {
          if (renewing && (await tx.credentials.get(ctx.userId, id)) !== null) throw new WalletAuthError("CONFLICT", { reason: "status-changed" });
          throw new WalletAuthError("NOT_FOUND");
        }
        await this.audit.record(tx, ctx, credentialEntry(action, "success", id, { exchange: current.exchange, ...(riskAccepted ? { permissionRiskAccepted: "withdraw-unknown" } : {}) }));
        return toCredentialView(updated);
      });
      if (renewing) await this.revokeLeases(id);
      return view;
    } catch (error) {
      if (isWalletAuthError(error, "CREDENTIAL_DUPLICATE") || isWalletAuthError(error, "CONFLICT")) {
        await this.audit.recordNow(this.store, ctx, credentialEntry(action, "denied", id, { code: error.code }));
      }
      throw error;
    }
  }

  /** Disables a credential (use is refused, open leases end). @throws `NOT_FOUND`. */
  async disable(ctx: RequestContext, id: string): Promise<CredentialView> {
    ctx = parseContext(ctx);
    id = parseId(id);
    const view = await this.setStatus(ctx, id, "disabled", "credential.disable");
    await this.revokeLeases(id);
    return view;
  }

  /**
   * Re-enables a credential its user disabled. Only a `disabled` credential can be enabled: an
   * `invalid` one (refused by the exchange, or found able to withdraw) becomes usable only
   * through a passing `revalidate`, and an `expired` one only through renewal.
   * @throws `NOT_FOUND`, `CONFLICT` (not disabled), `CREDENTIAL_EXPIRED` (expiry passed).
   */
  async enable(ctx: RequestContext, id: string): Promise<CredentialView> {
    ctx = parseContext(ctx);
    id = parseId(id);
    const current = await this.require(ctx, id);
    if (current.status === "active") return toCredentialView(current);
    if (current.status !== "disabled") throw new WalletAuthError("CONFLICT", { reason: `enable-from-${current.status}` });
    if (current.expiresAt !== null && current.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new WalletAuthError("CREDENTIAL_EXPIRED");
    }
    // Compare-and-set: a revalidation that marked it invalid meanwhile is not undone.
    const view = await this.patchIf(ctx, id, { status: "active" }, "credential.enable", "success", {}, "disabled");
    if (view === null) throw new WalletAuthError("CONFLICT", { reason: "status-changed" });
    return view;
  }

  /** Deletes a credential and its sealed secret. @throws `NOT_FOUND`. */
  async delete(ctx: RequestContext, id: string): Promise<void> {
    ctx = parseContext(ctx);
    id = parseId(id);
    await this.store.transaction(async (tx) => {
      if (!(await tx.credentials.delete(ctx.userId, id))) throw new WalletAuthError("NOT_FOUND");
      await this.audit.record(tx, ctx, credentialEntry("credential.delete", "success", id));
    });
    await this.revokeLeases(id);
  }

  /**
   * Validates a stored key again. Refusal by the exchange sets status `invalid`; a transient
   * failure (exchange down, rate limited, clock skew) keeps the status. A key that gained
   * withdrawal permission while the policy forbids it becomes `invalid`.
   *
   * @throws `NOT_FOUND`, `DECRYPTION_FAILED`, `AUDIT_UNAVAILABLE`.
   */
  async revalidate(ctx: RequestContext, id: string): Promise<RevalidateCredentialResult> {
    ctx = parseContext(ctx);
    id = parseId(id);
    const current = await this.require(ctx, id);
    const secret = await this.openOrAudit(ctx, current);
    let info: ExchangeKeyInfo | undefined;
    let refusal: string | undefined;
    try {
      info = await this.exchanges.validate({ exchange: current.exchange, secret, ipRestricted: current.permissions?.ipRestricted === true });
    } catch (error) {
      const code = codeOf(error);
      if (!REFUSED.has(code)) {
        await this.audit.recordNow(this.store, ctx, credentialEntry("credential.revalidate", "failure", id, { code }));
        return { credential: toCredentialView(current), outcome: "unchanged", code };
      }
      refusal = code;
    }
    // The new status is decided from the stored one and written compare-and-set against it: a
    // disable (or any change) that landed during the exchange call wins, and the decision is
    // taken again from what is stored now.
    let stored = current;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (attempt > 0) stored = await this.require(ctx, id);
      const now = this.clock.now();
      if (refusal !== undefined) {
        const fields = { status: stored.status === "active" ? ("invalid" as const) : stored.status, lastValidatedAt: now };
        const view = await this.patchIf(ctx, id, fields, "credential.revalidate", "failure", { code: refusal }, stored.status);
        if (view === null) continue;
        await this.revokeLeases(id);
        return { credential: view, outcome: "invalid", code: refusal };
      }
      const checked = info as ExchangeKeyInfo;
      const latest = keyPermissionsOf(checked);
      const changed = changedPermissions(stored.keyPermissions, latest);
      const withdrawRefused = checked.permissions.withdraw && !this.policy.allowWithdrawal;
      const escalated = checked.permissions.withdraw && stored.permissions?.withdraw !== true;
      // Drift the alert detectors watch: a key that was bound to the product's addresses and no
      // longer is (its allowlist removed or changed at the venue), or that gained internal transfers.
      const binding = ipBindingOf(latest, this.policy.egressIps);
      const bindingLost = ipBindingOf(stored.keyPermissions, this.policy.egressIps) === "bound" && binding !== "bound";
      const transferGained = latest.internalTransfer === true && stored.keyPermissions?.internalTransfer === false;
      const unboundRefused = bindingLost && this.policy.requireIpBinding;
      const refused = withdrawRefused || unboundRefused;
      const status = refused && stored.status === "active" ? "invalid" : stored.status === "invalid" && !refused ? "active" : stored.status;
      const view = await this.patchIf(
        ctx,
        id,
        { status, permissions: checked.permissions, keyPermissions: latest, lastValidatedAt: now, expiresAt: earliest(stored.expiresAt, checked.expiresAt) },
        "credential.revalidate",
        refused ? "denied" : "success",
        // Which fields of the venue's record moved since the last validation (names only), for drift alerts.
        {
          escalation: escalated,
          withdraw: checked.permissions.withdraw,
          ...(changed === "" ? {} : { permissionsChanged: changed }),
          ...(bindingLost ? { ipBindingLost: true, ipBinding: binding } : {}),
          ...(transferGained ? { transferEscalation: true } : {}),
        },
        stored.status,
      );
      if (view === null) continue;
      if (refused) {
        await this.revokeLeases(id);
        return { credential: view, outcome: "invalid", code: withdrawRefused ? "CREDENTIAL_WITHDRAWAL_ENABLED" : "CREDENTIAL_IP_UNBOUND" };
      }
      return { credential: view, outcome: "valid" };
    }
    throw new WalletAuthError("CONFLICT", { reason: "status-changed" });
  }

  /**
   * Opens a credential for incident response only (reconciliation and the kill switch cancelling
   * open orders): unlike {@link CredentialService.use} it also opens a `disabled` or `invalid`
   * credential, because stopping a leaked key's orders must still work after the key was
   * disabled. Audited as `credential.use` with `details.purpose` (`"incident"`).
   *
   * @throws `NOT_FOUND`, `DECRYPTION_FAILED`.
   */
  async useForIncident<T>(ctx: RequestContext, id: string, fn: (secret: ExchangeSecret) => Promise<T> | T): Promise<T> {
    ctx = parseContext(ctx);
    id = parseId(id);
    const record = await this.require(ctx, id);
    const secret = await this.openOrAudit(ctx, record);
    await this.audit.recordNow(this.store, ctx, credentialEntry("credential.use", "success", id, { purpose: "incident" }));
    return fn(secret);
  }

  /**
   * Decrypts the secret and hands it to `fn` only, after auditing the use (one event per call;
   * use {@link CredentialService.lease} for bursts). `lastUsedAt` is updated, throttled.
   *
   * @throws `NOT_FOUND`, `CREDENTIAL_DISABLED`, `CREDENTIAL_EXPIRED`, `CREDENTIAL_INVALID`,
   *   `DECRYPTION_FAILED`, `AUDIT_UNAVAILABLE`; whatever `fn` throws.
   */
  async use<T>(ctx: RequestContext, id: string, fn: (secret: ExchangeSecret) => Promise<T> | T): Promise<T> {
    ctx = parseContext(ctx);
    id = parseId(id);
    const record = await this.usable(ctx, id, "credential.use");
    const secret = await this.openOrAudit(ctx, record);
    const now = this.clock.now();
    const notAfter = new Date(now.getTime() - this.policy.lastUsedThrottleMs);
    await this.store.transaction(async (tx) => {
      await this.audit.record(tx, ctx, credentialEntry("credential.use", "success", id));
      // The record just read tells whether the throttle is due: skip the round trip when it is not.
      if (isTouchDue(record.lastUsedAt, notAfter)) await tx.credentials.touchLastUsed(ctx.userId, id, now, notAfter);
    });
    return fn(secret);
  }

  /**
   * Opens an audited lease: one `credential.use` event now (details `lease: true`), one
   * `credential.lease_end` event with the use count when it closes, expires or is revoked
   * (disable, delete, renewal or refusal in this process). Uses in between write no audit row.
   *
   * @param options - `ttlMs`, capped at 15 minutes; default the policy's `useLeaseTtlMs`.
   * @throws as {@link CredentialService.use}.
   */
  async lease(ctx: RequestContext, id: string, options: { ttlMs?: number | undefined } = {}): Promise<CredentialLease> {
    ctx = parseContext(ctx);
    id = parseId(id);
    const record = await this.usable(ctx, id, "credential.use");
    // Decrypt once up front so a broken record fails here, not on the first order.
    await this.openOrAudit(ctx, record);
    const requested = options?.ttlMs ?? this.policy.useLeaseTtlMs;
    // NaN, Infinity or a negative ttl would make a lease that never expires: refused, never clamped.
    if (typeof requested !== "number" || !Number.isFinite(requested) || requested < 1 || requested > MAX_LEASE_MS) {
      throw new WalletAuthError("INVALID_INPUT", { reason: "lease-ttl", details: { fields: ["ttlMs"] } });
    }
    const ttlMs = Math.trunc(requested);
    const leaseId = this.random.uuid();
    const now = this.clock.now();
    const throttle = this.policy.lastUsedThrottleMs;
    await this.store.transaction(async (tx) => {
      await this.audit.record(tx, ctx, credentialEntry("credential.use", "success", id, { lease: true, leaseId, ttlMs }));
      const notAfter = new Date(now.getTime() - throttle);
      if (isTouchDue(record.lastUsedAt, notAfter)) await tx.credentials.touchLastUsed(ctx.userId, id, now, notAfter);
    });
    // The sealed string in use: a rotation replaces it (same secret, new key) and a recheck picks it up.
    let sealedSecret = record.sealedSecret;
    const lease: ServiceCredentialLease = new ServiceCredentialLease({
      id: leaseId,
      credentialId: id,
      userId: record.userId,
      expiresAt: new Date(now.getTime() + ttlMs),
      timers: this.timers,
      recheckMs: this.policy.leaseRecheckMs,
      hooks: {
        now: () => this.clock.now().getTime(),
        open: () => openSecret(this.keyRing, sealedSecret, record.userId, record.id, record.exchange),
        recheck: async () => {
          const latest = await this.store.credentials.get(record.userId, id);
          const at = this.clock.now();
          // Gone, disabled, refused, expired or renewed (another key) elsewhere: the lease ends.
          if (latest === null || latest.status !== "active" || latest.fingerprint !== record.fingerprint) return false;
          if (latest.expiresAt !== null && latest.expiresAt.getTime() <= at.getTime()) return false;
          sealedSecret = latest.sealedSecret;
          const notAfter = new Date(at.getTime() - throttle);
          if (isTouchDue(latest.lastUsedAt, notAfter)) await this.store.credentials.touchLastUsed(record.userId, id, at, notAfter);
          return true;
        },
        onDecryptFailure: async (error) => {
          await this.audit.recordNow(this.store, ctx, credentialEntry("credential.decrypt", "failure", id, { code: error.code, reason: error.reason ?? null }));
        },
        onEndFailure: (error) => this.failures.report("lease_end_audit", error),
        end: async (summary) => {
          await this.audit.recordNow(this.store, ctx, credentialEntry("credential.lease_end", "success", id, { leaseId, uses: summary.uses, refused: summary.refused, endedBy: summary.endedBy }));
        },
      },
    });
    this.leases.add(lease);
    return lease;
  }

  /** Leases open in this process (ended leases are forgotten). */
  get openLeases(): number {
    return this.leases.size;
  }

  /**
   * Ends every open lease of `userId` in this process (each writes its `credential.lease_end`);
   * `PrivacyService.erase` calls it first, so nothing is written for the user after erasure.
   */
  async endLeasesOf(userId: string): Promise<void> {
    await this.leases.revokeUser(userId);
  }

  /**
   * Expiry job (any user): marks credentials whose `expiresAt` has passed `expired` and writes a
   * `credential.expiring` event (once per credential and expiry, per process) for those expiring
   * within `expiryWarningDays`.
   */
  async checkExpiry(options: { batchSize?: number | undefined } = {}): Promise<CheckExpiryResult> {
    return this.expiry.run(options);
  }

  /**
   * Permission-drift job (any user): validates again the active credentials least recently
   * validated (never, or more than `olderThanMs` ago; default one day), at most `batchSize`
   * (default 100) per run, through {@link CredentialService.revalidate}: each keeps its status on a
   * transient failure, becomes invalid when refused or able to withdraw against the policy, and its
   * audit event names the fields of the venue's record that changed (`permissionsChanged`), so
   * an IP allowlist removed or a withdrawal permission added on the venue is seen.
   *
   * @throws `AUDIT_UNAVAILABLE` (the run stops: nothing is changed without its event).
   */
  async checkPermissionDrift(options: { batchSize?: number | undefined; olderThanMs?: number | undefined } = {}): Promise<PermissionDriftResult> {
    const olderThanMs = options.olderThanMs ?? 86_400_000;
    const batchSize = options.batchSize ?? 100;
    if (!Number.isFinite(olderThanMs) || olderThanMs < 0 || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new WalletAuthError("INVALID_INPUT", { reason: "drift-options", details: { fields: ["batchSize", "olderThanMs"] } });
    }
    const due = await this.store.credentials.listDueForRevalidation(new Date(this.clock.now().getTime() - olderThanMs), batchSize);
    const result: PermissionDriftResult = { checked: 0, changed: 0, invalid: 0, unchanged: 0 };
    for (const record of due) {
      const ctx: RequestContext = { userId: record.userId, actor: { type: "system", id: null } };
      let outcome: RevalidateCredentialResult;
      try {
        outcome = await this.revalidate(ctx, record.id);
      } catch (error) {
        if (isWalletAuthError(error, "AUDIT_UNAVAILABLE") || !isWalletAuthError(error)) throw error;
        result.unchanged += 1;
        continue;
      }
      result.checked += 1;
      if (outcome.outcome === "invalid") result.invalid += 1;
      else if (outcome.outcome === "unchanged") result.unchanged += 1;
      const after = outcome.credential.keyPermissions;
      if (after !== null && changedPermissions(record.keyPermissions, after) !== "") result.changed += 1;
    }
    return result;
  }

  // --- internals ---

  private async require(ctx: RequestContext, id: string): Promise<CredentialRecord> {
    const record = await this.store.credentials.get(ctx.userId, parseId(id));
    if (record === null) throw new WalletAuthError("NOT_FOUND");
    return record;
  }

  /** The record if it may be used now; a refusal is audited (the same way for missing and foreign ids). */
  private async usable(ctx: RequestContext, id: string, action: string): Promise<CredentialRecord> {
    const record = await this.store.credentials.get(ctx.userId, parseId(id));
    let refusal: WalletAuthError | undefined;
    if (record === null) refusal = new WalletAuthError("NOT_FOUND");
    else if (record.status === "disabled") refusal = new WalletAuthError("CREDENTIAL_DISABLED");
    else if (record.status === "invalid") refusal = new WalletAuthError("CREDENTIAL_INVALID", { reason: "stored-status-invalid" });
    else if (record.status === "expired" || (record.expiresAt !== null && record.expiresAt.getTime() <= this.clock.now().getTime())) {
      refusal = new WalletAuthError("CREDENTIAL_EXPIRED");
    }
    if (refusal !== undefined || record === null) {
      await this.audit.recordNow(this.store, ctx, credentialEntry(action, "denied", parseId(id), { code: refusal?.code ?? "NOT_FOUND" }));
      throw refusal ?? new WalletAuthError("NOT_FOUND");
    }
    return record;
  }

  private async openOrAudit(ctx: RequestContext, record: CredentialRecord): Promise<ExchangeSecret> {
    try {
      return openSecret(this.keyRing, record.sealedSecret, record.userId, record.id, record.exchange);
    } catch (error) {
      const reason = isWalletAuthError(error) ? (error.reason ?? null) : null;
      await this.audit.recordNow(this.store, ctx, credentialEntry("credential.decrypt", "failure", record.id, { code: "DECRYPTION_FAILED", reason }));
      throw new WalletAuthError("DECRYPTION_FAILED", { reason: reason ?? "decrypt-failed" });
    }
  }

  /** Builds the secret from input and checks the exchange's required fields. */
  private async checkedSecret(exchange: string, input: { apiKey?: string | undefined; secret?: string | undefined; password?: string | undefined; uid?: string | undefined }): Promise<ExchangeSecret> {
    const description = await this.exchanges.describe(exchange);
    const required = new Set<string>(["apiKey", "secret", ...description.requiredFields]);
    const missing = [...required].filter((field) => input[field as keyof typeof input] === undefined).sort();
    if (missing.length > 0) throw new WalletAuthError("INVALID_INPUT", { details: { fields: missing }, reason: "required-field-missing" });
    const secret: ExchangeSecret = { apiKey: input.apiKey as string, secret: input.secret as string };
    if (input.password !== undefined) secret.password = input.password;
    if (input.uid !== undefined) secret.uid = input.uid;
    // The venue's own format rules (passphrases, PEM keys, base64 secrets), before any live call.
    return venueModule(exchange)?.canonicalise(secret) ?? secret;
  }

  /**
   * Live validation plus the permission policy; `null` when the policy turns validation off.
   * Withdrawal: granted is refused unless opted in and allowed; unknown is refused unless the
   * owner accepts it. Failures are audited.
   */
  private async validateLive(
    ctx: RequestContext,
    action: string,
    exchange: string,
    secret: ExchangeSecret,
    optIn: boolean,
    acceptUnknown: boolean,
    id?: string,
  ): Promise<ValidatedKey | null> {
    if (!this.policy.validateOnCreate) return null;
    try {
      const info = await this.exchanges.validate({ exchange, secret });
      const keyPermissions = keyPermissionsOf(info);
      if (keyPermissions.withdraw === true && !(optIn && this.policy.allowWithdrawal)) {
        throw new WalletAuthError("CREDENTIAL_WITHDRAWAL_ENABLED", { reason: optIn ? "policy-forbids-withdrawal" : "caller-did-not-opt-in" });
      }
      if (keyPermissions.read === false) {
        throw new WalletAuthError("CREDENTIAL_PERMISSION_INSUFFICIENT", { reason: "read-disabled" });
      }
      const riskAccepted = keyPermissions.withdraw === "unknown";
      if (riskAccepted && !acceptUnknown) {
        throw new WalletAuthError("CREDENTIAL_PERMISSIONS_UNKNOWN", { reason: info.permissionsReported === false ? "venue-does-not-report" : "withdraw-unreadable" });
      }
      if (this.policy.requireIpBinding) {
        const binding = ipBindingOf(keyPermissions, this.policy.egressIps);
        if (binding !== "bound") throw new WalletAuthError("CREDENTIAL_IP_UNBOUND", { reason: binding });
      }
      return { info, keyPermissions, riskAccepted };
    } catch (error) {
      await this.audit.recordNow(this.store, ctx, credentialEntry(action, TRANSIENT.has(codeOf(error)) ? "failure" : "denied", id, { exchange, code: codeOf(error) }));
      throw error;
    }
  }

  /**
   * Applies `fields` with its audit event; compare-and-set when `expectStatus` is given: `null`
   * (nothing written) when the stored status moved on. @throws `NOT_FOUND`.
   */
  private async patchIf(
    ctx: RequestContext,
    id: string,
    fields: Omit<CredentialPatch, "updatedAt">,
    action: string,
    outcome: AuditEntry["outcome"],
    details: AuditEntry["details"],
    expectStatus: CredentialRecord["status"] | undefined,
  ): Promise<CredentialView | null> {
    return this.store.transaction(async (tx) => {
      const updated = await tx.credentials.update(ctx.userId, id, { ...fields, updatedAt: this.clock.now() }, { expectStatus });
      if (updated === null) {
        if (expectStatus !== undefined && (await tx.credentials.get(ctx.userId, id)) !== null) return null;
        throw new WalletAuthError("NOT_FOUND");
      }
      await this.audit.record(tx, ctx, credentialEntry(action, outcome, id, details));
      return toCredentialView(updated);
    });
  }

  private async setStatus(ctx: RequestContext, id: string, status: CredentialRecord["status"], action: string): Promise<CredentialView> {
    return (await this.patchIf(ctx, id, { status }, action, "success", {}, undefined)) as CredentialView;
  }

  private async revokeLeases(id: string): Promise<void> {
    await this.leases.revokeCredential(id);
  }
}
