/** State of a key rotation (rewrap) job. */
export type RotationJobStatus = "running" | "completed" | "failed";

/** Progress of moving every record to one target key. Resumable: progress is per batch. */
export interface RotationJobRecord {
  id: string;
  /** The primary key id records are moved to. */
  targetKeyId: string;
  status: RotationJobStatus;
  /** Records moved so far (all workers). */
  processed: number;
  /** Records that failed to open (left untouched, reported). */
  failed: number;
  /** Error code of the last failure, never a message. */
  lastErrorCode: string | null;
  startedAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

/** Persistence of rotation jobs. */
export interface RotationJobStore {
  /**
   * Returns the running job for `targetKeyId`, creating it if none is running. Atomic: two
   * workers starting at once share one job.
   */
  start(id: string, targetKeyId: string, now: Date): Promise<RotationJobRecord>;
  /** Adds to the counters (atomic increment); `null` when the job is absent. */
  addProgress(id: string, processed: number, failed: number, now: Date, lastErrorCode?: string | null): Promise<RotationJobRecord | null>;
  /** Marks the job completed or failed; `null` when absent. */
  finish(id: string, status: Exclude<RotationJobStatus, "running">, now: Date): Promise<RotationJobRecord | null>;
  /** The job, or `null`. */
  get(id: string): Promise<RotationJobRecord | null>;
  /** Most recent jobs first, at most `limit`. */
  list(limit: number): Promise<RotationJobRecord[]>;
}
