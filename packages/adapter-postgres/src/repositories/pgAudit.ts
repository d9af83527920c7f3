import { type AuditChainHead, type AuditEventRecord, type AuditLog, WalletAuthError } from "@wallet-auth/core";
import { checkKeys } from "../internal/checkKeys.js";
import { type Db, type Row, query } from "../internal/Db.js";
import { date, json, jsonParam, num, str, strOrNull } from "../internal/mappers.js";
import { clampLimit, decodeCursor, encodeCursor } from "../internal/paging.js";
import type { AuditAppendBatcher } from "./AuditAppendBatcher.js";
import { AUDIT_COLUMNS as COLUMNS, insertEvent } from "./auditInsert.js";

const GENESIS_HASH = "0".repeat(64);
/** Lost compare-and-set rounds before giving up (each round some appender wins). */
const MAX_ATTEMPTS = 1000;

function toEvent(r: Row): AuditEventRecord {
  return {
    id: str(r.id),
    chainKey: str(r.chain_key),
    seq: num(r.seq),
    subjectUserId: strOrNull(r.subject_user_id),
    actorType: str(r.actor_type) as AuditEventRecord["actorType"],
    actorId: strOrNull(r.actor_id),
    action: str(r.action),
    targetType: strOrNull(r.target_type),
    targetId: strOrNull(r.target_id),
    outcome: str(r.outcome) as AuditEventRecord["outcome"],
    requestId: strOrNull(r.request_id),
    ipHash: strOrNull(r.ip_hash),
    userAgent: strOrNull(r.user_agent),
    details: json<AuditEventRecord["details"]>(r.details),
    personalDigest: str(r.personal_digest),
    occurredAt: date(r.occurred_at),
    prevHash: str(r.prev_hash),
    hash: str(r.hash),
  };
}

/** Heads this process wrote last, per chain: a guess that saves a read, never trusted. */
export class ChainHeadCache {
  readonly #heads = new Map<string, AuditChainHead>();
  constructor(private readonly capacity = 10_000) {}
  get(chainKey: string): AuditChainHead | undefined {
    return this.#heads.get(chainKey);
  }
  remember(chainKey: string, head: AuditChainHead): void {
    this.#heads.delete(chainKey);
    if (this.#heads.size >= this.capacity) {
      const oldest = this.#heads.keys().next();
      if (oldest.done !== true) this.#heads.delete(oldest.value);
    }
    this.#heads.set(chainKey, { ...head });
  }
}

/**
 * What a store's root repositories and its transactions share for appends: the head guesses,
 * the batcher, per-chain queues of this process's root appends, and which chains have an
 * event in a transaction that is still open.
 */
export class AuditAppendState {
  readonly heads = new ChainHeadCache();
  readonly #batcher: AuditAppendBatcher | null;
  readonly #tails = new Map<string, Promise<void>>();
  readonly #openTx = new Map<string, number>();

  constructor(batcher: AuditAppendBatcher | null) {
    this.#batcher = batcher;
  }

