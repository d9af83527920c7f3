import { type ErrorCode, errorMessages, isErrorCode } from "./codes.js";

/** Options for {@link WalletAuthError}. */
export interface WalletAuthErrorOptions {
  /**
   * Safe, non-secret facts a caller may act on (a field name, a retry delay). They may reach a
   * response, so never put secrets, key ids, SQL or library messages here.
   */
  details?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** The underlying error, for server logs only. Never serialised. */
  cause?: unknown;
  /**
   * A specific internal reason (e.g. `"nonce-replayed"`), for logs and audit events. Never
   * serialised into a response.
   */
  reason?: string;
}

const BRAND = Symbol.for("@wallet-auth/error");

/**
 * The one base error of wallet-auth. Its `message` comes from the public table for its
 * `code`, so it can never carry input, secrets or library text.
 *
 * `toJSON()` exposes `{ code, message, details }` only; `cause` and `reason` stay on the
 * server side.
 *
 * @example
 * ```ts
 * import { WalletAuthError, isWalletAuthError } from "@wallet-auth/core";
 * try {
 *   throw new WalletAuthError("NOT_FOUND");
 * } catch (error) {
 *   if (isWalletAuthError(error)) console.log(error.code); // "NOT_FOUND"
 * }
 * ```
 */
export class WalletAuthError extends Error {
  override name = "WalletAuthError";
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, string | number | boolean | readonly string[]>> | undefined;
  readonly reason: string | undefined;
  declare readonly [BRAND]: true;

  constructor(code: ErrorCode, options: WalletAuthErrorOptions = {}) {
    super(errorMessages[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.reason = options.reason;
    Object.defineProperty(this, BRAND, { value: true });
    // Keep the cause off enumerable properties so naive serialisers skip it.
    if (options.cause !== undefined) {
      Object.defineProperty(this, "cause", { value: options.cause, enumerable: false, writable: false });
    }
  }

  /** Walks the cause chain; returns the first error for which `fn` is true, or the last one. */
  walk(fn?: (error: unknown) => boolean): unknown {
    let current: unknown = this;
    const seen = new Set<unknown>();
    while (current !== undefined && current !== null && !seen.has(current)) {
      if (fn?.(current)) return current;
      seen.add(current);
      const next: unknown = (current as { cause?: unknown }).cause;
      if (next === undefined || next === null) return fn ? undefined : current;
      current = next;
    }
    return fn ? undefined : current;
  }

  /** The public shape: code, generic message, safe details. */
  toJSON(): { code: ErrorCode; message: string; details?: WalletAuthError["details"] } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * `true` for a wallet-auth error, also across duplicated copies of core (checks a global
 * brand and the code, not only `instanceof`).
 */
export function isWalletAuthError(error: unknown, code?: ErrorCode): error is WalletAuthError {
  if (typeof error !== "object" || error === null) return false;
  const branded = error instanceof WalletAuthError || (error as Record<symbol, unknown>)[BRAND] === true;
  if (!branded || !isErrorCode((error as { code?: unknown }).code)) return false;
  return code === undefined || (error as WalletAuthError).code === code;
}
