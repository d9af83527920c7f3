import { inspect } from "node:util";

const REDACTED = "<redacted>";
const values = new WeakMap<Redacted<unknown>, unknown>();

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
export class Redacted<T> {
  private constructor(value: T) {
    values.set(this, value);
    Object.freeze(this);
  }

  /** Wraps `value`. */
  static make<T>(value: T): Redacted<T> {
    return new Redacted(value);
  }

  /** The wrapped value. Throws `TypeError` for a non-Redacted argument. */
  static unwrap<T>(redacted: Redacted<T>): T {
    if (!values.has(redacted)) throw new TypeError("not a Redacted value");
    return values.get(redacted) as T;
  }

  /** `true` for a Redacted box. */
  static is(value: unknown): value is Redacted<unknown> {
    return typeof value === "object" && value !== null && values.has(value as Redacted<unknown>);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  get [Symbol.toStringTag](): string {
    return REDACTED;
  }
}
