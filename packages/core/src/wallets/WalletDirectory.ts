import type { AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import { WalletAuthError } from "../errors/index.js";
import type { Clock } from "../ports/Clock.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import type { WalletPatch } from "../ports/WalletStore.js";
import { parseContext, parseInput } from "../validation/index.js";
import { type WalletIdOptions, walletIdInputSchema, type WalletUpdateOptions, walletUpdateInputSchema } from "./walletSchemas.js";
import { toWalletView, type WalletView } from "./WalletView.js";

/** Dependencies of {@link WalletDirectory} (the {@link WalletService} builds it). */
export interface WalletDirectoryOptions {
  store: WalletAuthStore;
  audit: AuditTrail;
  clock: Clock;
}

const notFound = () => new WalletAuthError("NOT_FOUND", { reason: "wallet-not-found" });

/**
 * The wallet-management half of the wallet service: list, read, label, metadata, primary and
 * unlink of linked wallets, each scoped to the acting user and audited. Use it through
 * {@link WalletService}.
 */
export class WalletDirectory {
  readonly #o: WalletDirectoryOptions;

  constructor(options: WalletDirectoryOptions) {
    this.#o = options;
  }

  /** See {@link WalletService.list}. */
  async list(ctx: RequestContext): Promise<WalletView[]> {
    const { userId } = parseContext(ctx);
    return (await this.#o.store.wallets.listByUser(userId)).map(toWalletView);
  }

  /** See {@link WalletService.get}. */
  async get(ctx: RequestContext, options: WalletIdOptions): Promise<WalletView> {
    const { userId } = parseContext(ctx);
    const { walletId } = parseInput(walletIdInputSchema, options);
    const record = await this.#o.store.wallets.get(userId, walletId);
    if (!record) throw notFound();
    return toWalletView(record);
  }

  /** See {@link WalletService.update}. */
  async update(ctx: RequestContext, options: WalletUpdateOptions): Promise<WalletView> {
    const context = parseContext(ctx);
    const input = parseInput(walletUpdateInputSchema, options);
    const patch: WalletPatch = { updatedAt: this.#o.clock.now() };
    if (input.label !== undefined) patch.label = input.label;
    if (input.metadata !== undefined) patch.metadata = input.metadata;
    return this.#o.store.transaction(async (tx) => {
      const record = await tx.wallets.update(context.userId, input.walletId, patch);
      if (!record) throw notFound();
      await this.#o.audit.record(tx, context, {
        action: "wallet.update",
        outcome: "success",
        targetType: "wallet",
        targetId: record.id,
        details: { label: input.label !== undefined, metadata: input.metadata !== undefined },
      });
      return toWalletView(record);
    });
  }

  /** See {@link WalletService.setPrimary}. */
  async setPrimary(ctx: RequestContext, options: WalletIdOptions): Promise<WalletView> {
    const context = parseContext(ctx);
    const { walletId } = parseInput(walletIdInputSchema, options);
    const now = this.#o.clock.now();
    return this.#o.store.transaction(async (tx) => {
      if (!(await tx.wallets.setPrimary(context.userId, walletId, now))) throw notFound();
      await this.#o.audit.record(tx, context, { action: "wallet.set_primary", outcome: "success", targetType: "wallet", targetId: walletId });
      const record = await tx.wallets.get(context.userId, walletId);
      if (!record) throw notFound();
      return toWalletView(record);
    });
  }

  /** See {@link WalletService.unlink}. */
  async unlink(ctx: RequestContext, options: WalletIdOptions): Promise<void> {
    const context = parseContext(ctx);
    const { walletId } = parseInput(walletIdInputSchema, options);
    const now = this.#o.clock.now();
    await this.#o.store.transaction(async (tx) => {
      const record = await tx.wallets.get(context.userId, walletId);
      if (!record || !(await tx.wallets.delete(context.userId, walletId))) throw notFound();
      await tx.snapshots.deleteBySource(context.userId, "wallet", record.id);
      if (record.isPrimary) {
        const [next] = await tx.wallets.listByUser(context.userId);
        if (next) await tx.wallets.setPrimary(context.userId, next.id, now);
      }
      await this.#o.audit.record(tx, context, {
        action: "wallet.unlink",
        outcome: "success",
        targetType: "wallet",
        targetId: record.id,
        details: { chainId: `${record.chainNamespace}:${record.chainReference}`, wasPrimary: record.isPrimary },
      });
    });
  }
}
