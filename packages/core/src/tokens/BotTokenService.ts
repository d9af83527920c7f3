import { z } from "zod";
import type { AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import { WalletAuthError } from "../errors/index.js";
import type { BotTokenRecord, BotTokenScope } from "../ports/BotTokenStore.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import { type RandomSource, cryptoRandom } from "../ports/RandomSource.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import type { JsonObject } from "../ports/common.js";
import { tradePolicySchema } from "../policy/tradePolicySchema.js";
import { FailureReporter } from "../observe/FailureReporter.js";
import { idSchema, labelSchema } from "../validation/schemas.js";
import { parseContext, parseId, parseInput } from "../validation/parseInput.js";
import { type BotTokenKey, type BotTokenKeys, keyedTokenHash, tokenDigest } from "./botTokenKeys.js";

/** Every scope a bot token can carry. */
export const botTokenScopes: readonly BotTokenScope[] = ["credentials:read", "balances:read", "audit:read", "exchange:read", "exchange:trade"];

const DAY = 86_400_000;

/** Input of {@link BotTokenService.create}. */
export const createBotTokenInputSchema = z.strictObject({
  label: labelSchema,
  scopes: z.array(z.enum(botTokenScopes as [BotTokenScope, ...BotTokenScope[]])).min(1).max(botTokenScopes.length),
  /** Credentials the exchange scopes may use; required with an exchange scope. */
  credentialIds: z.array(idSchema).max(50).optional(),
  /** 1..365, default 90. */
  expiresInDays: z.number().int().min(1).max(365).optional(),
  /** The token's own trade policy, applied on top of its credentials' (it can only narrow them); stored with the token or not at all. */
  policy: tradePolicySchema.optional(),
});

/** Parsed input of {@link BotTokenService.create}. */
export type CreateBotTokenInput = z.input<typeof createBotTokenInputSchema>;

/** What callers see of a token: never the token or its hash. */
export interface BotTokenView {
  id: string;
  label: string;
  prefix: string;
  scopes: BotTokenScope[];
  credentialIds: string[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who a valid token acts for. */
export interface BotTokenPrincipal {
  userId: string;
  tokenId: string;
  scopes: BotTokenScope[];
  credentialIds: string[];
}

function toView(r: BotTokenRecord): BotTokenView {
  return {
    id: r.id,
    label: r.label,
    prefix: r.prefix,
    scopes: [...r.scopes],
    credentialIds: [...r.credentialIds],
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    lastUsedAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
  };
}

const TOKEN = /^wab_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/;
const HEX_DIGEST = /^[0-9a-f]{64}$/;

/** `true` when `value` has the shape of a bot token (so the HTTP layer can tell it from a session JWT). */
export function looksLikeBotToken(value: string): boolean {
  return value.startsWith("wab_");
}

/** Options of {@link BotTokenService}. */
export interface BotTokenServiceOptions {
  store: WalletAuthStore;
  audit: AuditTrail;
  clock?: Clock | undefined;
  random?: RandomSource | undefined;
  /**
   * The HMAC keys tokens are hashed with (server secrets, never in the database): see
   * `botTokenKeysFrom`. `createWalletAuth` passes `secrets.tokenKeys`.
   */
  keys: BotTokenKeys;
  /** How often a token's use is written (`lastUsedAt` and a `token.use` audit event). Default 60 s. */
  useThrottleMs?: number | undefined;
  /**
   * Where a failed `token.use` audit write is reported (it does not fail the request it audits).
   * Default: a {@link FailureReporter} logging to `console`.
   */
  failures?: FailureReporter | undefined;
}

/**
 * Bot access tokens: a signed-in user gives a bot on another machine scoped, expiring access to
 * the hosted API without handing it a session or any exchange secret. A token is
 * `wab_<8 visible chars>_<32 random bytes>`; it is returned once by `create` and stored only as
 * HMAC-SHA256(token key, SHA-256(token)) with the key's id (a 256-bit random token needs no slow
 * hash; the key, which is not in the database, is what stops a database write from minting a
 * token). A token found under an older key is rehashed under the primary on use; rows without a
 * key id (written before keyed hashes) are refused until {@link BotTokenService.rehashLegacy}
 * keys them. Creating and revoking are audited; use is audited at most once per `useThrottleMs`
 * per token, with `lastUsedAt`.
 */
export class BotTokenService {
  readonly #o: BotTokenServiceOptions;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #failures: FailureReporter;

  constructor(options: BotTokenServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? cryptoRandom;
    this.#failures = options.failures ?? new FailureReporter({ clock: this.#clock });
  }

  /**
   * Creates a token.
   * @returns the token (show it once; it cannot be read again) and its view.
   * @throws `INVALID_INPUT` (bad label, unknown scope, an exchange scope without credentials, expiry over a year)
   */
  async create(ctx: RequestContext, input: CreateBotTokenInput): Promise<{ token: string; view: BotTokenView }> {
    const context = parseContext(ctx);
    const parsed = parseInput(createBotTokenInputSchema, input);
    const scopes = [...new Set(parsed.scopes)].sort() as BotTokenScope[];
    const credentialIds = [...new Set(parsed.credentialIds ?? [])];
    const exchangeScope = scopes.some((s) => s.startsWith("exchange:"));
    if (exchangeScope !== credentialIds.length > 0) {
      throw new WalletAuthError("INVALID_INPUT", { reason: "bot-token-credentials", details: { fields: ["credentialIds"] } });
    }
    const now = this.#clock.now();
    const visible = Buffer.from(this.#random.bytes(5)).toString("hex").slice(0, 8);
    const token = `wab_${visible}_${Buffer.from(this.#random.bytes(32)).toString("base64url")}`;
    const record: BotTokenRecord = {
      id: this.#random.uuid(),
      userId: context.userId,
      label: parsed.label,
      prefix: `wab_${visible}`,
      hash: keyedTokenHash(this.#o.keys.primary, tokenDigest(token)),
      keyId: this.#o.keys.primary.id,
      scopes,
      credentialIds,
      createdAt: now,
      expiresAt: new Date(now.getTime() + (parsed.expiresInDays ?? 90) * DAY),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.#o.store.transaction(async (tx) => {
      await tx.users.ensure(context.userId, now);
      // The credentials must be the user's own: a foreign id is NOT_FOUND, as everywhere.
      for (const id of credentialIds) if ((await tx.credentials.get(context.userId, id)) === null) throw new WalletAuthError("NOT_FOUND");
      await tx.botTokens.insert(record);
      if (parsed.policy !== undefined) {
        await tx.tradePolicies.put({ userId: context.userId, subjectType: "token", subjectId: record.id, policy: parsed.policy as unknown as JsonObject, updatedAt: now }, 0);
      }
      await this.#o.audit.record(tx, context, {
        action: "token.create",
        outcome: "success",
        targetType: "bot_token",
        targetId: record.id,
        details: { scopes: scopes.join(" "), credentials: credentialIds.length, expiresInDays: parsed.expiresInDays ?? 90, policy: parsed.policy !== undefined },
      });
    });
    return { token, view: toView(record) };
  }

  /** The user's tokens, newest first. */
  async list(ctx: RequestContext): Promise<BotTokenView[]> {
    const context = parseContext(ctx);
    return (await this.#o.store.botTokens.listByUser(context.userId)).map(toView);
  }

  /**
   * Revokes a token at once (every replica refuses it on its next request: the store is checked on each use).
   * @throws `NOT_FOUND` when absent, another user's, or already revoked.
   */
  async revoke(ctx: RequestContext, id: string): Promise<BotTokenView> {
    const context = parseContext(ctx);
    const tokenId = parseId(id);
    return this.#o.store.transaction(async (tx) => {
      const revoked = await tx.botTokens.revoke(context.userId, tokenId, this.#clock.now());
      if (revoked === null) throw new WalletAuthError("NOT_FOUND");
      await this.#o.audit.record(tx, context, { action: "token.revoke", outcome: "success", targetType: "bot_token", targetId: tokenId });
      return toView(revoked);
    });
  }

  /**
   * Checks a presented token: it must exist, not be revoked and not be expired. Unknown,
   * revoked and expired tokens all throw the same error; for a known token the reason is
   * audited on its owner's chain (`token.use`, denied).
   *
   * @throws `UNAUTHENTICATED`
   */
  async authenticate(rawToken: string, meta: { ip?: string | undefined; requestId?: string | undefined; userAgent?: string | undefined } = {}): Promise<BotTokenPrincipal> {
    if (typeof rawToken !== "string" || !TOKEN.test(rawToken)) throw new WalletAuthError("UNAUTHENTICATED", { reason: "bot-token-malformed" });
    const record = await this.#find(rawToken);
    if (record === null) throw new WalletAuthError("UNAUTHENTICATED", { reason: "bot-token-unknown" });
    const now = this.#clock.now();
    const ctx: RequestContext = {
      userId: record.userId,
      actor: { type: "user", id: `token:${record.id}` },
      ...(meta.ip ? { ip: meta.ip } : {}),
      ...(meta.requestId ? { requestId: meta.requestId } : {}),
      ...(meta.userAgent ? { userAgent: meta.userAgent } : {}),
    };
    const refusal = record.revokedAt !== null ? "revoked" : record.expiresAt.getTime() <= now.getTime() ? "expired" : null;
    if (refusal !== null) {
      await this.#o.audit
        .recordNow(this.#o.store, ctx, { action: "token.use", outcome: "denied", targetType: "bot_token", targetId: record.id, details: { reason: refusal } })
        .catch((error: unknown) => this.#failures.report("token_use_audit", error));
      throw new WalletAuthError("UNAUTHENTICATED", { reason: `bot-token-${refusal}` });
    }
    const throttle = this.#o.useThrottleMs ?? 60_000;
    const notAfter = new Date(now.getTime() - throttle);
    // The row just read says whether the throttle lets this use be written: most requests of a busy
    // bot skip the second round trip. The UPDATE stays conditional, so replicas still write once.
    const due = record.lastUsedAt === null || record.lastUsedAt.getTime() < notAfter.getTime();
    if (due && (await this.#o.store.botTokens.touchLastUsed(record.id, now, notAfter))) {
      await this.#o.audit.recordNow(this.#o.store, ctx, { action: "token.use", outcome: "success", targetType: "bot_token", targetId: record.id }).catch((error: unknown) => this.#failures.report("token_use_audit", error));
    }
    return { userId: record.userId, tokenId: record.id, scopes: [...record.scopes], credentialIds: [...record.credentialIds] };
  }

  /**
   * The one-time step after upgrading from unkeyed hashes: every legacy row (`keyId` `null`,
   * hash = SHA-256 of the token) gets hash = HMAC(primary key, that digest), so its token works
   * again without anyone knowing it. Idempotent (conditional writes); safe beside running
   * replicas. Rows that appear later with no key id are NOT for this step: run it once, right
   * after the migration, because it keys whatever legacy rows it finds (a database writer's too).
   *
   * @returns how many rows were keyed.
   */
  async rehashLegacy(options: { batchSize?: number | undefined } = {}): Promise<{ rehashed: number }> {
    const batchSize = options.batchSize ?? 500;
    const { primary } = this.#o.keys;
    let rehashed = 0;
    for (;;) {
      const batch = await this.#o.store.botTokens.listUnkeyed(batchSize);
      let moved = 0;
      for (const row of batch) {
        if (!HEX_DIGEST.test(row.hash)) continue;
        const to = { hash: keyedTokenHash(primary, Buffer.from(row.hash, "hex")), keyId: primary.id };
        if (await this.#o.store.botTokens.rehash(row.id, { hash: row.hash, keyId: null }, to)) moved += 1;
      }
      rehashed += moved;
      // A batch that moved nothing (rows another replica took, or malformed ones) ends the loop.
      if (batch.length < batchSize || moved === 0) return { rehashed };
    }
  }

  /** How many legacy rows (no key id) wait for {@link BotTokenService.rehashLegacy}; counts up to `limit`. */
  async countLegacy(limit = 10_000): Promise<number> {
    return (await this.#o.store.botTokens.listUnkeyed(limit)).length;
  }

  /**
   * The token's row under the primary key, else under an older key (then rehashed under the
   * primary, conditionally, so a parallel use or a revocation is not undone). A row is accepted
   * only with the key id its hash was looked up under: never a legacy (`null`) one.
   */
  async #find(rawToken: string): Promise<BotTokenRecord | null> {
    const digest = tokenDigest(rawToken);
    const { primary, others } = this.#o.keys;
    for (const key of [primary, ...others]) {
      const hash = keyedTokenHash(key, digest);
      const record = await this.#o.store.botTokens.getByHash(hash);
      if (record === null || record.keyId !== key.id) continue;
      if (key !== primary) await this.#rehash(record, key, digest);
      return record;
    }
    return null;
  }

  async #rehash(record: BotTokenRecord, from: BotTokenKey, digest: Uint8Array): Promise<void> {
    const { primary } = this.#o.keys;
    // Best effort: the token was verified; a failed rehash is retried on the next use.
    await this.#o.store.botTokens
      .rehash(record.id, { hash: record.hash, keyId: from.id }, { hash: keyedTokenHash(primary, digest), keyId: primary.id })
      .catch(() => false);
  }
}
