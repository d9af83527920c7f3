import {
  createCredentialInputSchema,
  dateSchema,
  idSchema,
  labelSchema,
  updateCredentialInputSchema,
  walletChallengeInputSchema,
  walletLinkInputSchema,
} from "@wallet-auth/core";
import { type ErrorCode, errorCodes } from "@wallet-auth/core";
import { z } from "zod";

/**
 * The hosted API's contract: every request and response schema, registered by name (`meta.id`)
 * so the OpenAPI document and the validation come from the same objects. Request bodies reuse
 * core's own input schemas: the SDK and the API refuse exactly the same input.
 */

const isoDate = z.string().meta({ format: "date-time" });

/** Clerk's reverification error, which Clerk's frontend helpers (`useReverification`) act on. */
export const reverificationErrorSchema = z
  .strictObject({
    type: z.literal("forbidden"),
    reason: z.literal("reverification-error"),
    metadata: z.strictObject({
      reverification: z.strictObject({ level: z.enum(["first_factor", "second_factor", "multi_factor"]), afterMinutes: z.number().int() }),
    }),
  })
  .meta({ id: "ReverificationError", description: "A sensitive action on a session not verified recently enough: verify again and retry." });

export const errorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      requestId: z.string(),
      fields: z.array(z.string()).optional().meta({ description: "INVALID_INPUT only: the input fields that were refused (names, never values)." }),
      rule: z.string().optional().meta({ description: "POLICY_DENIED only: the trade-policy rule that refused the order (`symbol`, `side`, `order_type`, `notional_max`, `price_band`, `window`...)." }),
    }),
    clerk_error: reverificationErrorSchema.optional().meta({ description: "Only on the 403 of a step-up route for a session not verified recently enough." }),
  })
  .meta({ id: "ErrorBody", description: "Every error: a stable code, a generic message, the request id." });

export const idParams = z.strictObject({ id: idSchema });

export const permissionsSchema = z
  .strictObject({ read: z.boolean(), trade: z.boolean(), withdraw: z.boolean(), margin: z.boolean().optional(), futures: z.boolean().optional(), ipRestricted: z.boolean().optional() })
  .meta({ id: "CredentialPermissions" });

const tristate = z.union([z.boolean(), z.literal("unknown")]);
export const keyPermissionsSchema = z
  .strictObject({
    read: tristate,
    spotTrade: tristate,
    margin: tristate,
    futures: tristate,
    internalTransfer: tristate,
    withdraw: tristate,
    ipRestricted: tristate,
    allowedIps: z.array(z.string()).nullable(),
    expiresAt: isoDate.nullable(),
    account: z.enum(["master", "sub", "unknown"]),
  })
  .meta({ id: "KeyPermissions", description: "What the venue reports the key may do; `unknown` where it does not say." });

export const credentialSchema = z
  .strictObject({
    id: z.string(),
    exchange: z.string(),
    label: z.string(),
    status: z.enum(["active", "disabled", "invalid", "expired"]),
    keyHint: z.string().meta({ description: "Last 4 characters of the API key." }),
    permissions: permissionsSchema.nullable(),
    keyPermissions: keyPermissionsSchema.nullable(),
    permissionRiskAcceptedAt: isoDate.nullable().meta({ description: "When the owner accepted storing a key whose withdrawal permission is unknown." }),
    createdAt: isoDate,
    updatedAt: isoDate,
    lastUsedAt: isoDate.nullable(),
    lastValidatedAt: isoDate.nullable(),
    expiresAt: isoDate.nullable(),
  })
  .meta({ id: "Credential", description: "A stored exchange credential. Never carries the secret." });

export const createCredentialBody = createCredentialInputSchema.meta({ id: "CreateCredential" });
export const updateCredentialBody = updateCredentialInputSchema.meta({ id: "UpdateCredential" });

export const validateResultSchema = z
  .strictObject({ credential: credentialSchema, outcome: z.enum(["valid", "invalid", "unchanged"]), code: z.string().optional() })
  .meta({ id: "ValidateCredentialResult" });

export const balanceSchema = z
  .strictObject({ asset: z.string(), free: z.string(), locked: z.string(), total: z.string(), usdValue: z.string().nullable(), decimals: z.number().int().optional() })
  .meta({ id: "Balance", description: "Amounts are exact decimal strings." });

export const sourceSchema = z
  .union([z.strictObject({ type: z.literal("exchange"), credentialId: z.string() }), z.strictObject({ type: z.literal("wallet"), walletId: z.string() })])
  .meta({ id: "BalanceSource" });

export const balancesResultSchema = z
  .strictObject({ source: sourceSchema, balances: z.array(balanceSchema), totalUsd: z.string().nullable(), asOf: isoDate, fromCache: z.boolean() })
  .meta({ id: "Balances" });

