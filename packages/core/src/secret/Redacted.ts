import { PrintsRedacted } from "./PrintsRedacted.js";

const REDACTED = "<redacted>";
// One registry per process, keyed by a global symbol: an ESM and a CJS copy of core loaded into one
// bot (or two versions side by side) still recognise each other's values, as the error brand does.
const REGISTRY = Symbol.for("@wallet-auth/core/redacted-values");
const globalRegistry = globalThis as typeof globalThis & { [REGISTRY]?: WeakMap<object, unknown> };
const values: WeakMap<object, unknown> = (globalRegistry[REGISTRY] ??= new WeakMap<object, unknown>());

/**
 * A box for a secret value. `String()`, `JSON.stringify`, `util.inspect` / `console.log` and
 * template literals all print `<redacted>`; the value is reachable only through
 * {@link Redacted.unwrap}, and is not an own property, so spreading, `Object.keys` or structured
 * logging cannot reach it either.
 *
 * @example
 * ```ts
 * import { Redacted } from "@wallet-auth/core";
 * const secret = Redacted.make("hunter2");
 * console.log(`${secret}`, JSON.stringify({ secret })); // <redacted> {"secret":"<redacted>"}
 * Redacted.unwrap(secret); // "hunter2"
 * ```
 */
export class Redacted<T> extends PrintsRedacted {
  private constructor(value: T) {
    super();
    values.set(this, value);
    Object.freeze(this);
  }

  /** Wraps `value`. */
  static make<T>(value: T): Redacted<T> {
    return new Redacted(value);
  }

  /** The wrapped value. Throws `TypeError` for a non-Redacted argument. */
  static unwrap<T>(redacted: Redacted<T>): T {
    if (typeof redacted !== "object" || redacted === null || !values.has(redacted)) throw new TypeError("not a Redacted value");
    return values.get(redacted) as T;
  }

  /** `true` for a Redacted box. */
  static is(value: unknown): value is Redacted<unknown> {
    return typeof value === "object" && value !== null && values.has(value as Redacted<unknown>);
  }

  protected get redactedText(): string {
    return REDACTED;
  }
}
