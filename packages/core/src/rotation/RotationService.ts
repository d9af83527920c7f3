import type { AlertService } from "../alerts/AlertService.js";
import type { AuditTrail } from "../audit/AuditTrail.js";
import type { EnvelopeContext, SealResult } from "../crypto/types.js";
import { WalletAuthError, isWalletAuthError } from "../errors/index.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import { type RandomSource, cryptoRandom } from "../ports/RandomSource.js";
import type { RewrapCandidate, SealedReplacement } from "../ports/CredentialStore.js";
import type { RotationJobRecord } from "../ports/RotationJobStore.js";
import type { StoreRepositories, WalletAuthStore } from "../ports/UnitOfWork.js";

/** The parts of the key ring rotation needs (`KeyRing` from `@wallet-auth/core/crypto` fits). */
export interface RotationKeyRing {
  readonly primaryKeyId: string;
  keyIds(): string[];
  keyCreatedAt(keyId: string): Date | null;
  rewrap(sealed: string, context: EnvelopeContext): SealResult;
}

/** Options for {@link RotationService}. */
export interface RotationServiceOptions {
  store: WalletAuthStore;
  keyRing: RotationKeyRing;
  audit: AuditTrail;
  /** Receives `key.age_exceeded` alerts from {@link RotationService.checkKeyAge}. */
  alerts?: AlertService | undefined;
  /** Keys older than this raise an alert. Default 365. */
  maxKeyAgeDays?: number | undefined;
  clock?: Clock | undefined;
  random?: RandomSource | undefined;
}

/** One key as {@link RotationService.status} reports it. */
export interface KeyStatus {
  keyId: string;
  primary: boolean;
  /** The key is configured in this process's ring (a record on a missing key cannot be opened). */
  inRing: boolean;
  /** Credentials whose data key this key wraps. */
  records: number;
  createdAt: Date | null;
  /** Whole days since `createdAt`, or `null` when unknown. */
  ageDays: number | null;
}

/** Result of {@link RotationService.status}. */
export interface RotationStatusResult {
  primaryKeyId: string;
  keys: KeyStatus[];
  /** Records not yet on the primary key (all other keys together). */
  pending: number;
  /** The most recent rewrap job, if any. */
  lastJob: RotationJobRecord | null;
}

/** Options for {@link RotationService.runRewrap}. */
export interface RunRewrapOptions {
  /**
   * Records per transaction. Default 200 (1..1000). Each batch is written with one
   * `replaceSealedManyIfKey`, so larger batches save little (measured: 200, 500 and 1000 within
   * noise of each other on PostgreSQL) and hold their row locks longer.
   */
  batchSize?: number | undefined;
  /** Names this worker in the audit trail. Default a random id. */
  workerId?: string | undefined;
  /**
   * Batches run at once by this call (1..16, default 1), each in its own transaction and
   * connection. On a real server it overlaps one batch's rewrap (CPU) with another's writes;
   * PGlite has one connection.
   */
  concurrency?: number | undefined;
  /** Stops after the current batch rolls back; what committed stays committed. */
  signal?: AbortSignal | undefined;
  /** Called after every committed batch. */
  onProgress?: ((progress: RewrapProgress) => void) | undefined;
}

/** Per old key: what this run did. */
export interface RewrapKeyProgress {
  rewrapped: number;
  failed: number;
}

/** Running totals of one {@link RotationService.runRewrap} call (this worker only). */
export interface RewrapProgress {
  jobId: string;
  targetKeyId: string;
  batches: number;
  rewrapped: number;
  failed: number;
  /** Rows another worker moved first (compare-and-set lost): not errors. */
  skipped: number;
  byKeyId: Record<string, RewrapKeyProgress>;
}

/** Result of {@link RotationService.runRewrap}. */
export interface RunRewrapResult extends RewrapProgress {
  /** Credentials that could not be opened, with the error code (never a message). Left untouched. */
  failures: { credentialId: string; keyId: string; code: string }[];
  /** Records still on a non-primary key after this run (failed ones, or another worker's). */
  remaining: number;
  job: RotationJobRecord | null;
}

/** Result of {@link RotationService.checkKeyAge}. */
export interface CheckKeyAgeResult {
  /** Keys past `maxKeyAgeDays`. */
  overdue: { keyId: string; ageDays: number; primary: boolean }[];
}

