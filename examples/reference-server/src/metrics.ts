import type { RouterObserver } from "@wallet-auth/adapter-express";
import type { WalletAuthObserver } from "@wallet-auth/core";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The server's Prometheus metrics, fed by the router's `observe` hooks, the job runner and core's
 * background-failure observer (`walletAuthObserver`, for `createWalletAuth({ observer })`).
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: "wallet_auth_http_requests_total", help: "HTTP requests by route and status", labelNames: ["route", "method", "status"], registers: [registry] });
  const latency = new Histogram({
    name: "wallet_auth_http_request_duration_seconds",
    help: "HTTP request latency",
    labelNames: ["route", "method"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const authFailures = new Counter({ name: "wallet_auth_auth_failures_total", help: "Refused session tokens by reason", labelNames: ["reason"], registers: [registry] });
  const jobRuns = new Counter({ name: "wallet_auth_job_runs_total", help: "Background job runs by outcome", labelNames: ["job", "outcome"], registers: [registry] });
  const backgroundFailures = new Counter({
    name: "wallet_auth_background_failures_total",
    help: "Failures of work nobody awaits (audit writes after the fact, balance refresher store calls), by operation and error code or class",
    labelNames: ["operation", "code"],
    registers: [registry],
  });
  const walletAuthObserver: WalletAuthObserver = {
    backgroundFailure: (f) => backgroundFailures.inc({ operation: f.operation, code: f.errorCode ?? f.errorName ?? "unknown" }),
  };
  const observe: RouterObserver = {
    request: (e) => {
      requests.inc({ route: e.route, method: e.method, status: String(e.status) });
      latency.observe({ route: e.route, method: e.method }, e.durationMs / 1000);
    },
    authFailure: (reason) => authFailures.inc({ reason }),
  };
  return { registry, observe, jobRuns, walletAuthObserver };
}
