import { inspect } from "node:util";

/**
 * Base of objects that hold a secret and must never print it: `String()`, template literals,
 * `JSON.stringify`, `util.inspect` / `console.log` and `Object.prototype.toString` all give the
 * subclass's `redactedText` (a prototype getter, so no own property is added).
 */
export abstract class PrintsRedacted {
  protected abstract get redactedText(): string;

  toString(): string {
    return this.redactedText;
  }

  toJSON(): string {
    return this.redactedText;
  }

  [inspect.custom](): string {
    return this.redactedText;
  }

  get [Symbol.toStringTag](): string {
    return this.redactedText;
  }
}
