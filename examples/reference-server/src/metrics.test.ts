import { FailureReporter, WalletAuthError } from "@wallet-auth/core";
import { describe, expect, it } from "vitest";
import { createMetrics } from "./metrics.js";

describe("reference server metrics", () => {
  it("counts background failures reported by core in wallet_auth_background_failures_total, while the log gets one line per interval", async () => {
    const metrics = createMetrics();
    const lines: unknown[] = [];
    const failures = new FailureReporter({ observer: metrics.walletAuthObserver, logger: { warn: () => undefined, error: (f) => void lines.push(f) } });
    for (let i = 0; i < 3; i++) failures.report("token_use_audit", new WalletAuthError("AUDIT_UNAVAILABLE"));
    failures.report("balance_refresh", new TypeError("boom"));
    const text = await metrics.registry.metrics();
    expect(text).toContain('wallet_auth_background_failures_total{operation="token_use_audit",code="AUDIT_UNAVAILABLE"} 3');
    expect(text).toContain('wallet_auth_background_failures_total{operation="balance_refresh",code="TypeError"} 1');
    expect(lines).toHaveLength(2);
  });
});
