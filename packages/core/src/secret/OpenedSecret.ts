import type { ExchangeSecret } from "../ports/ExchangeGateway.js";
import { PrintsRedacted } from "./PrintsRedacted.js";

const REDACTED = "<redacted exchange secret>";

/**
 * The decrypted exchange secret handed to `CredentialService.use` and lease callbacks. Its values
 * are read through the accessors (`secret.apiKey`, `secret.secret`, `secret.password`,
 * `secret.uid`) and nowhere else: they are not own properties, so `console.log(secret)`,
 * `util.inspect`, `JSON.stringify`, `String(secret)`, `Object.keys` and spreading (`{ ...secret }`)
 * all print or copy nothing secret. Pass the fields you need explicitly, e.g.
 * `new ccxt.binance({ apiKey: secret.apiKey, secret: secret.secret })`.
 */
export class OpenedExchangeSecret extends PrintsRedacted implements ExchangeSecret {
  readonly #apiKey: string;
  readonly #secret: string;
  readonly #password: string | undefined;
  readonly #uid: string | undefined;

  constructor(plain: ExchangeSecret) {
    super();
    this.#apiKey = plain.apiKey;
    this.#secret = plain.secret;
    this.#password = plain.password;
    this.#uid = plain.uid;
    Object.freeze(this);
  }

  /** The API key. */
  get apiKey(): string {
    return this.#apiKey;
  }

  /** The API secret. */
  get secret(): string {
    return this.#secret;
  }

  /** The passphrase (OKX, KuCoin, Coinbase ...), when the exchange has one. */
  get password(): string | undefined {
    return this.#password;
  }

  /** The account uid, when the exchange has one. */
  get uid(): string | undefined {
    return this.#uid;
  }

  protected get redactedText(): string {
    return REDACTED;
  }
}
