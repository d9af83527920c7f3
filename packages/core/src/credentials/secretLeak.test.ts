import { afterAll, beforeAll, describe, it } from "vitest";
import { atomicCreateScenario, type Harness, harness, secretLeakScenario } from "@wallet-auth/testing/scenarios";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.loop.close();
});

describe("planted secrets never leave the secret path (memory store)", () => {
  it("appear in no returned object, error, log line, audit row or store dump", () => secretLeakScenario(h));
  it("create is atomic with its audit event", () => atomicCreateScenario(h));
});
