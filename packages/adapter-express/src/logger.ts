/** The logger the router writes to: pino-compatible (`logger.warn(obj, msg)`), never given secrets. */
export interface RouterLogger {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

/** Drops everything: the default when the host gives no logger. */
export const silentLogger: RouterLogger = { info() {}, warn() {}, error() {} };
