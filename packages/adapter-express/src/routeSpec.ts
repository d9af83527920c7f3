import type { RequestContext } from "@wallet-auth/core";
import type { Request, Response } from "express";
import type { z } from "zod";
import type { BotTokenScope } from "@wallet-auth/core";
import type { Principal } from "./middleware/authenticate.js";

/** Who may call a route. */
/** Who may call a route; `signature`: no session, the request is verified by its own signature (webhooks). */
export type RouteAuth = "session" | "admin" | "signature";

/**
 * A body field that makes a request sensitive: present with any value, or, with `equals`, set to
 * that value. The router's check and the OpenAPI description both come from the same list.
 */
export interface StepUpCondition {
  field: string;
  equals?: string | number | boolean;
}

/** A scope that depends on the params, with every value it can take (for the document). */
export interface ScopeByParams<P> {
  of(params: P): BotTokenScope;
  oneOf: readonly BotTokenScope[];
}

/** What a handler receives: parsed, validated input and the caller's request context. */
export interface RouteCall<P, Q, B, H = Record<string, unknown>> {
  ctx: RequestContext;
  principal: Principal;
  params: P;
  query: Q;
  body: B;
  /** The request headers the route declares (`headers`), validated; `{}` when it declares none. */
  headers: H;
  req: Request;
  res: Response;
}

/**
 * One route: its method and path, the zod schemas of its params, query, body and response,
 * who may call it and whether it needs a recent verification. The same object feeds the
 * validation and the OpenAPI document, so the two cannot drift.
 */
export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, H extends z.ZodObject = z.ZodObject> {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Express path under the router's mount point, e.g. `/v1/credentials/:id`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * Request headers the route reads, as a zod object keyed by lower-case header name (e.g.
   * `z.object({ "idempotency-key": z.string().max(64).optional() })`): only those are read from the
   * request, validated like the rest of the input (a bad value is a 400 naming `headers.<name>`),
   * handed to the handler as `headers`, and documented as header parameters.
   */
  headers?: H;
  /** Response body schema; `null` for 204 No Content; `"stream"` when the handler writes the body itself. */
  response: z.ZodType | null | "stream";
  /** For `response: "stream"`: the body per content type the handler may write (the `format` query picks one). */
  streamContent?: Readonly<Record<string, z.ZodType>>;
  /** Success status; default 200 (204 when `response` is null). */
  status?: number;
  /**
   * Needs a recent factor verification (Clerk reverification): always (`true`), or only when the
   * body meets one of the conditions.
   */
  stepUp?: boolean | { when: readonly StepUpCondition[] };
  /**
   * Extra, stricter rate limit, counted after the route's guard: `sensitive` per user; `proxy` per
   * owner and credential (the `credentialParam`), after checking the caller owns it.
   */
  limit?: "sensitive" | "proxy";
  /**
   * Bot tokens may call the route with this scope (`"any"`: every valid bot token). Without it the
   * route is for signed-in people only. `{ of, oneOf }` decides from the params.
   */
  scope?: BotTokenScope | "any" | ScopeByParams<z.output<P>>;
  /** The param naming a credential: for bot tokens it must be one the token lists; the `proxy` limit counts per it. */
  credentialParam?: string;
  handler(call: RouteCall<z.output<P>, z.output<Q>, z.output<B>, z.output<H>>): Promise<unknown>;
}

/** `true` when `spec` needs a recent verification for this body. */
export function needsStepUp(spec: Pick<RouteSpec, "stepUp">, body: unknown): boolean {
  if (spec.stepUp === true) return true;
  if (typeof spec.stepUp !== "object") return false;
  const fields = (body ?? {}) as Record<string, unknown>;
  return spec.stepUp.when.some((c) => fields[c.field] !== undefined && (c.equals === undefined || fields[c.field] === c.equals));
}

/** Identity helper that keeps the schema types flowing into the handler. */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, H extends z.ZodObject = z.ZodObject>(spec: RouteSpec<P, Q, B, H>): RouteSpec {
  return spec as unknown as RouteSpec;
}
