import { withFailingAudit } from "@wallet-auth/testing/scenarios";
import { describe, expect, it } from "vitest";
import { KeyRing } from "../crypto.js";
import { WalletAuthError } from "../errors/index.js";
import { createMemoryStore } from "../memory.js";
import { Redacted } from "../secret/Redacted.js";
import { createWalletAuth } from "../setup/createWalletAuth.js";
import { type BackgroundFailure, FailureReporter } from "./FailureReporter.js";

const key = (b: number) => new Uint8Array(32).fill(b);

function recorder() {
  const failures: BackgroundFailure[] = [];
  const lines: Record<string, unknown>[] = [];
  return { failures, lines, observer: { backgroundFailure: (f: BackgroundFailure) => void failures.push(f) }, logger: { warn: () => undefined, error: (fields: Record<string, unknown>) => void lines.push(fields) } };
}

describe("FailureReporter", () => {
  it("counts every failure and logs one line per operation and error code per interval, with the suppressed count", () => {
    let now = 0;
    const r = recorder();
    const reporter = new FailureReporter({ ...r, clock: { now: () => new Date(now) }, logIntervalMs: 60_000 });
    const down = new WalletAuthError("STORE_UNAVAILABLE", { reason: "connection-lost" });
    for (let i = 0; i < 5; i++) reporter.report("balance_refresh", down);
    reporter.report("token_use_audit", down);
    expect(r.failures).toHaveLength(6);
    expect(r.lines).toEqual([
      { operation: "balance_refresh", errorCode: "STORE_UNAVAILABLE", errorReason: "connection-lost" },
      { operation: "token_use_audit", errorCode: "STORE_UNAVAILABLE", errorReason: "connection-lost" },
    ]);
    now += 60_000;
    reporter.report("balance_refresh", down);
    expect(r.lines[2]).toEqual({ operation: "balance_refresh", errorCode: "STORE_UNAVAILABLE", errorReason: "connection-lost", suppressed: 4 });
  });

  it("logs an uncoded error by class name only, never its message", () => {
    const r = recorder();
    new FailureReporter(r).report("proxy_audit", new TypeError("password=hunter2 at SELECT * FROM users"));
    expect(r.lines).toEqual([{ operation: "proxy_audit", errorName: "TypeError" }]);
    expect(JSON.stringify(r)).not.toContain("hunter2");
  });

  it("survives a throwing observer and logger", () => {
    const reporter = new FailureReporter({
      observer: { backgroundFailure: () => { throw new Error("metrics down"); } },
      logger: { warn: () => undefined, error: () => { throw new Error("log down"); } },
    });
    expect(() => reporter.report("lease_end_audit", new Error("x"))).not.toThrow();
  });
});

describe("bot token use with the audit log down", () => {
  it("reports a failed token.use audit write through the observer (counted) and logs it once per interval, where it was dropped silently", async () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = { now: () => new Date(now) };
    const { store, failing } = withFailingAudit(createMemoryStore({ clock }));
    const r = recorder();
    const auth = createWalletAuth({
      store,
      keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
      secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
      siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
      clock,
      logger: r.logger,
      observer: r.observer,
    });
    const ctx = { userId: "user_token_audit" };
    const bots = [await auth.tokens.create(ctx, { label: "bot 1", scopes: ["balances:read"] }), await auth.tokens.create(ctx, { label: "bot 2", scopes: ["balances:read"] })];
    failing.on = true;
    for (const { token } of bots) await expect(auth.tokens.authenticate(token)).resolves.toMatchObject({ userId: ctx.userId });
    expect(r.failures.filter((f) => f.operation === "token_use_audit")).toHaveLength(2);
    expect(r.lines.filter((l) => l.operation === "token_use_audit")).toHaveLength(1);
    now += 61_000; // past the use throttle and the log interval: written again, failing again, logged again
    await auth.tokens.authenticate(bots[0]!.token);
    expect(r.failures.filter((f) => f.operation === "token_use_audit")).toHaveLength(3);
    expect(r.lines.filter((l) => l.operation === "token_use_audit")).toHaveLength(2);
    await auth.shutdown();
  });
});
