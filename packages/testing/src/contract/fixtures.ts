import { createHash, randomBytes, randomUUID } from "node:crypto";
import type {
  AuditChainHead,
  AuditEventRecord,
  BalanceSnapshotRecord,
  CredentialRecord,
  NonceRecord,
  SecurityAlertRecord,
  TransactionRecord,
  WalletRecord,
} from "@wallet-auth/core";

/** A fixed instant the fixtures count from, so ordering assertions are deterministic. */
export const T0 = new Date("2024-03-01T12:00:00.000Z");

/** `T0` plus `seconds`. */
export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

/** A fresh id. */
export function id(): string {
  return randomUUID();
}

/** A random hex string of `bytes` bytes. */
export function hex(bytes = 32): string {
  return randomBytes(bytes).toString("hex");
}

/** A credential for `userId` whose sealed secret is an opaque random blob. */
export function credential(userId: string, overrides: Partial<CredentialRecord> = {}): CredentialRecord {
  return {
    id: id(),
    userId,
    exchange: "binance",
    label: "Main account",
    status: "active",
    fingerprint: hex(),
    keyHint: "x7Qa",
    sealedSecret: randomBytes(96).toString("base64url"),
    keyId: "k1",
    formatVersion: 1,
    permissions: { read: true, trade: true, withdraw: false },
    keyPermissions: null,
    permissionRiskAcceptedAt: null,
    expiresAt: null,
    lastUsedAt: null,
    lastValidatedAt: at(0),
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

/** A random EIP-55-looking address (mixed case, 40 hex digits). */
export function address(): string {
  const h = hex(20);
  return `0x${[...h].map((c, i) => (i % 3 === 0 ? c.toUpperCase() : c)).join("")}`;
}

/** A wallet for `userId`. */
export function wallet(userId: string, overrides: Partial<WalletRecord> = {}): WalletRecord {
  return {
    id: id(),
    userId,
    chainNamespace: "eip155",
    chainReference: "1",
    address: address(),
    label: null,
    metadata: {},
    isPrimary: false,
    verifiedAt: at(0),
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

/** A SIWE nonce for `userId`, valid from `at(0)` to `at(300)`. */
export function nonce(userId: string, overrides: Partial<NonceRecord> = {}): NonceRecord {
  return {
    nonce: hex(12),
    userId,
    address: address(),
    chainId: "eip155:1",
    message: "example.com wants you to sign in with your Ethereum account",
    issuedAt: at(0),
    expiresAt: at(300),
    consumedAt: null,
    ...overrides,
  };
}

/** A balance snapshot for `userId`. */
export function snapshot(userId: string, overrides: Partial<BalanceSnapshotRecord> = {}): BalanceSnapshotRecord {
  return {
    id: id(),
    userId,
    sourceType: "exchange",
    sourceId: "src-1",
    asset: "BTC",
    free: "1.5",
    locked: "0.25",
    total: "1.75",
    usdValue: "105000.12",
    takenAt: at(0),
    ...overrides,
  };
}

/** A cached history entry for `userId`. */
export function transaction(userId: string, overrides: Partial<TransactionRecord> = {}): TransactionRecord {
  return {
    id: id(),
    userId,
    sourceType: "exchange",
    sourceId: "src-1",
    externalId: hex(8),
    type: "trade",
    asset: "BTC",
    amount: "-0.015",
    fee: "0.0001",
    feeAsset: "BNB",
    status: "ok",
    occurredAt: at(0),
    txid: null,
    info: { side: "sell", symbol: "BTC/USDT", price: 65000.5, maker: true, note: null },
    ...overrides,
  };
}

/** An alert for `userId`. */
export function alert(userId: string | null, overrides: Partial<SecurityAlertRecord> = {}): SecurityAlertRecord {
  return {
    id: id(),
    userId,
    kind: "auth.failed_burst",
    severity: "high",
    status: "open",
    details: { count: 12, windowSeconds: 60 },
    dedupeKey: "auth.failed_burst",
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

const GENESIS = "0".repeat(64);

/**
 * A builder for `AuditLog.append` that links to the head it is given, like the audit service
 * does (the hash here is a stand-in: the store only stores it).
 */
export function auditBuilder(
  chainKey: string,
  overrides: Partial<AuditEventRecord> = {},
): (head: AuditChainHead | null) => AuditEventRecord {
  return (head) => {
    const seq = (head?.seq ?? 0) + 1;
    const prevHash = head?.hash ?? GENESIS;
    const eventId = overrides.id ?? id();
    return {
      id: eventId,
      chainKey,
      seq,
      subjectUserId: "user_subject",
      actorType: "user",
      actorId: "user_subject",
      action: "credential.create",
      targetType: "credential",
      targetId: "cred-1",
      outcome: "success",
      requestId: "req-1",
      ipHash: hex(16),
      userAgent: "bot/1.0",
      details: { exchange: "binance" },
      personalDigest: hex(32),
      occurredAt: at(seq),
      ...overrides,
      prevHash,
      hash: createHash("sha256").update(`${prevHash}:${eventId}:${seq}`).digest("hex"),
    };
  };
}

/** Resolves with the error a promise rejects with (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to reject");
}

/** A promise plus its resolver, to line up concurrent transactions. */
export function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