const DAY_MS = 86_400_000;
const ROTATION_CHAIN = "key-rotation";

/** What every batch of one {@link RotationService.runRewrap} call shares. */
interface BatchRun {
  jobId: string;
  target: string;
  workerId: string;
  batchSize: number;
  /** Rows that failed to open earlier in this run: skipped, not retried. */
  failedIds: ReadonlySet<string>;
  signal: AbortSignal;
}

/** One committed batch. */
interface BatchOutcome {
  rewrapped: number;
  failed: number;
  skipped: number;
  lastCode: string | null;
  byKeyId: Record<string, RewrapKeyProgress>;
  failures: RunRewrapResult["failures"];
}

/** Adds a committed batch to the run's totals. */
function addBatch(progress: RewrapProgress, batch: BatchOutcome): void {
  progress.batches += 1;
  progress.rewrapped += batch.rewrapped;
  progress.failed += batch.failed;
  progress.skipped += batch.skipped;
  for (const [keyId, p] of Object.entries(batch.byKeyId)) {
    const acc = (progress.byKeyId[keyId] ??= { rewrapped: 0, failed: 0 });
    acc.rewrapped += p.rewrapped;
    acc.failed += p.failed;
  }
}

/**
 * Key rotation, as an operator runs it: (1) add the new key to `WALLET_AUTH_KEYS` and restart
 * (decrypt-only), (2) make it primary and restart, (3) {@link RotationService.runRewrap} until
 * `pending` is 0, (4) {@link RotationService.assertRetirable} then remove the old key.
 *
 * The rewrap job moves each credential's wrapped data key to the primary key (the payload is
 * not re-encrypted). Each batch is one transaction: claim rows off the primary (locked
 * `FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers never share a row), rewrap, store with
 * compare-and-set on the old key id, count progress on the job row, and append one
 * `key.rewrap_batch` event to the system chain `"key-rotation"` (not to users' chains, so a
 * rotation does not add thousands of events to every user's log). A crash or abort at any
 * point rolls back at most the current batch; rerunning continues from what is left.
 *
 * @example
 * ```ts
 * const rotation = new RotationService({ store, keyRing, audit });
 * console.table((await rotation.status()).keys);
 * const result = await rotation.runRewrap({ batchSize: 500 });
 * await rotation.assertRetirable("2024"); // throws KEY_IN_USE while any record uses it
 * ```
 */
export class RotationService {
  readonly #store: WalletAuthStore;
  readonly #ring: RotationKeyRing;
  readonly #audit: AuditTrail;
  readonly #alerts: AlertService | undefined;
  readonly #maxAgeDays: number;
  readonly #clock: Clock;
  readonly #random: RandomSource;

  constructor(options: RotationServiceOptions) {
    this.#store = options.store;
    this.#ring = options.keyRing;
    this.#audit = options.audit;
    this.#alerts = options.alerts;
    this.#maxAgeDays = options.maxKeyAgeDays ?? 365;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? cryptoRandom;
  }

