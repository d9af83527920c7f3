import { WalletAuthError } from "../errors/index.js";
import type { ExchangeSecret } from "../ports/ExchangeGateway.js";

/** Summary of a closed lease. */
export interface CredentialLeaseSummary {
  leaseId: string;
  /** Secrets handed out during the lease. */
  uses: number;
  /** Uses refused (expired/revoked lease, decrypt failure). */
  refused: number;
  /** Why it ended. */
  endedBy: "closed" | "expired" | "revoked";
}

/**
 * An audited grant to use one credential many times for a short while, so a bot placing many
 * orders a second writes one audit event per lease instead of one per order. Each `use` still
 * decrypts the sealed secret afresh and hands it to `fn` only: nothing decrypted is kept
 * between uses.
 */
export interface CredentialLease {
  readonly id: string;
  readonly credentialId: string;
  readonly expiresAt: Date;
  /**
   * Decrypts the secret and calls `fn` with it.
   * @throws `CREDENTIAL_UNAVAILABLE` (reason `lease-expired` / `lease-revoked`), `DECRYPTION_FAILED`.
   */
  use<T>(fn: (secret: ExchangeSecret) => Promise<T> | T): Promise<T>;
  /** Ends the lease (idempotent) and writes the closing audit event with the use count. */
  close(): Promise<CredentialLeaseSummary>;
}

/** What a lease needs from the service. */
export interface LeaseHooks {
  now(): number;
  open(): ExchangeSecret;
  touch(): void;
  end(summary: CredentialLeaseSummary): Promise<void>;
  onDecryptFailure(error: WalletAuthError): Promise<void>;
}

/** The service's lease implementation (see {@link CredentialLease}). */
export class ServiceCredentialLease implements CredentialLease {
  readonly id: string;
  readonly credentialId: string;
  readonly expiresAt: Date;
  private uses = 0;
  private refused = 0;
  private ended: Promise<CredentialLeaseSummary> | undefined;
  private revoked = false;
  private readonly hooks: LeaseHooks;

  constructor(id: string, credentialId: string, expiresAt: Date, hooks: LeaseHooks) {
    this.id = id;
    this.credentialId = credentialId;
    this.expiresAt = expiresAt;
    this.hooks = hooks;
  }

  async use<T>(fn: (secret: ExchangeSecret) => Promise<T> | T): Promise<T> {
    if (this.revoked || this.ended !== undefined) {
      this.refused += 1;
      throw new WalletAuthError("CREDENTIAL_UNAVAILABLE", { reason: "lease-revoked" });
    }
    if (this.hooks.now() >= this.expiresAt.getTime()) {
      this.refused += 1;
      await this.finish("expired");
      throw new WalletAuthError("CREDENTIAL_UNAVAILABLE", { reason: "lease-expired" });
    }
    let secret: ExchangeSecret;
    try {
      secret = this.hooks.open();
    } catch (error) {
      this.refused += 1;
      await this.hooks.onDecryptFailure(error as WalletAuthError);
      throw error;
    }
    this.uses += 1;
    this.hooks.touch();
    return fn(secret);
  }

  close(): Promise<CredentialLeaseSummary> {
    return this.finish("closed");
  }

  /** Ends the lease because the credential changed (disable, delete, renewal). */
  revoke(): Promise<CredentialLeaseSummary> {
    this.revoked = true;
    return this.finish("revoked");
  }

  private finish(endedBy: CredentialLeaseSummary["endedBy"]): Promise<CredentialLeaseSummary> {
    this.ended ??= (async () => {
      const summary: CredentialLeaseSummary = { leaseId: this.id, uses: this.uses, refused: this.refused, endedBy };
      await this.hooks.end(summary);
      return summary;
    })();
    return this.ended;
  }
}
