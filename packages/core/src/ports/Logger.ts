import { isWalletAuthError } from "../errors/index.js";

/**
 * Where background failures are reported (alert detectors, audit listeners, alert sinks): the
 * shape of pino's `error(obj, msg)` / `warn(obj, msg)`, which `console` also fits. Fields are
 * always the output of {@link safeErrorFields}: an error code, reason and class name, never a
 * message, cause, stack, secret or SQL text.
 */
export interface WalletAuthLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * The fields of an error that are safe to log: a `WalletAuthError`'s `code` and `reason`, or
 * only the class name of anything else (a library's message can echo a secret or SQL text).
 *
 * @param error - anything thrown.
 * @returns `{ errorCode, errorReason }` or `{ errorName }`.
 */
export function safeErrorFields(error: unknown): Record<string, string> {
  if (isWalletAuthError(error)) return { errorCode: error.code, ...(error.reason === undefined ? {} : { errorReason: error.reason }) };
  const name = error instanceof Error ? error.constructor.name : typeof error;
  return { errorName: /^[A-Za-z0-9_$]{1,64}$/.test(name) ? name : "Error" };
}

/**
 * The default logger when none is injected: one `console` line per failure, with the safe
 * fields only, so a failure is never silently dropped.
 */
export const stderrLogger: WalletAuthLogger = {
  warn: (fields, message) => console.warn(`wallet-auth: ${message} ${JSON.stringify(fields)}`),
  error: (fields, message) => console.error(`wallet-auth: ${message} ${JSON.stringify(fields)}`),
};
