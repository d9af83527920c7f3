import type { AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import { isWalletAuthError, WalletAuthError } from "../errors/index.js";
import type { AuditOutcome } from "../ports/AuditLog.js";
import type { ChainGateway } from "../ports/ChainGateway.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { JsonObject } from "../ports/common.js";
import { cryptoRandom, type RandomSource } from "../ports/RandomSource.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { parseEip155ChainId } from "./caip2.js";
import { loadViem } from "./loadViem.js";
import { generateSiweNonce } from "./siweNonce.js";
import { verificationFailed, type WalletVerificationReason } from "./verificationFailed.js";
import { checkSiweMessage, verifySiweSignature } from "./verifySiwe.js";
import { checkMetadata, normaliseLabel } from "./walletInput.js";
import { toWalletView, type WalletView } from "./WalletView.js";

/** How this deployment presents Sign-In with Ethereum messages. */
export interface SiweSettings {
  /** RFC 3986 authority the user signs in to, e.g. `"app.example.com"`. */
  domain: string;
  /** The `URI:` line, e.g. `"https://app.example.com/wallets"`. */
  uri: string;
  /** Human text shown by the wallet (one line). */
  statement?: string | undefined;
  /** Scheme shown before the domain; omitted when absent. */
  scheme?: string | undefined;
  /** Allowed CAIP-2 chain ids, e.g. `["eip155:1", "eip155:8453"]`. */
  chainIds: readonly string[];
}

/** Options for {@link WalletService}. */
export interface WalletServiceOptions {
  /** Pass the store wrapped by `audit.track(store)` so alert listeners see committed events. */
  store: WalletAuthStore;
  audit: AuditTrail;
  siwe: SiweSettings;
  /** Needed for contract wallets (EIP-1271 / EIP-6492); plain accounts verify offline. */
  chains?: ChainGateway | undefined;
  clock?: Clock | undefined;
  random?: RandomSource | undefined;
  /** How long a challenge may be answered. Default 10 minutes. */
  challengeTtlMs?: number | undefined;
  /** Tolerance for wallet/server clock differences. Default 60 seconds. */
  clockSkewMs?: number | undefined;
}

/** Input of {@link WalletService.challenge}. */
export interface WalletChallengeOptions {
  /** The address to prove (any case; shown EIP-55 in the message). */
  address: string;
  /** CAIP-2 chain id, e.g. `"eip155:1"`. */
  chainId: string;
}

/** Result of {@link WalletService.challenge}. */
export interface WalletChallengeResult {
  /** The EIP-4361 text the wallet must sign, unchanged. */
  message: string;
  nonce: string;
  expiresAt: Date;
}

/** Input of {@link WalletService.verifyAndLink}. */
export interface WalletLinkOptions {
  message: string;
  signature: string;
  label?: string | undefined;
}

/** Input of {@link WalletService.update}. */
export interface WalletUpdateOptions {
  walletId: string;
  label?: string | null | undefined;
  metadata?: JsonObject | undefined;
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
 * Links wallets to users with Sign-In with Ethereum (EIP-4361) and manages them (list, label,
 * metadata, primary, unlink). A challenge is a single-use nonce bound to the user, the address,
 * the chain and an expiry; verification checks the message against it and the configuration,
 * proves the signature (offline for plain accounts, through the chain for contract wallets) and
 * links the wallet together with its audit event. One address belongs to one user.
 *
 * viem is loaded lazily on the first challenge or verification, so this class is on the main
 * entry without making `@wallet-auth/core` load viem.
 *
 * @example
 * ```ts
 * import { AuditTrail, Redacted, WalletService } from "@wallet-auth/core";
 * import { createMemoryStore } from "@wallet-auth/core/memory";
 * const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(1)) });
 * const wallets = new WalletService({
 *   store: audit.track(createMemoryStore()),
 *   audit,
 *   siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
 * });
 * const ctx = { userId: "user_1" };
 * const { message } = await wallets.challenge(ctx, { address, chainId: "eip155:1" });
 * const wallet = await wallets.verifyAndLink(ctx, { message, signature: await account.signMessage({ message }) });
 * ```
 */
export class WalletService {
  readonly #store: WalletAuthStore;
  readonly #audit: AuditTrail;
  readonly #siwe: SiweSettings;
  readonly #chains: ChainGateway | undefined;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #ttlMs: number;
  readonly #skewMs: number;

  constructor(options: WalletServiceOptions) {
    for (const id of options.siwe.chainIds) parseEip155ChainId(id);
    this.#store = options.store;
    this.#audit = options.audit;
    this.#siwe = { ...options.siwe, chainIds: [...options.siwe.chainIds] };
    this.#chains = options.chains;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? cryptoRandom;
    this.#ttlMs = options.challengeTtlMs ?? 10 * 60_000;
    this.#skewMs = options.clockSkewMs ?? 60_000;
  }

  /**
   * Issues a challenge: stores a fresh nonce bound to the user, address, chain and expiry, and
   * returns the EIP-4361 message to sign (configured domain, URI and statement; the user binding
   * as a resource; the request id when the context has one).
   *
   * @param ctx - The acting user.
   * @param options - Address and CAIP-2 chain id (must be allowed).
   * @returns The message, its nonce and expiry.
   * @throws WalletAuthError `INVALID_INPUT` for a malformed address, `CHAIN_UNSUPPORTED` for a chain outside the allowlist.
   */
  async challenge(ctx: RequestContext, options: WalletChallengeOptions): Promise<WalletChallengeResult> {
    const { viem, siwe } = await loadViem();
    if (typeof options.address !== "string" || !viem.isAddress(options.address, { strict: false })) {
      throw new WalletAuthError("INVALID_INPUT", { reason: "address-invalid", details: { field: "address" } });
    }
    const chain = parseEip155ChainId(options.chainId);
    if (!this.#siwe.chainIds.includes(options.chainId)) throw new WalletAuthError("CHAIN_UNSUPPORTED", { reason: "chain-not-allowed" });
    const address = viem.getAddress(options.address);
    const now = this.#clock.now();
    const expiresAt = new Date(now.getTime() + this.#ttlMs);
    const nonce = generateSiweNonce(this.#random);
    const message = siwe.createSiweMessage({
      domain: this.#siwe.domain,
      address,
      uri: this.#siwe.uri,
      version: "1",
      chainId: chain.number,
      nonce,
      issuedAt: now,
      expirationTime: expiresAt,
      resources: [userBindingResource(ctx.userId)],
      ...(this.#siwe.statement === undefined ? {} : { statement: this.#siwe.statement }),
      ...(this.#siwe.scheme === undefined ? {} : { scheme: this.#siwe.scheme }),
      ...(ctx.requestId === undefined || !/^[\x21-\x7e]{1,128}$/.test(ctx.requestId) ? {} : { requestId: ctx.requestId }),
    });
    await this.#store.users.ensure(ctx.userId, now);
    await this.#store.nonces.create({ nonce, userId: ctx.userId, address, chainId: options.chainId, message, issuedAt: now, expiresAt, consumedAt: null });
    return { message, nonce, expiresAt };
  }

  /**
   * Verifies a signed challenge and links the wallet. Checks domain, URI, version, chain
   * allowlist, issued-at age, expiry / not-before, user binding; consumes the nonce atomically
   * (it must exist, belong to this user and this address: a replay fails); proves the signature;
   * then links the wallet and writes its audit event in one transaction. The first wallet of a
   * user becomes primary. Linking an address the user already holds returns that wallet.
   *
   * Every refusal is the same error; the specific reason goes to the audit log only.
   *
   * @param ctx - The acting user.
   * @param options - The message exactly as signed, the signature, an optional label.
   * @returns The linked wallet.
   * @throws WalletAuthError `WALLET_VERIFICATION_FAILED` for every refusal; `AUDIT_UNAVAILABLE` / `STORE_UNAVAILABLE` when storage fails.
   */
  async verifyAndLink(ctx: RequestContext, options: WalletLinkOptions): Promise<WalletView> {
    const label = normaliseLabel(options.label);
    try {
      return await this.#verifyAndLink(ctx, options, label);
    } catch (error) {
      if (!isWalletAuthError(error, "WALLET_VERIFICATION_FAILED")) throw error;
      const reason = (error.reason ?? "unknown") as WalletVerificationReason;
      await this.#audit.recordNow(this.#store, ctx, {
        action: "wallet.link",
        outcome: (DENIED.has(reason) ? "denied" : "failure") satisfies AuditOutcome,
        details: { reason },
      });
      throw error;
    }
  }

  async #verifyAndLink(ctx: RequestContext, options: WalletLinkOptions, label: string | null): Promise<WalletView> {
    const now = this.#clock.now();
    const fields = await checkSiweMessage({
      message: options.message,
      expected: {
        domain: this.#siwe.domain,
        uri: this.#siwe.uri,
        scheme: this.#siwe.scheme,
        chainIds: this.#siwe.chainIds,
        time: now,
        maxIssuedAgeMs: this.#ttlMs,
        clockSkewMs: this.#skewMs,
        resources: [userBindingResource(ctx.userId)],
      },
    });
    // Consumed before the signature is checked: a nonce is worth one attempt, and a replayed
    // message never costs a chain call.
    const nonce = await this.#store.nonces.consume(fields.nonce, ctx.userId, now);
    if (!nonce) throw verificationFailed("nonce_unknown");
    if (nonce.address.toLowerCase() !== fields.address.toLowerCase()) throw verificationFailed("nonce_address_mismatch");
    if (nonce.chainId !== fields.chainId) throw verificationFailed("nonce_chain_mismatch");
    if (nonce.message !== options.message) throw verificationFailed("message_altered");
    const method = await verifySiweSignature({
      message: options.message,
      address: fields.address,
      chainId: fields.chainId,
      signature: options.signature,
      chains: this.#chains,
    });
    const chain = parseEip155ChainId(fields.chainId);
    return this.#store.transaction(async (tx) => {
      const existing = await tx.wallets.findByAddress(chain.namespace, fields.address);
      if (existing && existing.userId !== ctx.userId) throw verificationFailed("address_owned_by_other_user");
      if (existing) {
        await this.#audit.record(tx, ctx, {
          action: "wallet.link",
          outcome: "success",
          targetType: "wallet",
          targetId: existing.id,
          details: { chainId: fields.chainId, method, alreadyLinked: true },
        });
        return toWalletView(existing);
      }
      const isFirst = (await tx.wallets.listByUser(ctx.userId)).length === 0;
      let record;
      try {
        record = await tx.wallets.insert({
          id: this.#random.uuid(),
          userId: ctx.userId,
          chainNamespace: chain.namespace,
          chainReference: chain.reference,
          address: fields.address,
          label,
          metadata: {},
          isPrimary: isFirst,
          verifiedAt: now,
          createdAt: now,
          updatedAt: now,
        });
      } catch (error) {
        // Lost a race with another user's link of the same address.
        if (isWalletAuthError(error, "CONFLICT")) throw verificationFailed("address_owned_by_other_user", error);
        throw error;
      }
      await this.#audit.record(tx, ctx, {
        action: "wallet.link",
        outcome: "success",
        targetType: "wallet",
        targetId: record.id,
        details: { chainId: fields.chainId, method },
      });
      return toWalletView(record);
    });
  }

  /**
   * Deletes challenges that expired or were used (run it from a periodic job).
   *
   * @returns How many were deleted.
   */
  async pruneChallenges(): Promise<number> {
    return this.#store.nonces.deleteExpired(this.#clock.now());
  }

  /**
   * The user's wallets, primary first, then oldest first.
   *
   * @returns Wallet views (empty when none).
   */
  async list(ctx: RequestContext): Promise<WalletView[]> {
    return (await this.#store.wallets.listByUser(ctx.userId)).map(toWalletView);
  }

  /**
   * One of the user's wallets.
   *
   * @throws WalletAuthError `NOT_FOUND` when absent or another user's.
   */
  async get(ctx: RequestContext, options: { walletId: string }): Promise<WalletView> {
    const record = await this.#store.wallets.get(ctx.userId, options.walletId);
    if (!record) throw new WalletAuthError("NOT_FOUND", { reason: "wallet-not-found" });
    return toWalletView(record);
  }

  /**
   * Changes a wallet's label and/or metadata (audited `"wallet.update"`).
   *
   * @throws WalletAuthError `NOT_FOUND`; `INVALID_INPUT` for a label over 64 characters or metadata over 4 KiB.
   */
  async update(ctx: RequestContext, options: WalletUpdateOptions): Promise<WalletView> {
    const now = this.#clock.now();
    const patch: Parameters<WalletAuthStore["wallets"]["update"]>[2] = { updatedAt: now };
    if (options.label !== undefined) patch.label = normaliseLabel(options.label);
    if (options.metadata !== undefined) patch.metadata = checkMetadata(options.metadata);
    return this.#store.transaction(async (tx) => {
      const record = await tx.wallets.update(ctx.userId, options.walletId, patch);
      if (!record) throw new WalletAuthError("NOT_FOUND", { reason: "wallet-not-found" });
      await this.#audit.record(tx, ctx, {
        action: "wallet.update",
        outcome: "success",
        targetType: "wallet",
        targetId: record.id,
        details: { label: options.label !== undefined, metadata: options.metadata !== undefined },
      });
      return toWalletView(record);
    });
  }

  /**
   * Makes a wallet the user's only primary wallet (audited `"wallet.set_primary"`).
   *
   * @throws WalletAuthError `NOT_FOUND` when absent or another user's.
   */
  async setPrimary(ctx: RequestContext, options: { walletId: string }): Promise<WalletView> {
    const now = this.#clock.now();
    return this.#store.transaction(async (tx) => {
      if (!(await tx.wallets.setPrimary(ctx.userId, options.walletId, now))) throw new WalletAuthError("NOT_FOUND", { reason: "wallet-not-found" });
      await this.#audit.record(tx, ctx, { action: "wallet.set_primary", outcome: "success", targetType: "wallet", targetId: options.walletId });
      const record = await tx.wallets.get(ctx.userId, options.walletId);
      if (!record) throw new WalletAuthError("NOT_FOUND", { reason: "wallet-not-found" });
      return toWalletView(record);
    });
  }

  /**
   * Unlinks a wallet and drops its balance snapshots (audited `"wallet.unlink"`). When it was
   * primary, the oldest remaining wallet becomes primary.
   *
   * @throws WalletAuthError `NOT_FOUND` when absent or another user's.
   */
  async unlink(ctx: RequestContext, options: { walletId: string }): Promise<void> {
    const now = this.#clock.now();
    await this.#store.transaction(async (tx) => {
      const record = await tx.wallets.get(ctx.userId, options.walletId);
      if (!record || !(await tx.wallets.delete(ctx.userId, options.walletId))) {
        throw new WalletAuthError("NOT_FOUND", { reason: "wallet-not-found" });
      }
      await tx.snapshots.deleteBySource(ctx.userId, "wallet", record.id);
      if (record.isPrimary) {
        const [next] = await tx.wallets.listByUser(ctx.userId);
        if (next) await tx.wallets.setPrimary(ctx.userId, next.id, now);
      }
      await this.#audit.record(tx, ctx, {
        action: "wallet.unlink",
        outcome: "success",
        targetType: "wallet",
        targetId: record.id,
        details: { chainId: `${record.chainNamespace}:${record.chainReference}`, wasPrimary: record.isPrimary },
      });
    });
  }
}