  /**
   * Per key id: records protected, primary flag, whether it is in the ring, age; plus the
   * pending count and the last job.
   */
  async status(): Promise<RotationStatusResult> {
    const counts = await this.#store.credentials.countByKeyId();
    const [lastJob] = await this.#store.rotationJobs.list(1);
    const now = this.#clock.now().getTime();
    const ids = [...new Set([...this.#ring.keyIds(), ...Object.keys(counts)])];
    const primary = this.#ring.primaryKeyId;
    const keys = ids.map((keyId): KeyStatus => {
      const inRing = this.#ring.keyIds().includes(keyId);
      const createdAt = inRing ? this.#ring.keyCreatedAt(keyId) : null;
      return {
        keyId,
        primary: keyId === primary,
        inRing,
        records: counts[keyId] ?? 0,
        createdAt,
        ageDays: createdAt === null ? null : Math.floor((now - createdAt.getTime()) / DAY_MS),
      };
    });
    const pending = keys.filter((k) => !k.primary).reduce((n, k) => n + k.records, 0);
    return { primaryKeyId: primary, keys, pending, lastJob: lastJob ?? null };
  }

  /**
   * Moves every credential not on the primary key to it, batch by batch, until none is left
   * (apart from records that fail to open: counted, reported, left untouched, and not retried
   * within this run). Safe to run on several workers at once and to rerun after a crash.
   *
   * @returns Totals for this worker, failures, what remains and the shared job record.
   * @throws WalletAuthError `AUDIT_UNAVAILABLE` / store errors (the current batch rolls back);
   * the signal's reason when aborted.
   */
  async runRewrap(options: RunRewrapOptions = {}): Promise<RunRewrapResult> {
    const batchSize = Math.max(1, Math.min(Math.trunc(options.batchSize ?? 200), 1000));
    const workerId = options.workerId ?? this.#random.uuid();
    const target = this.#ring.primaryKeyId;
    const concurrency = Math.max(1, Math.min(Math.trunc(options.concurrency ?? 1), 16));
    options.signal?.throwIfAborted();
    const pendingAtStart = Object.entries(await this.#store.credentials.countByKeyId()).some(([k, n]) => k !== target && n > 0);
    if (!pendingAtStart) {
      // Nothing to move: no job row, so reruns and cron triggers leave no trace.
      return { jobId: "", targetKeyId: target, batches: 0, rewrapped: 0, failed: 0, skipped: 0, byKeyId: {}, failures: [], remaining: 0, job: null };
    }
    const job = await this.#store.rotationJobs.start(this.#random.uuid(), target, this.#clock.now());
    const progress: RewrapProgress = { jobId: job.id, targetKeyId: target, batches: 0, rewrapped: 0, failed: 0, skipped: 0, byKeyId: {} };
    const failures: RunRewrapResult["failures"] = [];
    const failedIds = new Set<string>();
    // Several loops share the job, the progress and the set of failed ids; on PostgreSQL their
    // claims never overlap (SKIP LOCKED). The first error stops the others.
    const stopAll = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stopAll.signal]) : stopAll.signal;
    const run: BatchRun = { jobId: job.id, target, workerId, batchSize, failedIds, signal };
    const loop = async (): Promise<void> => {
      for (;;) {
        signal.throwIfAborted();
        const batch = await this.#store.transaction((tx) => this.#rewrapBatch(tx, run));
        if (batch === null) break;
        // Only after commit: a rolled-back batch's outcomes never count.
        addBatch(progress, batch);
        for (const f of batch.failures) {
          failedIds.add(f.credentialId);
          failures.push(f);
        }
        options.onProgress?.(structuredClone(progress));
      }
    };
    const loops = await Promise.allSettled(
      Array.from({ length: concurrency }, () =>
        loop().catch((error: unknown) => {
          stopAll.abort(error);
          throw error;
        }),
      ),
    );
    const failedLoop = loops.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failedLoop) throw failedLoop.reason;
    const counts = await this.#store.credentials.countByKeyId();
    const remaining = Object.entries(counts).reduce((n, [k, c]) => (k === target ? n : n + c), 0);
    // Only records that failed to open are left: the job cannot progress without an operator.
    const stuck = remaining > 0 && remaining <= failedIds.size;
    const finished =
      remaining === 0 || stuck
        ? await this.#store.rotationJobs.finish(job.id, stuck ? "failed" : "completed", this.#clock.now())
        : await this.#store.rotationJobs.get(job.id);
    return { ...progress, failures, remaining, job: finished };
  }

  /**
   * One batch in one transaction: claim rows off the target key, rewrap them in memory, store
   * them with one compare-and-set write, count progress and audit the batch. `null` when no row
   * is left to claim.
   */
  async #rewrapBatch(tx: StoreRepositories, run: BatchRun): Promise<BatchOutcome | null> {
    // Rows that failed earlier in this run come back first (oldest first); over-claim so they
    // never starve the batch, and skip them.
    const claimed = await tx.credentials.claimForRewrap(run.target, run.batchSize + run.failedIds.size);
    const rows = claimed.filter((r) => !run.failedIds.has(r.id)).slice(0, run.batchSize);
    if (rows.length === 0) return null;
    const { outcome, replacements } = this.#rewrapRows(rows, run.signal);
    if (replacements.length > 0) {
      const changed = new Set(await tx.credentials.replaceSealedManyIfKey(replacements));
      for (const { id, expectedKeyId } of replacements) {
        if (!changed.has(id)) {
          outcome.skipped += 1;
          continue;
        }
        outcome.rewrapped += 1;
        (outcome.byKeyId[expectedKeyId] as RewrapKeyProgress).rewrapped += 1;
      }
    }
    await tx.rotationJobs.addProgress(run.jobId, outcome.rewrapped, outcome.failed, this.#clock.now(), outcome.lastCode ?? undefined);
    await this.#audit.recordSystem(
      tx,
      {
        action: "key.rewrap_batch",
        outcome: outcome.failed > 0 ? "failure" : "success",
        targetType: "key",
        targetId: run.target,
        details: {
          jobId: run.jobId,
          workerId: run.workerId,
          rewrapped: outcome.rewrapped,
          failed: outcome.failed,
          skipped: outcome.skipped,
          fromKeys: Object.keys(outcome.byKeyId).sort().join(","),
          lastErrorCode: outcome.lastCode,
        },
      },
      { chain: ROTATION_CHAIN },
    );
    run.signal.throwIfAborted();
    return outcome;
  }

