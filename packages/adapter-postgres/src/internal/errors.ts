import { WalletAuthError, isWalletAuthError } from "@wallet-auth/core";

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  name?: unknown;
  message?: unknown;
  table?: unknown;
}

/**
 * SQLSTATEs that mean "this value cannot be stored": invalid text representation (22P02),
 * NUL or invalid UTF-8 in text (22021), `\u0000` in jsonb (22P05), too long (22001), bad or
 * out-of-range dates (22007, 22008), numeric overflow (22003), bad escapes (22025), null in a
 * NOT NULL array element (22004) and bad JSON (22032).
 */
const INVALID_TEXT_STATES = new Set(["22P02", "22021", "22P05", "22001", "22007", "22008", "22003", "22025", "22004", "22032"]);

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EPIPE", "EHOSTUNREACH", "EAI_AGAIN"]);

function isConnectionFailure(e: DriverError): boolean {
  const code = typeof e.code === "string" ? e.code : "";
  if (CONNECTION_CODES.has(code)) return true;
  // SQLSTATE class 08 (connection), 57P0x (shutdown / cannot connect now), 53300 (too many connections).
  if (/^08...$/.test(code) || /^57P0\d$/.test(code) || code === "53300") return true;
  if (e.name === "KnexTimeoutError") return true;
  const message = typeof e.message === "string" ? e.message : "";
  return /Connection terminated|connection (is )?closed|Client has encountered a connection error|PGlite is closed|Unable to acquire a connection|pool is (being )?destroyed/i.test(message);
}

/**
 * The driver error with what is safe to log and nothing else: the message (knex prefixes it
 * with the SQL text, and PostgreSQL's own messages quote the offending value), the bound
 * parameters (sealed blobs, fingerprints) and `detail` (which echoes key values) are dropped.
 */
function sanitizedCause(error: unknown): Error {
  const e = (error ?? {}) as DriverError;
  const safe = new Error(typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) ? `database error (SQLSTATE ${e.code})` : "database error");
  safe.name = typeof e.name === "string" ? e.name : "DatabaseError";
  Object.assign(safe, {
    code: typeof e.code === "string" ? e.code : undefined,
    constraint: typeof e.constraint === "string" ? e.constraint : undefined,
    table: typeof e.table === "string" ? e.table : undefined,
  });
  return safe;
}

/** Maps a unique violation on `constraint` to the coded error the ports name. */
function uniqueViolation(constraint: string, cause: Error): WalletAuthError {
  if (constraint === "api_credentials_fingerprint_key") {
    return new WalletAuthError("CREDENTIAL_DUPLICATE", { cause, reason: "fingerprint-exists" });
  }
  return new WalletAuthError("CONFLICT", { cause, reason: `unique:${constraint}` });
}

/**
 * Turns anything a query threw into a {@link WalletAuthError} whose message is the public one
 * for its code. Errors that already are wallet-auth errors pass through unchanged.
 */
export function toStoreError(error: unknown): WalletAuthError {
  if (isWalletAuthError(error)) return error;
  const e = (error ?? {}) as DriverError;
  const cause = sanitizedCause(error);
  const code = typeof e.code === "string" ? e.code : "";
  if (code === "23505") return uniqueViolation(typeof e.constraint === "string" ? e.constraint : "", cause);
  if (code === "23503") return new WalletAuthError("NOT_FOUND", { cause, reason: "user-missing" });
  // Second line of defence: services refuse these inputs before any query (see core's
  // validation module); if one still gets through, the caller sees INVALID_INPUT, not INTERNAL.
  if (code === "23514" || INVALID_TEXT_STATES.has(code)) {
    return new WalletAuthError("INVALID_INPUT", { cause, reason: `sqlstate:${code}` });
  }
  if (isConnectionFailure(e)) return new WalletAuthError("STORE_UNAVAILABLE", { cause, reason: "connection" });
  return new WalletAuthError("INTERNAL", { cause, reason: code === "" ? "store-error" : `sqlstate:${code}` });
}
