import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";

const SAFE = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * First middleware: a request id on every response (`X-Request-Id`). A caller's own id is kept
 * only when it is short and plain, so it cannot inject into logs.
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get("x-request-id");
    const id = given && SAFE.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader("X-Request-Id", id);
    next();
  };
}
