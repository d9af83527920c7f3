import type { Page, PageRequest } from "./common.js";

/** Who performed an audited act. */
export type AuditActorType = "user" | "operator" | "system" | "anonymous";
/** How an audited act ended. */
export type AuditOutcome = "success" | "failure" | "denied";

/**
 * One append-only audit event. Events of one chain (`chainKey`, a pseudonym of the subject
 * user) form a hash chain: `hash = H(prevHash, canonical(event))`, so an edit, deletion or
 * reorder is detected by `verifyAuditChain()`.
 *
 * Personal fields (`subjectUserId`, `actorId`, `ipHash`, `userAgent`) are covered by the chain
 * only through `personalDigest`, so erasure can null them and the chain still verifies.
 */
export interface AuditEventRecord {
  id: string;
  /** Pseudonymous chain id for the subject user (keyed hash of the user id). */
  chainKey: string;
  /** 1-based position in the chain. */
  seq: number;
  subjectUserId: string | null;
  actorType: AuditActorType;
  actorId: string | null;
  /** Dotted action name, e.g. `"credential.create"`. */
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: AuditOutcome;
  requestId: string | null;
  /** Keyed hash of the client IP, never the IP. */
  ipHash: string | null;
  userAgent: string | null;
  /** Redacted, non-secret details (reason codes, counts, field names). */
  details: Record<string, string | number | boolean | null>;
  /** Hash of the personal fields above, what the chain commits to. */
  personalDigest: string;
  occurredAt: Date;
  /** Hash of the previous event in the chain (64 zero hex digits for the first). */
  prevHash: string;
  /** This event's hash (hex SHA-256). */
  hash: string;
}

/** The head of a chain, what the next event links to. */
export interface AuditChainHead {
  seq: number;
  hash: string;
}

/** Filter for audit queries. */
export interface AuditQuery extends PageRequest {
  subjectUserId: string;
  action?: string | readonly string[] | undefined;
  outcome?: AuditOutcome | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
}

/** Append-only, hash-chained audit storage. */
export interface AuditLog {
  /**
   * Appends one event to chain `chainKey`. The store serialises appends per chain (row lock /
   * advisory lock), reads the current head, calls `build(head)` (`null` for an empty chain) and
   * inserts what it returns, all atomically: concurrent appends to one chain never fork it.
   * Appends to different chains do not block each other. Runs inside the caller's transaction
   * when called on a transaction's stores. `build` must be pure: a store may call it more than
   * once (each time with a fresher head) when a concurrent append wins; only the last result is
   * stored.
   */
  append(chainKey: string, build: (head: AuditChainHead | null) => AuditEventRecord): Promise<AuditEventRecord>;
  /** Events of a chain with `seq > afterSeq`, ascending, at most `limit`. */
  listChain(chainKey: string, afterSeq: number, limit: number): Promise<AuditEventRecord[]>;
  /** Events about a user matching `query`, newest first. */
  query(query: AuditQuery): Promise<Page<AuditEventRecord>>;
  /**
   * Erasure: nulls `subjectUserId`, `actorId` (where it equals the subject), `ipHash` and
   * `userAgent` on every event of chain `chainKey`; keeps `personalDigest`, hashes and the rest.
   * Returns how many events changed.
   */
  erasePersonalData(chainKey: string, subjectUserId: string): Promise<number>;
}