  /**
   * Rewraps claimed rows in memory (nothing is written: an abort rolls back with no work lost
   * but CPU). A row that does not authenticate is a failure, left where it is.
   */
  #rewrapRows(rows: readonly RewrapCandidate[], signal: AbortSignal): { outcome: BatchOutcome; replacements: SealedReplacement[] } {
    const outcome: BatchOutcome = { rewrapped: 0, failed: 0, skipped: 0, lastCode: null, byKeyId: {}, failures: [] };
    const replacements: SealedReplacement[] = [];
    for (const row of rows) {
      signal.throwIfAborted();
      const per = (outcome.byKeyId[row.keyId] ??= { rewrapped: 0, failed: 0 });
      let next: SealResult;
      try {
        next = this.#ring.rewrap(row.sealedSecret, { userId: row.userId, recordId: row.id, purpose: `credential:${row.exchange}` });
      } catch (error) {
        const code = isWalletAuthError(error) ? error.code : "INTERNAL";
        outcome.failed += 1;
        per.failed += 1;
        outcome.lastCode = code;
        outcome.failures.push({ credentialId: row.id, keyId: row.keyId, code });
        continue;
      }
      replacements.push({ id: row.id, expectedKeyId: row.keyId, sealedSecret: next.sealed, keyId: next.keyId, formatVersion: next.formatVersion });
    }
    return { outcome, replacements };
  }

  /**
   * Checks that `keyId` may be removed from the ring: it is not the primary and no credential
   * uses it.
   *
   * @throws WalletAuthError `KEY_IN_USE` (reason `primary-key` or `records-remain`, `details.records`).
   */
  async assertRetirable(keyId: string): Promise<void> {
    if (keyId === this.#ring.primaryKeyId) throw new WalletAuthError("KEY_IN_USE", { reason: "primary-key" });
    const records = (await this.#store.credentials.countByKeyId())[keyId] ?? 0;
    if (records > 0) throw new WalletAuthError("KEY_IN_USE", { reason: "records-remain", details: { records } });
  }

  /**
   * Raises a system alert (`key.age_exceeded`, deduplicated per key) for every ring key older
   * than `maxKeyAgeDays`. Keys without a creation date are skipped (configure one:
   * `id:base64:YYYY-MM-DD`).
   */
  async checkKeyAge(): Promise<CheckKeyAgeResult> {
    const now = this.#clock.now().getTime();
    const overdue: CheckKeyAgeResult["overdue"] = [];
    for (const keyId of this.#ring.keyIds()) {
      const createdAt = this.#ring.keyCreatedAt(keyId);
      if (createdAt === null) continue;
      const ageDays = Math.floor((now - createdAt.getTime()) / DAY_MS);
      if (ageDays <= this.#maxAgeDays) continue;
      const primary = keyId === this.#ring.primaryKeyId;
      overdue.push({ keyId, ageDays, primary });
      await this.#alerts?.raise({
        userId: null,
        kind: "key.age_exceeded",
        severity: primary ? "high" : "medium",
        details: { keyId, ageDays, maxKeyAgeDays: this.#maxAgeDays, primary },
        dedupeKey: `key.age_exceeded:${keyId}`,
      });
    }
    return { overdue };
  }
}
