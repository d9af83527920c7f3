import type { AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import type { ChainGateway } from "../ports/ChainGateway.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import { cryptoRandom, type RandomSource } from "../ports/RandomSource.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { durationMsSchema, parseInput } from "../validation/index.js";
import { WalletDirectory } from "./WalletDirectory.js";
import { type WalletChallengeResult, WalletLinkService } from "./WalletLinkService.js";
import { checkSiweSettings, type SiweSettings } from "./siweSettings.js";
import type { WalletChallengeOptions, WalletIdOptions, WalletLinkOptions, WalletUpdateOptions } from "./walletSchemas.js";
import type { WalletView } from "./WalletView.js";

export type { SiweSettings } from "./siweSettings.js";
export { userBindingResource, type WalletChallengeResult } from "./WalletLinkService.js";
export type { WalletChallengeOptions, WalletIdOptions, WalletLinkOptions, WalletUpdateOptions } from "./walletSchemas.js";

/** Options for {@link WalletService}. */
export interface WalletServiceOptions {
  /** Pass the store wrapped by `audit.track(store)` so alert listeners see committed events. */
  store: WalletAuthStore;
  audit: AuditTrail;
  /** Checked here (see `checkSiweSettings`): a bad or missing field fails construction, naming it. */
  siwe: SiweSettings;
  /** Needed for contract wallets (EIP-1271 / EIP-6492); plain accounts verify offline. */
  chains?: ChainGateway | undefined;
  clock?: Clock | undefined;
  random?: RandomSource | undefined;
  /** How long a challenge may be answered. Default 10 minutes, at most 1 day. */
  challengeTtlMs?: number | undefined;
  /** Tolerance for wallet/server clock differences. Default 60 seconds, at most 1 hour. */
  clockSkewMs?: number | undefined;
}

/**
 * Links wallets to users with Sign-In with Ethereum (EIP-4361) and manages them (list, label,
 * metadata, primary, unlink). A challenge is a single-use nonce bound to the user, the address,
 * the chain and an expiry; verification checks the message against the EIP-4361 grammar, the
 * challenge and the configuration, proves the signature (offline for plain accounts, through the
 * chain for contract wallets) and links the wallet together with its audit event. One address
 * belongs to one user; a user has exactly one primary wallet once they have any.
 *
 * Two parts with one face: {@link WalletLinkService} (challenge, verify, link) and
 * {@link WalletDirectory} (list, label, primary, unlink). Every method checks its arguments at
 * run time (`INVALID_INPUT` before any query).
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
  /** The SIWE half: challenge, verify, link. */
  readonly linking: WalletLinkService;
  /** The management half: list, label, primary, unlink. */
  readonly directory: WalletDirectory;

  /**
   * @throws WalletAuthError `INVALID_INPUT` naming the bad setting (`details.fields`, e.g. `["siwe.uri"]`).
   */
  constructor(options: WalletServiceOptions) {
    const siwe = checkSiweSettings(options.siwe);
    const clock = options.clock ?? systemClock;
    this.linking = new WalletLinkService({
      store: options.store,
      audit: options.audit,
      siwe,
      chains: options.chains,
      clock,
      random: options.random ?? cryptoRandom,
      challengeTtlMs: parseInput(durationMsSchema(24 * 60 * 60_000), options.challengeTtlMs ?? 10 * 60_000, "challengeTtlMs"),
      clockSkewMs: parseInput(durationMsSchema(60 * 60_000), options.clockSkewMs ?? 60_000, "clockSkewMs"),
    });
    this.directory = new WalletDirectory({ store: options.store, audit: options.audit, clock });
  }

  /**
   * Issues a challenge: stores a fresh nonce bound to the user, address, chain and expiry, and
   * returns the EIP-4361 message to sign (configured domain, URI and statement; the user binding
   * as a resource; the request id when the context has one that fits the grammar).
   *
   * @param ctx - The acting user.
   * @param options - Address and CAIP-2 chain id (must be allowed).
   * @returns The message, its nonce and expiry.
   * @throws WalletAuthError `INVALID_INPUT` for a bad context or a malformed address, `CHAIN_UNSUPPORTED` for a chain outside the allowlist.
   */
  challenge(ctx: RequestContext, options: WalletChallengeOptions): Promise<WalletChallengeResult> {
    return this.linking.challenge(ctx, options);
  }

  /**
   * Verifies a signed challenge and links the wallet. Checks the EIP-4361 grammar (RFC 3986 URIs,
   * statement characters, real calendar dates), domain, URI, version, chain allowlist, issued-at
   * age, expiry / not-before, user binding; consumes the nonce atomically (it must exist, belong
   * to this user and this address: a replay fails); proves the signature; then links the wallet
   * and writes its audit event in one transaction. The user's first wallet becomes primary, and
   * of concurrent first links exactly one does. Linking an address the user already holds
   * returns that wallet.
   *
   * Every refusal is the same error; the specific reason goes to the audit log only.
   *
   * @param ctx - The acting user.
   * @param options - The message exactly as signed, the signature, an optional label (shared label rule).
   * @returns The linked wallet.
   * @throws WalletAuthError `INVALID_INPUT` for a bad context, label or non-string field; `WALLET_VERIFICATION_FAILED` for every refusal; `AUDIT_UNAVAILABLE` / `STORE_UNAVAILABLE` when storage fails.
   */
  verifyAndLink(ctx: RequestContext, options: WalletLinkOptions): Promise<WalletView> {
    return this.linking.verifyAndLink(ctx, options);
  }

  /**
   * Deletes challenges that expired or were used (run it from a periodic job).
   *
   * @returns How many were deleted.
   */
  pruneChallenges(): Promise<number> {
    return this.linking.pruneChallenges();
  }

  /**
   * The user's wallets, primary first, then oldest first.
   *
   * @returns Wallet views (empty when none).
   * @throws WalletAuthError `INVALID_INPUT` for a bad context.
   */
  list(ctx: RequestContext): Promise<WalletView[]> {
    return this.directory.list(ctx);
  }

  /**
   * One of the user's wallets.
   *
   * @throws WalletAuthError `NOT_FOUND` when absent or another user's; `INVALID_INPUT` for a bad context or id.
   */
  get(ctx: RequestContext, options: WalletIdOptions): Promise<WalletView> {
    return this.directory.get(ctx, options);
  }

  /**
   * Changes a wallet's label and/or metadata (audited `"wallet.update"`).
   *
   * @throws WalletAuthError `NOT_FOUND`; `INVALID_INPUT` for a label breaking the shared label rule, metadata over 4 KiB or with unstorable strings.
   */
  update(ctx: RequestContext, options: WalletUpdateOptions): Promise<WalletView> {
    return this.directory.update(ctx, options);
  }

  /**
   * Makes a wallet the user's only primary wallet (audited `"wallet.set_primary"`).
   *
   * @throws WalletAuthError `NOT_FOUND` when absent or another user's; `INVALID_INPUT` for a bad context or id.
   */
  setPrimary(ctx: RequestContext, options: WalletIdOptions): Promise<WalletView> {
    return this.directory.setPrimary(ctx, options);
  }

  /**
   * Unlinks a wallet and drops its balance snapshots (audited `"wallet.unlink"`). When it was
   * primary, the oldest remaining wallet becomes primary.
   *
   * @throws WalletAuthError `NOT_FOUND` when absent or another user's; `INVALID_INPUT` for a bad context or id.
   */
  unlink(ctx: RequestContext, options: WalletIdOptions): Promise<void> {
    return this.directory.unlink(ctx, options);
  }
}
