import {
  createCredentialInputSchema,
  dateSchema,
  idSchema,
  labelSchema,
  updateCredentialInputSchema,
  walletChallengeInputSchema,
  walletLinkInputSchema,
} from "@wallet-auth/core";
import { z } from "zod";

/**
 * The hosted API's contract: every request and response schema, registered by name (`meta.id`)
 * so the OpenAPI document and the validation come from the same objects. Request bodies reuse
 * core's own input schemas: the SDK and the API refuse exactly the same input.
 */

const isoDate = z.string().meta({ format: "date-time" });

export const errorBodySchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), requestId: z.string() }) })
  .meta({ id: "ErrorBody", description: "Every error: a stable code, a generic message, the request id." });

export const idParams = z.strictObject({ id: idSchema });

export const permissionsSchema = z
  .object({ read: z.boolean(), trade: z.boolean(), withdraw: z.boolean(), margin: z.boolean().optional(), futures: z.boolean().optional(), ipRestricted: z.boolean().optional() })
  .meta({ id: "CredentialPermissions" });

export const credentialSchema = z
  .object({
    id: z.string(),
    exchange: z.string(),
    label: z.string(),
    status: z.enum(["active", "disabled", "invalid", "expired"]),
    keyHint: z.string().meta({ description: "Last 4 characters of the API key." }),
    permissions: permissionsSchema.nullable(),
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
  .object({ credential: credentialSchema, outcome: z.enum(["valid", "invalid", "unchanged"]), code: z.string().optional() })
  .meta({ id: "ValidateCredentialResult" });

export const balanceSchema = z
  .object({ asset: z.string(), free: z.string(), locked: z.string(), total: z.string(), usdValue: z.string().nullable(), decimals: z.number().int().optional() })
  .meta({ id: "Balance", description: "Amounts are exact decimal strings." });

export const sourceSchema = z
  .union([z.object({ type: z.literal("exchange"), credentialId: z.string() }), z.object({ type: z.literal("wallet"), walletId: z.string() })])
  .meta({ id: "BalanceSource" });

export const balancesResultSchema = z
  .object({ source: sourceSchema, balances: z.array(balanceSchema), totalUsd: z.string().nullable(), asOf: isoDate, fromCache: z.boolean() })
  .meta({ id: "Balances" });

export const allBalancesSchema = z
  .object({
    sources: z.array(z.union([balancesResultSchema, z.object({ source: sourceSchema, error: z.object({ code: z.string(), message: z.string() }) })])),
    totalUsd: z.string().nullable(),
  })
  .meta({ id: "AllBalances" });

const pageOf = <T extends z.ZodType>(item: T, id: string) => z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id });

export const snapshotSchema = z
  .object({ asset: z.string(), free: z.string(), locked: z.string(), total: z.string(), usdValue: z.string().nullable(), takenAt: isoDate })
  .loose()
  .meta({ id: "BalanceSnapshot" });
export const snapshotPageSchema = pageOf(snapshotSchema, "BalanceSnapshotPage");

export const transactionSchema = z.object({ id: z.string(), type: z.string(), asset: z.string(), amount: z.string(), occurredAt: isoDate }).loose().meta({ id: "Transaction" });
export const transactionPageSchema = pageOf(transactionSchema, "TransactionPage");

export const walletSchema = z
  .object({
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
export const challengeSchema = z.object({ message: z.string(), nonce: z.string(), expiresAt: isoDate }).loose().meta({ id: "WalletChallenge" });
export const linkBody = walletLinkInputSchema.meta({ id: "WalletLinkRequest" });
export const walletPatchBody = z
  .strictObject({ label: labelSchema.nullable().optional(), metadata: z.record(z.string(), z.unknown()).optional() })
  .meta({ id: "WalletUpdate" });

export const auditEventSchema = z
  .object({
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
export const auditVerifySchema = z.object({ ok: z.boolean(), count: z.number().int().optional(), reason: z.string().optional() }).loose().meta({ id: "AuditVerifyResult" });

export const alertSchema = z
  .object({ id: z.string(), kind: z.string(), severity: z.string(), status: z.string(), createdAt: isoDate })
  .loose()
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
  .object({ userId: z.string(), sessionId: z.string().nullable(), recentlyVerified: z.boolean(), admin: z.boolean(), csrfToken: z.string().nullable() })
  .meta({ id: "Me" });

export const eraseBody = z.strictObject({ confirm: z.literal("ERASE MY ACCOUNT") }).meta({ id: "EraseAccountRequest" });
export const eraseResultSchema = z.object({ deleted: z.record(z.string(), z.union([z.number(), z.boolean()])) }).loose().meta({ id: "EraseAccountResult" });
export const privacyExportSchema = z.record(z.string(), z.unknown()).meta({ id: "PrivacyExport" });

export const keysSchema = z
  .object({
    primaryKeyId: z.string(),
    pending: z.number().int(),
    keys: z.array(z.object({ keyId: z.string(), primary: z.boolean(), records: z.number().int() }).loose()),
  })
  .loose()
  .meta({ id: "KeyStatus" });
export const rotationBody = z.strictObject({ batchSize: z.number().int().min(1).max(1000).optional() });
export const rotationSchema = z.object({ jobId: z.string(), rewrapped: z.number().int(), failed: z.number().int(), remaining: z.number().int() }).loose().meta({ id: "RotationRun" });

export const emptyBody = z.strictObject({});
export const emptyQuery = z.strictObject({});
