import { killSwitchInputSchema } from "@wallet-auth/core";
import { z } from "zod";
import { route, type RouteSpec } from "../routeSpec.js";
import type { RouteDeps } from "./deps.js";

const isoDate = z.string().meta({ format: "date-time" });

export const incidentSchema = z
  .strictObject({
    id: z.string(),
    kind: z.enum(["kill_switch", "foreign_orders"]),
    createdAt: isoDate,
    details: z.record(z.string(), z.unknown()).meta({
      description:
        "What was done or found: `credentialsDisabled`, `tokensRevoked`, `cancellations` (kill switch) or `foreignOrders`, `cancelledOrders` (foreign orders), and `keyDeletion`: per credential, the venue's API key page and the steps to delete the key there (only that stops a copy held elsewhere).",
    }),
  })
  .meta({ id: "SecurityIncident" });

const killSwitchResultSchema = z
  .strictObject({
    incident: incidentSchema,
    alreadyStopped: z.boolean().meta({ description: "`true`: an earlier run had stopped everything; its incident is returned and nothing changed." }),
  })
  .meta({ id: "KillSwitchResult" });

const foreignOrderSchema = z
  .strictObject({
    credentialId: z.string(),
    exchange: z.string(),
    venueOrderId: z.string(),
    clientOrderId: z.string().nullable(),
    symbol: z.string(),
    side: z.enum(["buy", "sell"]).nullable(),
    placedAt: isoDate,
    detectedAt: isoDate,
  })
  .meta({ id: "ForeignOrder" });

const limitQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).optional() });
const foreignQuery = z.strictObject({ credentialId: z.string().min(1).max(128).optional(), limit: z.coerce.number().int().min(1).max(500).optional() });

/**
 * `/v1/kill-switch` (stop everything, step-up required), `/v1/incidents` and `/v1/foreign-orders`
 * (orders placed at a venue with a stored key that this service never signed). Session only: a bot
 * token can neither pull the switch nor read the incidents.
 */
export function incidentRoutes(deps: RouteDeps): RouteSpec[] {
  const { killSwitch, reconciliation } = deps.walletAuth;
  return [
    route({
      method: "post", path: "/v1/kill-switch", operationId: "runKillSwitch",
      summary: "Disable every credential, revoke every bot token, stop the proxy, optionally cancel open orders; returns the incident with the key deletion steps", tag: "incidents", auth: "session",
      body: killSwitchInputSchema.meta({ id: "KillSwitchInput" }), response: killSwitchResultSchema, stepUp: true, limit: "sensitive",
      handler: async ({ ctx, body }) => {
        const { incident, alreadyStopped } = await killSwitch.run(ctx, body);
        return { incident: { id: incident.id, kind: incident.kind, createdAt: incident.createdAt, details: incident.details }, alreadyStopped };
      },
    }),
    route({
      method: "get", path: "/v1/incidents", operationId: "listIncidents", summary: "Your security incidents, newest first", tag: "incidents", auth: "session",
      query: limitQuery, response: z.array(incidentSchema),
      handler: async ({ ctx, query }) => (await killSwitch.listIncidents(ctx, { limit: query.limit })).map((i) => ({ id: i.id, kind: i.kind, createdAt: i.createdAt, details: i.details })),
    }),
    route({
      method: "get", path: "/v1/foreign-orders", operationId: "listForeignOrders", summary: "Orders found at a venue that this service never placed (the key is used elsewhere)", tag: "incidents", auth: "session",
      query: foreignQuery, response: z.array(foreignOrderSchema),
      handler: async ({ ctx, query }) =>
        (await reconciliation.listForeignOrders(ctx, { credentialId: query.credentialId, limit: query.limit })).map((o) => ({
          credentialId: o.credentialId,
          exchange: o.exchange,
          venueOrderId: o.venueOrderId ?? "",
          clientOrderId: o.clientOrderId,
          symbol: o.symbol,
          side: o.side,
          placedAt: o.placedAt,
          detectedAt: o.recordedAt,
        })),
    }),
  ];
}