export const allBalancesSchema = z
  .strictObject({
    sources: z.array(z.union([balancesResultSchema, z.strictObject({ source: sourceSchema, error: z.strictObject({ code: z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]), message: z.string() }) })])),
    totalUsd: z.string().nullable(),
  })
  .meta({ id: "AllBalances" });

const pageOf = <T extends z.ZodType>(item: T, id: string) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id });

export const snapshotSchema = z
  .strictObject({ asset: z.string(), free: z.string(), locked: z.string(), total: z.string(), usdValue: z.string().nullable(), takenAt: isoDate })
  .meta({ id: "BalanceSnapshot" });
export const snapshotPageSchema = pageOf(snapshotSchema, "BalanceSnapshotPage");

export const transactionSchema = z
  .strictObject({
    id: z.string(),
    userId: z.string(),
    sourceType: z.enum(["exchange", "wallet"]),
    sourceId: z.string(),
    externalId: z.string().meta({ description: "The upstream id (exchange id, or `txHash:logIndex`)." }),
    type: z.string(),
    asset: z.string(),
    amount: z.string().meta({ description: "Decimal string; negative for an outgoing transfer." }),
    fee: z.string().nullable(),
    feeAsset: z.string().nullable(),
    status: z.enum(["pending", "ok", "failed", "canceled"]),
    occurredAt: isoDate,
    txid: z.string().nullable(),
    info: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  })
  .meta({ id: "Transaction" });
export const transactionPageSchema = pageOf(transactionSchema, "TransactionPage");

export const walletSchema = z
  .strictObject({
    id: z.string(),
    address: z.string(),
    chainId: z.string().meta({ description: "CAIP-2, e.g. eip155:1" }),
    label: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    isPrimary: z.boolean(),
    verifiedAt: isoDate,
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: "Wallet" });

// Core's own schemas: the SDK and the API accept exactly the same wallet-link inputs.
export const challengeBody = walletChallengeInputSchema.meta({ id: "WalletChallengeRequest" });
export const challengeSchema = z.strictObject({ message: z.string(), nonce: z.string(), expiresAt: isoDate }).meta({ id: "WalletChallenge" });
export const linkBody = walletLinkInputSchema.meta({ id: "WalletLinkRequest" });
export const walletPatchBody = z
  .strictObject({ label: labelSchema.nullable().optional(), metadata: z.record(z.string(), z.unknown()).optional() })
  .meta({ id: "WalletUpdate" });

