import type { AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import { isWalletAuthError, WalletAuthError } from "../errors/index.js";
import type { AuditOutcome } from "../ports/AuditLog.js";
import type { ChainGateway } from "../ports/ChainGateway.js";
import type { Clock } from "../ports/Clock.js";
import type { RandomSource } from "../ports/RandomSource.js";
import type { StoreRepositories, WalletAuthStore } from "../ports/UnitOfWork.js";
import type { WalletRecord } from "../ports/WalletStore.js";
import { parseContext, parseInput } from "../validation/index.js";
import { parseEip155ChainId } from "./caip2.js";
import { loadViem } from "./loadViem.js";
import { formatSiweText, matchesSiweRule } from "./siweGrammar.js";
import { generateSiweNonce } from "./siweNonce.js";
import type { SiweSettings } from "./siweSettings.js";
import { verificationFailed, type WalletVerificationReason } from "./verificationFailed.js";
import { checkSiweMessage, verifySiweSignature } from "./verifySiwe.js";
import { type WalletChallengeOptions, walletChallengeInputSchema, type WalletLinkOptions, walletLinkInputSchema } from "./walletSchemas.js";
import { toWalletView, type WalletView } from "./WalletView.js";

/** Result of {@link WalletLinkService.challenge}. */
export interface WalletChallengeResult {
  /** The EIP-4361 text the wallet must sign, unchanged. */
  message: string;
  nonce: string;
  expiresAt: Date;
}

/** Already-checked dependencies of {@link WalletLinkService} (the {@link WalletService} builds it). */
export interface WalletLinkServiceOptions {
  store: WalletAuthStore;
  audit: AuditTrail;
  /** Settings already passed through `checkSiweSettings`. */
  siwe: SiweSettings;
  chains: ChainGateway | undefined;
  clock: Clock;
  random: RandomSource;
  challengeTtlMs: number;
  clockSkewMs: number;
}

const DENIED: ReadonlySet<WalletVerificationReason> = new Set([
  "nonce_unknown",
  "nonce_address_mismatch",
  "nonce_chain_mismatch",
  "message_altered",
  "user_binding_missing",
  "address_owned_by_other_user",
]);

/** The resource that binds a challenge to the user it was issued to. */
export function userBindingResource(userId: string): string {
  return `urn:wallet-auth:user:${encodeURIComponent(userId)}`;
}

/**
 * The Sign-In with Ethereum half of the wallet service: issues single-use challenges, verifies
 * signed ones and links the wallet (exactly one primary per user, even under concurrent first
 * links). Use it through {@link WalletService}.
 */
export class WalletLinkService {
  readonly #o: WalletLinkServiceOptions;

  constructor(options: WalletLinkServiceOptions) {
    this.#o = options;
  }

  /** See {@link WalletService.challenge}. */
  async challenge(ctx: RequestContext, options: WalletChallengeOptions): Promise<WalletChallengeResult> {
    const context = parseContext(ctx);
    const input = parseInput(walletChallengeInputSchema, options);
    const { viem } = await loadViem();
    // EIP-55: a mixed-case address carries a checksum and must match it; a typo in one is caught here.
    const hex = input.address.slice(2);
    const unchecksummed = hex === hex.toLowerCase() || hex === hex.toUpperCase();
    if (!viem.isAddress(input.address, { strict: false }) || (!unchecksummed && viem.getAddress(input.address) !== input.address)) {
      throw new WalletAuthError("INVALID_INPUT", { reason: "address-checksum", details: { fields: ["address"] } });
    }
    const chain = parseEip155ChainId(input.chainId);
    if (!this.#o.siwe.chainIds.includes(input.chainId)) throw new WalletAuthError("CHAIN_UNSUPPORTED", { reason: "chain-not-allowed" });
    const address = viem.getAddress(input.address);
    const now = this.#o.clock.now();
    const expiresAt = new Date(now.getTime() + this.#o.challengeTtlMs);
    const nonce = generateSiweNonce(this.#o.random);
    const { requestId } = context;
    const message = formatSiweText({
      scheme: this.#o.siwe.scheme,
      domain: this.#o.siwe.domain,
      address,
      statement: this.#o.siwe.statement,
      uri: this.#o.siwe.uri,
      version: "1",
      chainId: String(chain.number),
      nonce,
      issuedAt: now.toISOString(),
      expirationTime: expiresAt.toISOString(),
      // A request id outside the grammar (`*pchar`) is left out rather than breaking the message.
      requestId: requestId !== undefined && requestId.length <= 128 && matchesSiweRule("segment-nz", requestId) ? requestId : undefined,
      resources: [userBindingResource(context.userId)],
    });
    await this.#o.store.users.ensure(context.userId, now);
    await this.#o.store.nonces.create({ nonce, userId: context.userId, address, chainId: input.chainId, message, issuedAt: now, expiresAt, consumedAt: null });
    return { message, nonce, expiresAt };
  }

  /** See {@link WalletService.verifyAndLink}. */
  async verifyAndLink(ctx: RequestContext, options: WalletLinkOptions): Promise<WalletView> {
    const context = parseContext(ctx);
    const input = parseInput(walletLinkInputSchema, options);
    try {
      return await this.#verifyAndLink(context, input.message, input.signature, input.label ?? null);
    } catch (error) {
      if (!isWalletAuthError(error, "WALLET_VERIFICATION_FAILED")) throw error;
      const reason = (error.reason ?? "unknown") as WalletVerificationReason;
      await this.#o.audit.recordNow(this.#o.store, context, {
        action: "wallet.link",
        outcome: (DENIED.has(reason) ? "denied" : "failure") satisfies AuditOutcome,
        details: { reason },
      });
      throw error;
    }
  }

  /** See {@link WalletService.pruneChallenges}. */
  async pruneChallenges(): Promise<number> {
    return this.#o.store.nonces.deleteExpired(this.#o.clock.now());
  }

  async #verifyAndLink(ctx: RequestContext, message: string, signature: string, label: string | null): Promise<WalletView> {
    const { siwe, store, audit } = this.#o;
    const now = this.#o.clock.now();
    const fields = await checkSiweMessage({
      message,
      expected: {
        domain: siwe.domain,
        uri: siwe.uri,
        scheme: siwe.scheme,
        chainIds: siwe.chainIds,
        time: now,
        maxIssuedAgeMs: this.#o.challengeTtlMs,
        clockSkewMs: this.#o.clockSkewMs,
        resources: [userBindingResource(ctx.userId)],
      },
    });
    // Consumed before the signature is checked: a nonce is worth one attempt, and a replayed
    // message never costs a chain call.
    const nonce = await store.nonces.consume(fields.nonce, ctx.userId, now);
    if (!nonce) throw verificationFailed("nonce_unknown");
    if (nonce.address.toLowerCase() !== fields.address.toLowerCase()) throw verificationFailed("nonce_address_mismatch");
    if (nonce.chainId !== fields.chainId) throw verificationFailed("nonce_chain_mismatch");
    if (nonce.message !== message) throw verificationFailed("message_altered");
    const method = await verifySiweSignature({ message, address: fields.address, chainId: fields.chainId, signature, chains: this.#o.chains });
    const chain = parseEip155ChainId(fields.chainId);
    return store.transaction(async (tx) => {
      const existing = await tx.wallets.findByAddress(chain.namespace, fields.address);
      if (existing && existing.userId !== ctx.userId) throw verificationFailed("address_owned_by_other_user");
      if (existing) {
        await audit.record(tx, ctx, {
          action: "wallet.link",
          outcome: "success",
          targetType: "wallet",
          targetId: existing.id,
          details: { chainId: fields.chainId, method, alreadyLinked: true },
        });
        return toWalletView(existing);
      }
      const record: WalletRecord = {
        id: this.#o.random.uuid(),
        userId: ctx.userId,
        chainNamespace: chain.namespace,
        chainReference: chain.reference,
        address: fields.address,
        label,
        metadata: {},
        isPrimary: !(await tx.wallets.listByUser(ctx.userId)).some((w) => w.isPrimary),
        verifiedAt: now,
        createdAt: now,
        updatedAt: now,
      };
      const inserted = await insertWallet(tx, record);
      await audit.record(tx, ctx, {
        action: "wallet.link",
        outcome: "success",
        targetType: "wallet",
        targetId: inserted.id,
        details: { chainId: fields.chainId, method },
      });
      return toWalletView(inserted);
    });
  }
}

/**
 * Inserts a wallet; when a concurrent first link took the primary flag in the meantime (the
 * store's one-primary rule), the wallet is linked as a secondary one instead.
 */
async function insertWallet(tx: StoreRepositories, record: WalletRecord): Promise<WalletRecord> {
  try {
    return await tx.wallets.insert(record);
  } catch (error) {
    if (record.isPrimary && isWalletAuthError(error, "CONFLICT") && error.reason === "wallet-primary-exists") {
      return insertWallet(tx, { ...record, isPrimary: false });
    }
    // Lost a race with another user's link of the same address.
    if (isWalletAuthError(error, "CONFLICT")) throw verificationFailed("address_owned_by_other_user", error);
    throw error;
  }
}
