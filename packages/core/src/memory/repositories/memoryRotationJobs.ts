import { WalletAuthError } from "../../errors/index.js";
import type { RotationJobRecord, RotationJobStore } from "../../ports/RotationJobStore.js";
import { sortBy } from "../paging.js";
import { copyRotationJob } from "../records.js";
import type { Exec } from "./Exec.js";

/** The memory {@link RotationJobStore}. */
export function memoryRotationJobs(exec: Exec): RotationJobStore {
  return {
    start: (id, targetKeyId, now) =>
      exec((s) => {
        for (const job of s.rotationJobs.values()) {
          if (job.targetKeyId === targetKeyId && job.status === "running") return copyRotationJob(job);
        }
        if (s.rotationJobs.has(id)) throw new WalletAuthError("CONFLICT", { reason: "rotation-job-id-exists" });
        const row: RotationJobRecord = {
          id,
          targetKeyId,
          status: "running",
          processed: 0,
          failed: 0,
          lastErrorCode: null,
          startedAt: new Date(now),
          updatedAt: new Date(now),
          completedAt: null,
        };
        s.put(s.rotationJobs, id, row);
        return copyRotationJob(row);
      }),
    addProgress: (id, processed, failed, now, lastErrorCode) =>
      exec((s) => {
        const row = s.rotationJobs.get(id);
        if (!row) return null;
        const next = copyRotationJob({
          ...row,
          processed: row.processed + processed,
          failed: row.failed + failed,
          lastErrorCode: lastErrorCode === undefined ? row.lastErrorCode : lastErrorCode,
          updatedAt: now,
        });
        s.put(s.rotationJobs, id, next);
        return copyRotationJob(next);
      }),
    finish: (id, status, now) =>
      exec((s) => {
        const row = s.rotationJobs.get(id);
        if (!row) return null;
        const next = copyRotationJob({ ...row, status, updatedAt: now, completedAt: now });
        s.put(s.rotationJobs, id, next);
        return copyRotationJob(next);
      }),
    get: (id) =>
      exec((s) => {
        const row = s.rotationJobs.get(id);
        return row ? copyRotationJob(row) : null;
      }),
    list: (limit) =>
      exec((s) =>
        sortBy(
          [...s.rotationJobs.values()],
          [
            { get: (r: RotationJobRecord) => r.startedAt.getTime(), dir: -1 },
            { get: (r: RotationJobRecord) => r.id, dir: -1 },
          ],
        )
          .slice(0, Math.max(0, Math.trunc(limit)))
          .map(copyRotationJob),
      ),
  };
}
