import { type BalanceSource, errorMessages, isWalletAuthError } from "@wallet-auth/core";
import { verifyAuditChain } from "@wallet-auth/core";
import Big from "big.js";
import { z } from "zod";
import { route, type RouteSpec } from "../routeSpec.js";
import {
  alertPageSchema,
  alertQuery,
  alertSchema,
  allBalancesSchema,
  auditEventSchema,
  auditExportQuery,
  auditPageSchema,
  auditQuery,
  auditVerifySchema,
  balancesResultSchema,
  eraseBody,
  eraseResultSchema,
  historyQuery,
  idParams,
  keysSchema,
  meSchema,
  privacyExportSchema,
  refreshBody,
  rotationBody,
  rotationSchema,
  snapshotPageSchema,
} from "../schemas.js";
import type { RouteDeps } from "./deps.js";

function parseSource(text: string): BalanceSource {
  const at = text.indexOf(":");
  const kind = text.slice(0, at);
  const id = text.slice(at + 1);
  return kind === "exchange" ? { type: "exchange", credentialId: id } : { type: "wallet", walletId: id };
}

/** `/v1/me`, balances across sources, audit, alerts, privacy and admin routes. */
export function accountRoutes(deps: RouteDeps): RouteSpec[] {
  const { walletAuth, csrfTokenFor, isAdmin, recentlyVerified, logger } = deps;
  const { balances, credentials, auditLog, alerts, privacy, rotation } = walletAuth;

  /** Every source of the user: credentials that can be used, and linked wallets. */
  async function sourcesOf(ctx: { userId: string }): Promise<BalanceSource[]> {
    const creds = await credentials.list(ctx);
    const wallets = walletAuth.wallets ? await walletAuth.wallets.list(ctx) : [];
    return [
      ...creds.filter((c) => c.status === "active").map((c) => ({ type: "exchange" as const, credentialId: c.id })),
      ...wallets.map((w) => ({ type: "wallet" as const, walletId: w.id })),
    ];
  }

  return [
    route({
      method: "get", path: "/v1/me", operationId: "getMe", summary: "Who you are signed in as (a person or a bot token)", tag: "account", auth: "session", scope: "any",
      response: meSchema,
      handler: async ({ principal }) => ({
        userId: principal.userId,
        sessionId: principal.kind === "session" ? principal.sessionId : null,
        recentlyVerified: recentlyVerified(principal),
        admin: isAdmin(principal),
        csrfToken: principal.viaCookie ? csrfTokenFor(principal) : null,
      }),
    }),
    route({
      method: "get", path: "/v1/balances", operationId: "getAllBalances", scope: "balances:read", summary: "Balances of every source, with a USD total", tag: "balances", auth: "session",
      response: allBalancesSchema,
      handler: async ({ ctx }) => {
        const results = await Promise.all(
          (await sourcesOf(ctx)).map(async (source) => {
            try {
              return await balances.get(ctx, { source });
            } catch (error) {
              // One unreachable exchange must not hide every other balance.
              const code = isWalletAuthError(error) ? error.code : "INTERNAL";
              return { source, error: { code, message: errorMessages[code] } };
            }
          }),
        );
        let total: Big | null = null;
        for (const r of results) if ("totalUsd" in r && r.totalUsd !== null) total = (total ?? new Big(0)).plus(r.totalUsd);
        return { sources: results, totalUsd: total === null ? null : total.toFixed(2) };
      },
    }),
    route({
      method: "post", path: "/v1/balances/refresh", operationId: "refreshBalances", summary: "Read balances from upstream now (one source, or all)", tag: "balances", auth: "session",
      body: refreshBody, response: balancesResultSchema.array(), limit: "sensitive",
      handler: async ({ ctx, body }) => {
        const sources = body.source ? [parseSource(body.source)] : await sourcesOf(ctx);
        return Promise.all(sources.map((source) => balances.refresh(ctx, { source })));
      },
    }),
    route({
      method: "get", path: "/v1/balances/history", operationId: "getBalanceHistory", scope: "balances:read", summary: "Stored balance snapshots of one source", tag: "balances", auth: "session",
      query: historyQuery, response: snapshotPageSchema,
      handler: ({ ctx, query }) => {
        const { source, ...rest } = query;
        return balances.history(ctx, { source: parseSource(source), ...rest });
      },
    }),
    route({
      method: "get", path: "/v1/audit", operationId: "listAuditEvents", scope: "audit:read", summary: "Your audit log, newest first", tag: "audit", auth: "session",
      query: auditQuery, response: auditPageSchema,
      handler: ({ ctx, query }) => auditLog.query(ctx, query),
    }),
    route({
      method: "get", path: "/v1/audit/export", operationId: "exportAuditEvents", scope: "audit:read", summary: "Download your audit log (json, ndjson or csv)", tag: "audit", auth: "session",
      query: auditExportQuery, response: "stream",
      streamContent: {
        "application/json": z.array(auditEventSchema).meta({ description: "`format=json` (the default): one array of every matching event." }),
        "application/x-ndjson": z.string().meta({ description: "`format=ndjson`: one AuditEvent object per line." }),
        "text/csv": z.string().meta({ description: "`format=csv`: RFC 4180 with a header line, one event per row." }),
      },
      handler: async ({ ctx, query, res }) => {
        const result = await auditLog.export(ctx, query);
        res.status(200);
        res.setHeader("Content-Type", result.contentType);
        res.setHeader("Content-Disposition", `attachment; filename="${result.fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`);
        try {
          for await (const chunk of result) if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
        } catch (error) {
          // Headers are gone: cut the download so the client sees it incomplete, never a half file as whole.
          logger.error({ requestId: res.locals.requestId, code: isWalletAuthError(error) ? error.code : "INTERNAL" }, "audit export failed mid-stream");
          res.destroy();
          return;
        }
        res.end();
      },
    }),
    route({
      method: "get", path: "/v1/audit/verify", operationId: "verifyAuditChain", scope: "audit:read", summary: "Check your audit chain for edits, deletions and reordering", tag: "audit", auth: "session",
      response: auditVerifySchema,
      handler: async ({ ctx }) => {
        const result = await verifyAuditChain({ store: walletAuth.store, chainKey: walletAuth.audit.chainKeyOf(ctx.userId) });
        return result.ok ? { ok: true, count: result.count } : { ok: false, count: result.count, reason: result.brokenAt.reason, brokenAtSeq: result.brokenAt.seq };
      },
    }),
    route({
      method: "get", path: "/v1/alerts", operationId: "listAlerts", summary: "Security alerts about your account", tag: "alerts", auth: "session",
      query: alertQuery, response: alertPageSchema,
      handler: ({ ctx, query }) => alerts.list(ctx, query),
    }),
    route({
      method: "post", path: "/v1/alerts/:id/acknowledge", operationId: "acknowledgeAlert", summary: "Mark one of your alerts as seen", tag: "alerts", auth: "session",
      params: idParams, response: alertSchema,
      handler: ({ ctx, params }) => alerts.acknowledge(ctx, params.id),
    }),
    route({
      method: "post", path: "/v1/alerts/:id/resolve", operationId: "resolveAlert", summary: "Close one of your alerts (dealt with)", tag: "alerts", auth: "session",
      params: idParams, response: alertSchema,
      handler: ({ ctx, params }) => alerts.resolve(ctx, params.id),
    }),
    route({
      method: "get", path: "/v1/privacy/export", operationId: "exportPersonalData", summary: "Everything stored about you (GDPR Art. 15/20)", tag: "privacy", auth: "session",
      // Streamed page by page (core's exportStream), so a user with years of audit events costs one page of memory.
      response: "stream",
      streamContent: { "application/json": privacyExportSchema },
      handler: async ({ ctx, res }) => {
        const chunks = await privacy.exportStream(ctx);
        res.status(200);
        res.setHeader("Content-Type", "application/json; charset=utf-8");
        res.setHeader("Content-Disposition", `attachment; filename="wallet-auth-export.json"`);
        try {
          for await (const chunk of chunks) if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
        } catch (error) {
          // Headers are gone: cut the download so the client sees it incomplete, never a half file as whole.
          logger.error({ requestId: res.locals.requestId, code: isWalletAuthError(error) ? error.code : "INTERNAL" }, "privacy export failed mid-stream");
          res.destroy();
          return;
        }
        res.end();
      },
    }),
    route({
      method: "delete", path: "/v1/privacy/account", operationId: "eraseAccount", summary: "Erase your account (GDPR Art. 17); needs the confirmation phrase", tag: "privacy", auth: "session",
      body: eraseBody, response: eraseResultSchema, stepUp: true,
      handler: ({ ctx }) => privacy.erase(ctx),
    }),
    route({
      method: "get", path: "/v1/admin/keys", operationId: "getKeyStatus", summary: "Key ring: ids, primary, records per key, age", tag: "admin", auth: "admin",
      response: keysSchema,
      handler: () => rotation.status(),
    }),
    route({
      method: "get", path: "/v1/admin/rotation", operationId: "getRotation", summary: "Progress of the key rotation", tag: "admin", auth: "admin",
      response: keysSchema,
      handler: () => rotation.status(),
    }),
    route({
      method: "post", path: "/v1/admin/rotation", operationId: "startRotation", summary: "Start or resume moving every record to the primary key", tag: "admin", auth: "admin",
      body: rotationBody, response: rotationSchema, stepUp: true,
      handler: async ({ body }) => {
        const result = await rotation.runRewrap({ batchSize: body.batchSize });
        return { jobId: result.jobId, rewrapped: result.rewrapped, failed: result.failed, remaining: result.remaining };
      },
    }),
  ];
}

