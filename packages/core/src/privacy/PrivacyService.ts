import type { AuditTrail } from "../audit/AuditTrail.js";
import { type AuditEventView, toAuditEventView } from "../audit/auditExportFormats.js";
import { type VerifyAuditChainResult, verifyAuditChain } from "../audit/verifyAuditChain.js";
import type { RequestContext } from "../context/RequestContext.js";
import type { SecurityAlertRecord } from "../ports/AlertStore.js";
import type { BalanceSource } from "../balances/types.js";
import type { BalanceSnapshotRecord } from "../ports/BalanceSnapshotStore.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { CredentialRecord } from "../ports/CredentialStore.js";
import type { TransactionRecord } from "../ports/TransactionStore.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import type { UserRecord } from "../ports/UserStore.js";
import type { WalletRecord } from "../ports/WalletStore.js";
import type { Page } from "../ports/common.js";
import { collectPages } from "./collectPages.js";

/** Credential metadata as exported: never the sealed secret, key id or fingerprint. */
export type ExportedCredential = Pick<
  CredentialRecord,
  | "id"
  | "exchange"
  | "label"
  | "status"
  | "keyHint"
  | "permissions"
  | "keyPermissions"
  | "permissionRiskAcceptedAt"
  | "expiresAt"
  | "lastUsedAt"
  | "lastValidatedAt"
  | "createdAt"
  | "updatedAt"
>;

/** The personal-data export of one user (GDPR art. 15/20), ready for `JSON.stringify`. */
export interface PrivacyExport {
  format: "wallet-auth-export/1";
  exportedAt: Date;
  user: UserRecord | null;
  credentials: ExportedCredential[];
  wallets: WalletRecord[];
  balanceSnapshots: BalanceSnapshotRecord[];
  transactions: TransactionRecord[];
  auditEvents: AuditEventView[];
  alerts: SecurityAlertRecord[];
}

/** Result of {@link PrivacyService.erase}. */
export interface PrivacyEraseResult {
  /** Rows deleted per kind. Credentials' data keys went with their sealed blobs (crypto-shredding). */
  deleted: {
    credentials: number;
    wallets: number;
    balanceSnapshots: number;
    transactions: number;
    nonces: number;
    alerts: number;
    botTokens: number;
    /** Stored exchange proxy results (`Idempotency-Key`). */
    proxyIdempotency: number;
    /** History sync cursors. */
    syncCursors: number;
    /** Trade policies of the user's credentials and bot tokens (their rolling windows go with them). */
    tradePolicies: number;
    /** Signed-request journal entries (orders the proxy signed, foreign orders found). */
    orderJournal: number;
    /** Security incidents (kill switch runs, foreign orders). */
    incidents: number;
    user: boolean;
  };
  /** Audit events whose personal fields were nulled. */
  auditEventsPseudonymised: number;
  /** The user's audit chain verified after erasure. */
  chain: VerifyAuditChainResult;
}

/** Options for {@link PrivacyService}. */
export interface PrivacyServiceOptions {
  store: WalletAuthStore;
  audit: AuditTrail;
  clock?: Clock | undefined;
  /**
   * Ends the user's open credential leases before erasure (`CredentialService.endLeasesOf`), so no
   * lease hands out a secret or writes an audit event after it. `createWalletAuth` wires it.
   */
  endLeasesOf?: ((userId: string) => Promise<void>) | undefined;
  /**
   * Called after an erasure committed with the balance sources (credentials, wallets) it deleted,
   * so their cached balances go too (`BalanceService.invalidate`). `createWalletAuth` wires it.
   * Its failure does not fail the erasure.
   */
  afterErase?: ((userId: string, sources: readonly BalanceSource[]) => Promise<void>) | undefined;
}

