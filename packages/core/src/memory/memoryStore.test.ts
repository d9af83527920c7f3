import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../memory.js";

describe("memory store (smoke)", () => {
  it("rolls back a failed transaction and copies records out", async () => {
    const store = createMemoryStore();
    const now = new Date("2024-01-01T00:00:00Z");
    await store.users.ensure("u1", now);
    await expect(
      store.transaction(async (tx) => {
        await tx.users.ensure("u2", now);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await store.users.get("u2")).toBeNull();
    const u = await store.users.get("u1");
    if (u) u.metadata.x = 1;
    expect((await store.users.get("u1"))?.metadata).toEqual({});
    expect(store.countRows("users")).toBe(1);
  });
});