export const auditEventSchema = z
  .strictObject({
    id: z.string(),
    seq: z.number().int(),
    occurredAt: isoDate,
    action: z.string(),
    outcome: z.enum(["success", "failure", "denied"]),
    actorType: z.string(),
    actorId: z.string().nullable(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    requestId: z.string().nullable(),
    userAgent: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: "AuditEvent" });
export const auditPageSchema = pageOf(auditEventSchema, "AuditEventPage");

const action = z.string().max(64).regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/);
export const auditQuery = z.strictObject({
  action: action.optional(),
  outcome: z.enum(["success", "failure", "denied"]).optional(),
  from: dateSchema.optional(),
  to: dateSchema.optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export const auditExportQuery = z.strictObject({
  format: z.enum(["json", "ndjson", "csv"]).default("json"),
  action: action.optional(),
  outcome: z.enum(["success", "failure", "denied"]).optional(),
  from: dateSchema.optional(),
  to: dateSchema.optional(),
});
export const auditVerifySchema = z
  .strictObject({ ok: z.boolean(), count: z.number().int(), reason: z.string().optional(), brokenAtSeq: z.number().int().optional() })
  .meta({ id: "AuditVerifyResult", description: "`reason` and `brokenAtSeq` name the first broken link when `ok` is false." });

export const alertSchema = z
  .strictObject({
    id: z.string(),
    userId: z.string().nullable(),
    kind: z.string(),
    severity: z.string(),
    status: z.enum(["open", "acknowledged", "resolved"]),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    dedupeKey: z.string().nullable(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: "Alert" });
export const alertPageSchema = pageOf(alertSchema, "AlertPage");
export const alertQuery = z.strictObject({
  status: z.enum(["open", "acknowledged", "resolved"]).optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const pageQuery = z.strictObject({
  from: dateSchema.optional(),
  to: dateSchema.optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export const historyQuery = z.strictObject({
  source: z.string().max(160).regex(/^(exchange|wallet):[A-Za-z0-9_.:-]{1,128}$/),
  asset: z.string().max(32).regex(/^[A-Za-z0-9._-]+$/).optional(),
  from: dateSchema.optional(),
  to: dateSchema.optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export const refreshBody = z.strictObject({ source: z.string().max(160).regex(/^(exchange|wallet):[A-Za-z0-9_.:-]{1,128}$/).optional() });

export const meSchema = z
  .strictObject({ userId: z.string(), sessionId: z.string().nullable(), recentlyVerified: z.boolean(), admin: z.boolean(), csrfToken: z.string().nullable() })
  .meta({ id: "Me" });

export const eraseBody = z.strictObject({ confirm: z.literal("ERASE MY ACCOUNT") }).meta({ id: "EraseAccountRequest" });
const chainResultSchema = z.union([
  z.strictObject({ ok: z.literal(true), count: z.number().int(), head: z.strictObject({ seq: z.number().int(), hash: z.string() }).nullable() }),
  z.strictObject({ ok: z.literal(false), count: z.number().int(), brokenAt: z.strictObject({ seq: z.number().int(), eventId: z.string().optional(), reason: z.string() }) }),
]);
export const eraseResultSchema = z
  .strictObject({
    // A map, not a closed object: each kind of stored data is one entry, and kinds are added over time.
    deleted: z
      .record(z.string(), z.union([z.number().int(), z.boolean()]))
      .meta({ description: "Rows deleted per kind (`credentials`, `wallets`, `balanceSnapshots`, `transactions`, `nonces`, `alerts`, `botTokens`, ...); `user` is true when the user row went." }),
    auditEventsPseudonymised: z.number().int(),
    chain: chainResultSchema.meta({ description: "The user's audit chain, verified after erasure." }),
  })
  .meta({ id: "EraseAccountResult" });
const jsonObject = z.record(z.string(), z.unknown());
export const privacyExportSchema = z
  .strictObject({
    format: z.literal("wallet-auth-export/1"),
    exportedAt: isoDate,
    user: z.strictObject({ id: z.string(), metadata: jsonObject, createdAt: isoDate, updatedAt: isoDate }).nullable(),
    credentials: z.array(
      z.strictObject({
        id: z.string(),
        exchange: z.string(),
        label: z.string(),
        status: z.string(),
        keyHint: z.string(),
        permissions: permissionsSchema.nullable(),
        keyPermissions: keyPermissionsSchema.nullable(),
        permissionRiskAcceptedAt: isoDate.nullable(),
        expiresAt: isoDate.nullable(),
        lastUsedAt: isoDate.nullable(),
        lastValidatedAt: isoDate.nullable(),
        createdAt: isoDate,
        updatedAt: isoDate,
      }),
    ),
    wallets: z.array(
      z.strictObject({
        id: z.string(),
        userId: z.string(),
        chainNamespace: z.string(),
        chainReference: z.string(),
        address: z.string(),
        label: z.string().nullable(),
        metadata: jsonObject,
        isPrimary: z.boolean(),
        verifiedAt: isoDate,
        createdAt: isoDate,
        updatedAt: isoDate,
      }),
    ),
    balanceSnapshots: z.array(
      z.strictObject({
        id: z.string(),
        userId: z.string(),
        sourceType: z.enum(["exchange", "wallet"]),
        sourceId: z.string(),
        asset: z.string(),
        free: z.string(),
        locked: z.string(),
        total: z.string(),
        usdValue: z.string().nullable(),
        takenAt: isoDate,
      }),
    ),
    transactions: z.array(transactionSchema),
    auditEvents: z.array(auditEventSchema),
    alerts: z.array(alertSchema),
  })
  .meta({ id: "PrivacyExport", description: "Everything stored about the caller (GDPR Art. 15/20)." });

export const keysSchema = z
  .strictObject({
    primaryKeyId: z.string(),
    pending: z.number().int().meta({ description: "Records not yet on the primary key." }),
    keys: z.array(
      z.strictObject({
        keyId: z.string(),
        primary: z.boolean(),
        inRing: z.boolean(),
        records: z.number().int(),
        createdAt: isoDate.nullable(),
        ageDays: z.number().int().nullable(),
      }),
    ),
    lastJob: z
      .strictObject({
        id: z.string(),
        targetKeyId: z.string(),
        status: z.string(),
        processed: z.number().int(),
        failed: z.number().int(),
        lastErrorCode: z.string().nullable(),
        startedAt: isoDate,
        updatedAt: isoDate,
        completedAt: isoDate.nullable(),
      })
      .nullable(),
  })
  .meta({ id: "KeyStatus" });
export const rotationBody = z.strictObject({ batchSize: z.number().int().min(1).max(1000).optional() });
export const rotationSchema = z.strictObject({ jobId: z.string(), rewrapped: z.number().int(), failed: z.number().int(), remaining: z.number().int() }).meta({ id: "RotationRun" });

export const emptyBody = z.strictObject({});
export const emptyQuery = z.strictObject({});