/**
 * Data-subject requests: export everything stored about a user, and erase it.
 *
 * Erasure runs in one transaction: it first appends a `privacy.erase` event to the user's
 * chain, then deletes credentials (their per-record data keys live only inside the sealed
 * blob, so deleting the row shreds the secret), wallets, balance snapshots, transactions,
 * nonces, alerts and the user row, and finally pseudonymises the user's audit events (user
 * id, actor id, IP hash, user agent nulled; the chain commits to them only through a digest,
 * so it still verifies). Audit events are kept as required evidence; they can no longer be
 * tied to the person without the audit hash key and the user id.
 *
 * @example
 * ```ts
 * const privacy = new PrivacyService({ store, audit });
 * const doc = await privacy.export({ userId: "user_1" });
 * const { chain } = await privacy.erase({ userId: "user_1" });
 * ```
 */
export class PrivacyService {
  readonly #store: WalletAuthStore;
  readonly #audit: AuditTrail;
  readonly #clock: Clock;
  readonly #endLeasesOf: ((userId: string) => Promise<void>) | undefined;
  readonly #afterErase: PrivacyServiceOptions["afterErase"];

  constructor(options: PrivacyServiceOptions) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#clock = options.clock ?? systemClock;
    this.#endLeasesOf = options.endLeasesOf;
    this.#afterErase = options.afterErase;
  }

  /**
   * Everything stored about `ctx.userId` as one JSON-ready document, built in memory: for a user
   * with many audit events or snapshots prefer {@link PrivacyService.exportStream}, which writes
   * the same bytes page by page. Audited (`privacy.export`, recorded before reading, so it
   * appears in the export).
   *
   * @throws WalletAuthError `AUDIT_UNAVAILABLE` when the export cannot be audited (nothing is exported).
   */
  async export(ctx: RequestContext): Promise<PrivacyExport> {
    await this.#audit.recordNow(this.#store, ctx, { action: "privacy.export", outcome: "success", targetType: "user" });
    const userId = ctx.userId;
    const s = this.#store;
    const [user, credentials, wallets, balanceSnapshots, transactions, audit, alerts] = await Promise.all([
      s.users.get(userId),
      s.credentials.listByUser(userId),
      s.wallets.listByUser(userId),
      collectPages((cursor, limit) => s.snapshots.list({ userId, cursor, limit })),
      collectPages((cursor, limit) => s.transactions.list({ userId, cursor, limit })),
      collectPages((cursor, limit) => s.audit.query({ subjectUserId: userId, cursor, limit })),
      collectPages((cursor, limit) => s.alerts.list({ userId, cursor, limit })),
    ]);
    return {
      format: "wallet-auth-export/1",
      exportedAt: this.#clock.now(),
      user,
      credentials: credentials.map(exportCredential),
      wallets,
      balanceSnapshots,
      transactions,
      auditEvents: audit.map(toAuditEventView),
      alerts,
    };
  }

  /**
   * The export as JSON text in chunks, exactly `JSON.stringify(await export(ctx))` byte for byte,
   * read one page (`pageSize` rows, default 500) at a time as the consumer pulls: memory stays
   * bounded by a page whatever the number of audit events, snapshots, transactions or alerts.
   * Audited like {@link PrivacyService.export}, before the first chunk. A store failure part-way
   * throws from the iterator: the consumer must treat the output as incomplete (the HTTP route
   * cuts the connection).
   *
   * @throws WalletAuthError `AUDIT_UNAVAILABLE` (before any chunk), store errors while iterating.
   *
   * @example
   * ```ts
   * for await (const chunk of await privacy.exportStream({ userId: "user_1" })) res.write(chunk);
   * ```
   */
  async exportStream(ctx: RequestContext, options: { pageSize?: number | undefined } = {}): Promise<AsyncIterable<string>> {
    await this.#audit.recordNow(this.#store, ctx, { action: "privacy.export", outcome: "success", targetType: "user" });
    const userId = ctx.userId;
    const s = this.#store;
    const pageSize = options.pageSize ?? 500;
    const exportedAt = this.#clock.now();
    return (async function* () {
      // Key order and value forms are the ones JSON.stringify gives the PrivacyExport object.
      yield `{"format":"wallet-auth-export/1","exportedAt":${JSON.stringify(exportedAt)},"user":${JSON.stringify(await s.users.get(userId))}`;
      yield `,"credentials":${JSON.stringify((await s.credentials.listByUser(userId)).map(exportCredential))}`;
      yield `,"wallets":${JSON.stringify(await s.wallets.listByUser(userId))}`;
      yield* jsonArray("balanceSnapshots", (cursor) => s.snapshots.list({ userId, cursor, limit: pageSize }));
      yield* jsonArray("transactions", (cursor) => s.transactions.list({ userId, cursor, limit: pageSize }));
      yield* jsonArray("auditEvents", (cursor) => s.audit.query({ subjectUserId: userId, cursor, limit: pageSize }), toAuditEventView);
      yield* jsonArray("alerts", (cursor) => s.alerts.list({ userId, cursor, limit: pageSize }));
      yield "}";
    })();
  }

  /**
   * Erases the user's personal data (see the class comment), then verifies their audit chain.
   *
   * @returns What was deleted, how many audit events were pseudonymised, and the chain check.
   * @throws WalletAuthError `AUDIT_UNAVAILABLE` when the erasure cannot be audited (nothing is erased); store errors roll everything back.
   */
  async erase(ctx: RequestContext): Promise<PrivacyEraseResult> {
    const userId = ctx.userId;
    const chainKey = this.#audit.chainKeyOf(userId);
    // Leases end first: their closing events land before the erasure and are pseudonymised with the rest.
    await this.#endLeasesOf?.(userId);
    const result = await this.#store.transaction(async (tx) => {
      // No target id: it would keep the user id in a field erasure cannot null.
      await this.#audit.record(tx, ctx, { action: "privacy.erase", outcome: "success", targetType: "user" });
      const sources: BalanceSource[] = [
        ...(await tx.credentials.listByUser(userId)).map((c) => ({ type: "exchange" as const, credentialId: c.id })),
        ...(await tx.wallets.listByUser(userId)).map((w) => ({ type: "wallet" as const, walletId: w.id })),
      ];
      const deleted = {
        credentials: await tx.credentials.deleteByUser(userId),
        wallets: await tx.wallets.deleteByUser(userId),
        balanceSnapshots: await tx.snapshots.deleteByUser(userId),
        transactions: await tx.transactions.deleteByUser(userId),
        nonces: await tx.nonces.deleteByUser(userId),
        alerts: await tx.alerts.deleteByUser(userId),
        botTokens: await tx.botTokens.deleteByUser(userId),
        proxyIdempotency: await tx.proxyIdempotency.deleteByUser(userId),
        syncCursors: await tx.syncCursors.deleteByUser(userId),
        tradePolicies: await tx.tradePolicies.deleteByUser(userId),
        orderJournal: await tx.orderJournal.deleteByUser(userId),
        incidents: await tx.incidents.deleteByUser(userId),
        user: await tx.users.delete(userId),
      };
      const auditEventsPseudonymised = await tx.audit.erasePersonalData(chainKey, userId);
      return { deleted, auditEventsPseudonymised, sources };
    });
    const { sources, ...erased } = result;
    await this.#afterErase?.(userId, sources).catch(() => undefined);
    const chain = await verifyAuditChain({ store: this.#store, chainKey });
    return { ...erased, chain };
  }
}

/** `,"name":[...]` one page per chunk; the next page is read only when the consumer asks for more. */
async function* jsonArray<T, V = T>(name: string, fetchPage: (cursor: string | undefined) => Promise<Page<T>>, map?: (item: T) => V): AsyncGenerator<string> {
  let cursor: string | undefined;
  let first = true;
  yield `,${JSON.stringify(name)}:[`;
  for (;;) {
    const page = await fetchPage(cursor);
    if (page.items.length > 0) {
      yield `${first ? "" : ","}${page.items.map((item) => JSON.stringify(map ? map(item) : item)).join(",")}`;
      first = false;
    }
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  yield "]";
}

function exportCredential(c: CredentialRecord): ExportedCredential {
  return {
    id: c.id,
    exchange: c.exchange,
    label: c.label,
    status: c.status,
    keyHint: c.keyHint,
    permissions: c.permissions,
    keyPermissions: c.keyPermissions,
    permissionRiskAcceptedAt: c.permissionRiskAcceptedAt,
    expiresAt: c.expiresAt,
    lastUsedAt: c.lastUsedAt,
    lastValidatedAt: c.lastValidatedAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
