import { describe, expect, it } from "vitest";
import { at } from "./fixtures.js";
import type { HarnessRef } from "./types.js";

/** RotationJobStore and LeaseStore: shared jobs and exclusive leases. */
export function jobsContract(h: HarnessRef): void {
  describe("RotationJobStore", () => {
    it("start creates a running job, or returns the one already running for the target", async () => {
      const { store, probe } = h();
      const job = await store.rotationJobs.start("job-1", "k2", at(0));
      expect(job).toEqual({
        id: "job-1",
        targetKeyId: "k2",
        status: "running",
        processed: 0,
        failed: 0,
        lastErrorCode: null,
        startedAt: at(0),
        updatedAt: at(0),
        completedAt: null,
      });
      expect(await store.rotationJobs.start("job-2", "k2", at(1))).toEqual(job);
      expect((await store.rotationJobs.start("job-3", "k3", at(1))).id).toBe("job-3");
      expect(await probe.countRows("key_rotation_jobs")).toBe(2);
    });

    it("two workers starting at once share one job", async () => {
      const { store, probe } = h();
      const jobs = await Promise.all(Array.from({ length: 6 }, (_, i) => store.rotationJobs.start(`job-${i}`, "k9", at(0))));
      expect(new Set(jobs.map((j) => j.id)).size).toBe(1);
      expect(await probe.countRows("key_rotation_jobs")).toBe(1);
    });

    it("addProgress increments atomically; finish completes; a finished target can start again", async () => {
      const { store } = h();
      await store.rotationJobs.start("job-1", "k2", at(0));
      await Promise.all(Array.from({ length: 10 }, (_, i) => store.rotationJobs.addProgress("job-1", 5, i === 3 ? 1 : 0, at(1))));
      const withError = await store.rotationJobs.addProgress("job-1", 0, 1, at(2), "DECRYPTION_FAILED");
      expect(withError).toMatchObject({ processed: 50, failed: 2, lastErrorCode: "DECRYPTION_FAILED", updatedAt: at(2) });
      expect((await store.rotationJobs.addProgress("job-1", 1, 0, at(3)))?.lastErrorCode).toBe("DECRYPTION_FAILED");
      expect(await store.rotationJobs.addProgress("job-missing", 1, 0, at(3))).toBeNull();
      const done = await store.rotationJobs.finish("job-1", "completed", at(4));
      expect(done).toMatchObject({ status: "completed", completedAt: at(4), processed: 51 });
      expect(await store.rotationJobs.finish("job-missing", "failed", at(4))).toBeNull();
      expect((await store.rotationJobs.start("job-2", "k2", at(5))).id).toBe("job-2");
      expect(await store.rotationJobs.get("job-1")).toEqual(done);
      expect(await store.rotationJobs.get("job-missing")).toBeNull();
    });

    it("list returns the most recent jobs first, at most limit", async () => {
      const { store } = h();
      for (let i = 0; i < 4; i++) {
        await store.rotationJobs.start(`job-${i}`, `k${i}`, at(i));
      }
      expect((await store.rotationJobs.list(3)).map((j) => j.id)).toEqual(["job-3", "job-2", "job-1"]);
    });
  });

  describe("LeaseStore", () => {
    it("a held lease refuses other owners until it expires; the owner renews", async () => {
      const { store } = h();
      expect(await store.leases.tryAcquire("refresh:1", "a", at(0), at(30))).toBe(true);
      expect(await store.leases.tryAcquire("refresh:1", "b", at(10), at(40))).toBe(false);
      expect(await store.leases.tryAcquire("refresh:1", "a", at(20), at(60))).toBe(true);
      expect(await store.leases.tryAcquire("refresh:1", "b", at(45), at(90))).toBe(false);
      expect(await store.leases.tryAcquire("refresh:1", "b", at(60), at(90))).toBe(true);
      expect(await store.leases.tryAcquire("refresh:2", "a", at(60), at(90))).toBe(true);
    });

    it("release frees the lease for its owner only", async () => {
      const { store } = h();
      await store.leases.tryAcquire("job", "a", at(0), at(30));
      expect(await store.leases.release("job", "b")).toBe(false);
      expect(await store.leases.tryAcquire("job", "b", at(1), at(30))).toBe(false);
      expect(await store.leases.release("job", "a")).toBe(true);
      expect(await store.leases.release("job", "a")).toBe(false);
      expect(await store.leases.tryAcquire("job", "b", at(2), at(30))).toBe(true);
    });

    it("of concurrent owners at most one gets the lease", async () => {
      const { store } = h();
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.leases.tryAcquire("hot", `owner-${i}`, at(0), at(30))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
