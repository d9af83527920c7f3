import type { AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import type { Clock } from "../ports/Clock.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import type { CredentialLeases } from "./CredentialLease.js";
import { credentialEntry } from "./credentialEntry.js";

/** Result of one expiry run. */
export interface CheckExpiryResult {
  expired: number;
  warned: number;
}

/**
 * The expiry job (any user): marks credentials whose `expiresAt` has passed `expired`, ending
 * their leases, and writes a `credential.expiring` event (once per credential and expiry, per
 * process) for those expiring within the warning window. Each status change is compare-and-set
 * against the status read, so a user's concurrent change wins and the next run decides again.
 */
export class CredentialExpiryJob {
  readonly #store: WalletAuthStore;
  readonly #audit: AuditTrail;
  readonly #clock: Clock;
  readonly #leases: CredentialLeases;
  readonly #warningMs: number;
  readonly #warned = new Set<string>();

  constructor(options: { store: WalletAuthStore; audit: AuditTrail; clock: Clock; leases: CredentialLeases; warningDays: number }) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#clock = options.clock;
    this.#leases = options.leases;
    this.#warningMs = options.warningDays * 86_400_000;
  }

  async run(options: { batchSize?: number | undefined } = {}): Promise<CheckExpiryResult> {
    const now = this.#clock.now();
    const result: CheckExpiryResult = { expired: 0, warned: 0 };
    const due = await this.#store.credentials.listExpiring(new Date(now.getTime() + this.#warningMs), options.batchSize ?? 500);
    for (const record of due) {
      const ctx: RequestContext = { userId: record.userId, actor: { type: "system", id: null } };
      const expiresAt = record.expiresAt as Date;
      if (expiresAt.getTime() <= now.getTime()) {
        const expired = await this.#store.transaction(async (tx) => {
          const updated = await tx.credentials.update(record.userId, record.id, { status: "expired", updatedAt: this.#clock.now() }, { expectStatus: record.status });
          if (updated === null) return false;
          await this.#audit.record(tx, ctx, credentialEntry("credential.expire", "success", record.id, {}));
          return true;
        });
        if (!expired) continue;
        await this.#leases.revokeCredential(record.id);
        result.expired += 1;
      } else {
        const key = `${record.id}:${expiresAt.getTime()}`;
        if (this.#warned.has(key)) continue;
        await this.#audit.recordNow(this.#store, ctx, credentialEntry("credential.expiring", "success", record.id, { expiresAt: expiresAt.toISOString(), exchange: record.exchange }));
        this.#warned.add(key);
        result.warned += 1;
      }
    }
    return result;
  }
}
