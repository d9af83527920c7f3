import type { RouterObserver } from "@wallet-auth/adapter-express";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The server's Prometheus metrics, fed by the router's `observe` hooks and the job runner. */
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
  const observe: RouterObserver = {
    request: (e) => {
      requests.inc({ route: e.route, method: e.method, status: String(e.status) });
      latency.observe({ route: e.route, method: e.method }, e.durationMs / 1000);
    },
    authFailure: (reason) => authFailures.inc({ reason }),
  };
  return { registry, observe, jobRuns };
}