  /** Runs `fn` after every earlier root append of this process to `chainKey` has settled. */
  serialised<T>(chainKey: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(chainKey);
    const result = previous === undefined ? fn() : previous.then(fn);
    // Settles (never rejects) once `result` has, then forgets itself unless a later append queued behind it.
    const forget = (): void => {
      if (this.#tails.get(chainKey) === tail) this.#tails.delete(chainKey);
    };
    const tail: Promise<void> = result.then(forget, forget);
    this.#tails.set(chainKey, tail);
    return result;
  }

  /** Inserts a root append's event: batched, unless a local transaction holds its chain. */
  insert(db: Db, e: AuditEventRecord): Promise<boolean> {
    // An event of an open transaction on this chain makes the insert wait for its commit:
    // alone, so that wait holds up no other chain's events.
    if (this.#batcher === null || this.#openTx.has(e.chainKey)) return insertEvent(db, e);
    return this.#batcher.insert(e);
  }

  /** Marks `chainKey` as appended to by an open transaction (until {@link release}). */
  hold(chainKey: string): void {
    this.#openTx.set(chainKey, (this.#openTx.get(chainKey) ?? 0) + 1);
  }

  /** The transaction that held `chainKeys` has ended. */
  release(chainKeys: Iterable<string>): void {
    for (const chainKey of chainKeys) {
      const n = (this.#openTx.get(chainKey) ?? 1) - 1;
      if (n <= 0) this.#openTx.delete(chainKey);
      else this.#openTx.set(chainKey, n);
    }
  }
}

/** The event as stored: declared fields only, details as jsonb keeps them, own copies. */
function stored(e: AuditEventRecord): AuditEventRecord {
  return {
    id: e.id,
    chainKey: e.chainKey,
    seq: e.seq,
    subjectUserId: e.subjectUserId,
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    outcome: e.outcome,
    requestId: e.requestId,
    ipHash: e.ipHash,
    userAgent: e.userAgent,
    details: json<AuditEventRecord["details"]>(jsonParam(e.details)),
    personalDigest: e.personalDigest,
    occurredAt: date(e.occurredAt),
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/**
 * The PostgreSQL {@link AuditLog}: optimistic appends guarded by the unique (chain_key, seq).
 *
 * @param db - the pool, or a transaction.
 * @param state - shared by the store's root repositories and its transactions.
 * @param txChains - when `db` is a transaction: collects the chains it appends to, which the
 * store releases from `state` when the transaction ends.
 */
export function pgAudit(db: Db, state: AuditAppendState, txChains?: Set<string>): AuditLog {
  // Optimistic, no explicit transaction or lock. Take the head (the chain's last event), build,
  // then insert only if the event it links to, (seq - 1, prevHash), is there and no event
  // holds this seq yet (see insertEvent). Of two appenders claiming one seq exactly one lands,
  // so the chain never forks; the loser re-reads and rebuilds. Different chains touch
  // different index keys and never wait for each other. The head this process last wrote is
  // tried first without reading; the predecessor check makes a stale guess harmless.
  const appendWith = async (
    chainKey: string,
    build: (head: AuditChainHead | null) => AuditEventRecord,
    insert: (e: AuditEventRecord) => Promise<boolean>,
  ): Promise<AuditEventRecord> => {
    let guess = state.heads.get(chainKey);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let head: AuditChainHead | null;
      if (guess !== undefined) {
        head = guess;
        guess = undefined;
      } else {
        const { rows: found } = await query(
          db,
          `SELECT seq, hash FROM audit_events WHERE chain_key = ? ORDER BY seq DESC LIMIT 1`,
          [chainKey],
        );
        const headRow = found[0];
        head = headRow ? { seq: num(headRow.seq), hash: str(headRow.hash) } : null;
      }
      const e = build(head === null ? null : { ...head });
      if (e.chainKey !== chainKey || e.seq !== (head?.seq ?? 0) + 1 || e.prevHash !== (head?.hash ?? GENESIS_HASH)) {
        throw new WalletAuthError("INTERNAL", { reason: "audit-chain-mismatch" });
      }
      const event = stored(e);
      if (await insert(event)) {
        state.heads.remember(chainKey, { seq: event.seq, hash: event.hash });
        return stored(event);
      }
    }
    throw new WalletAuthError("AUDIT_UNAVAILABLE", { reason: "audit-append-contention" });
  };
  return {
    append(chainKey, build) {
      if (txChains !== undefined) {
        // Inside the caller's transaction: alone, on its connection. Until it ends, the
        // uncommitted event makes same-chain appenders wait on the unique index, then retry.
        if (!txChains.has(chainKey)) {
          txChains.add(chainKey);
          state.hold(chainKey);
        }
        return appendWith(chainKey, build, (e) => insertEvent(db, e));
      }
      // This process's own appends to one chain take turns (they would only lose races to
      // each other), and their events join other chains' in batched inserts.
      return state.serialised(chainKey, () => appendWith(chainKey, build, (e) => state.insert(db, e)));
    },
    async listChain(chainKey, afterSeq, limit) {
      checkKeys({ chainKey });
      const { rows } = await query(
        db,
        `SELECT ${COLUMNS} FROM audit_events WHERE chain_key = ? AND seq > ? ORDER BY seq LIMIT ?`,
        [chainKey, Math.trunc(afterSeq), Math.max(0, Math.trunc(limit))],
      );
      return rows.map(toEvent);
    },
    async query(q) {
      checkKeys({ subjectUserId: q.subjectUserId });
      const where = ["subject_user_id = ?"];
      const bindings: unknown[] = [q.subjectUserId];
      if (q.action !== undefined) {
        const actions = typeof q.action === "string" ? [q.action] : [...q.action];
        if (actions.length === 0) return { items: [], nextCursor: null };
        where.push(`action IN (${actions.map(() => "?").join(", ")})`);
        bindings.push(...actions);
      }
      if (q.outcome !== undefined) (where.push("outcome = ?"), bindings.push(q.outcome));
      if (q.from !== undefined) (where.push("occurred_at >= ?"), bindings.push(q.from));
      if (q.to !== undefined) (where.push("occurred_at < ?"), bindings.push(q.to));
      const after = decodeCursor(q.cursor, ["number", "number", "string"]);
      if (after) {
        where.push("(occurred_at, seq, id) < (?, ?, ?)");
        bindings.push(new Date(after[0] as number), after[1], after[2]);
      }
      const limit = clampLimit(q.limit);
      const { rows } = await query(
        db,
        `SELECT ${COLUMNS} FROM audit_events WHERE ${where.join(" AND ")}
         ORDER BY occurred_at DESC, seq DESC, id DESC LIMIT ?`,
        [...bindings, limit + 1],
      );
      const items = rows.slice(0, limit).map(toEvent);
      const last = items[items.length - 1];
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor([last.occurredAt.getTime(), last.seq, last.id]) : null,
      };
    },
    async erasePersonalData(chainKey, subjectUserId) {
      checkKeys({ chainKey, subjectUserId });
      const { rowCount } = await query(
        db,
        `UPDATE audit_events SET subject_user_id = NULL, ip_hash = NULL, user_agent = NULL,
           actor_id = CASE WHEN actor_id = ? THEN NULL ELSE actor_id END
         WHERE chain_key = ? AND (subject_user_id IS NOT NULL OR ip_hash IS NOT NULL OR user_agent IS NOT NULL OR actor_id = ?)`,
        [subjectUserId, chainKey, subjectUserId],
      );
      return rowCount;
    },
  };
}
