import type { RequestContext } from "@wallet-auth/core";
import type { Request, Response } from "express";
import type { z } from "zod";
import type { BotTokenScope } from "@wallet-auth/core";
import type { Principal } from "./middleware/authenticate.js";

/** Who may call a route. */
export type RouteAuth = "session" | "admin";

/** What a handler receives: parsed, validated input and the caller's request context. */
export interface RouteCall<P, Q, B> {
  ctx: RequestContext;
  principal: Principal;
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
}

/**
 * One route: its method and path, the zod schemas of its params, query, body and response,
 * who may call it and whether it needs a recent verification. The same object feeds the
 * validation and the OpenAPI document, so the two cannot drift.
 */
export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: "get" | "post" | "patch" | "delete";
  /** Express path under the router's mount point, e.g. `/v1/credentials/:id`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  params?: P;
  query?: Q;
  body?: B;
  /** Response body schema; `null` for 204 No Content; `"stream"` when the handler writes the body itself. */
  response: z.ZodType | null | "stream";
  /** Success status; default 200 (204 when `response` is null). */
  status?: number;
  /** Needs a recent factor verification (Clerk reverification). A function decides from the body. */
  stepUp?: boolean | ((body: z.output<B>) => boolean);
  /** Extra, stricter rate limit. */
  limit?: "sensitive" | "proxy";
  /**
   * Bot tokens may call the route with this scope (`"any"`: every valid bot token). Without it the
   * route is for signed-in people only. A function decides from the params.
   */
  scope?: BotTokenScope | "any" | ((params: z.output<P>) => BotTokenScope);
  /** For bot tokens: the param naming a credential, which must be one the token lists. */
  credentialParam?: string;
  handler(call: RouteCall<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
}

/** Identity helper that keeps the schema types flowing into the handler. */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}
