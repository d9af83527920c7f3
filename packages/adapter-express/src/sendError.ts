import { type ErrorCode, errorMessages, isWalletAuthError } from "@wallet-auth/core";
import type { Response } from "express";
import { errorStatus } from "./errorStatus.js";

/** The body of every error response. */
export interface ApiErrorBody {
  error: { code: ErrorCode; message: string; requestId: string };
}

/** The public code of `error`: its own when it is a wallet-auth error, else `INTERNAL`. */
export function publicCode(error: unknown): ErrorCode {
  return isWalletAuthError(error) ? error.code : "INTERNAL";
}

/**
 * Answers with the generic body for `code`: the message comes from core's table only, never
 * from the error, so no cause, SQL text, key id or library message can reach a response.
 */
export function sendError(res: Response, code: ErrorCode, extraHeaders: Record<string, string> = {}): void {
  const requestId = String(res.locals.requestId ?? "");
  for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  // Every 429 says when to come back: the docs tell bots to wait for it.
  if (errorStatus[code] === 429 && !res.hasHeader("Retry-After")) res.setHeader("Retry-After", "60");
  const body: ApiErrorBody = { error: { code, message: errorMessages[code], requestId } };
  res.status(errorStatus[code]).json(body);
}
