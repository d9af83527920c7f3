import { z } from "zod";
import type { RequestContext } from "../context/RequestContext.js";
import { WalletAuthError } from "../errors/index.js";
import type { AuditEventRecord, AuditOutcome, AuditQuery } from "../ports/AuditLog.js";
import type { Page } from "../ports/common.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { auditActionSchema, dateInputSchema, isStorableText, parseContext, parseInput } from "../validation/index.js";
import type { AuditTrail } from "./AuditTrail.js";
import { type AuditEventView, csvHeader, csvLine, toAuditEventView } from "./auditExportFormats.js";

/** Filters for {@link AuditService.query} and {@link AuditService.export}. */
export interface AuditFilters {
  action?: string | readonly string[] | undefined;
  outcome?: AuditOutcome | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
}

/** Input of {@link AuditService.query}. */
export interface AuditQueryOptions extends AuditFilters {
  cursor?: string | undefined;
  /** 1..1000, default 50. */
  limit?: number | undefined;
}

/** Export format. `ndjson` is one JSON object per line; `csv` is RFC 4180 with a header line. */
export type AuditExportFormat = "json" | "ndjson" | "csv";

/** Input of {@link AuditService.export}. */
export interface AuditExportOptions extends AuditFilters {
  format: AuditExportFormat;
}

/** A streamed export: iterate it for chunks, or call `text()` for the whole document. */
export interface AuditExportResult extends AsyncIterable<string> {
  contentType: string;
  fileName: string;
  /** Concatenates every chunk (fine for a user's own log; stream large ones). */
  text(): Promise<string>;
}

/** Options for {@link AuditService}. */
export interface AuditServiceOptions {
  store: WalletAuthStore;
  audit: AuditTrail;
  /** Events read per page while exporting. Default 500. */
  exportPageSize?: number | undefined;
}

/** A date filter: a `Date` or an ISO-8601 string PostgreSQL can store (never a number or `null`). */
const filterDate = dateInputSchema;

const filtersSchema = z.strictObject({
  action: z.union([auditActionSchema, z.array(auditActionSchema).min(1).max(50)]).optional(),
  outcome: z.enum(["success", "failure", "denied"]).optional(),
  from: filterDate.optional(),
  to: filterDate.optional(),
});

const pagingSchema = z.strictObject({
  cursor: z.string().min(1).max(512).refine(isStorableText).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

const formatSchema = z.strictObject({ format: z.enum(["json", "ndjson", "csv"]) });

function pick<T extends object>(value: T, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null) return value as never;
  return Object.fromEntries(Object.entries(value).filter(([k]) => keys.includes(k)));
}

function omit<T extends object>(value: T, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null) return value as never;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
}

const FORMATS: Record<AuditExportFormat, { contentType: string; ext: string }> = {
  json: { contentType: "application/json; charset=utf-8", ext: "json" },
  ndjson: { contentType: "application/x-ndjson; charset=utf-8", ext: "ndjson" },
  csv: { contentType: "text/csv; charset=utf-8", ext: "csv" },
};

/**
 * A user's own audit log: filtered, paged queries and exports (JSON, NDJSON, CSV). Every call
 * is scoped by `ctx.userId`; nobody reads another user's events through it.
 *
 * @example
 * ```ts
 * const service = new AuditService({ store, audit });
 * const page = await service.query({ userId: "user_1" }, { action: "credential.use", limit: 20 });
 * const csv = await (await service.export({ userId: "user_1" }, { format: "csv" })).text();
 * ```
 */
export class AuditService {
  readonly #store: WalletAuthStore;
  readonly #audit: AuditTrail;
  readonly #pageSize: number;

  constructor(options: AuditServiceOptions) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#pageSize = Math.max(1, Math.min(options.exportPageSize ?? 500, 1000));
  }

  /**
   * One page of the user's events, newest first.
   *
   * @returns `{ items, nextCursor }`.
   * @throws WalletAuthError `INVALID_INPUT` for a bad filter (unknown outcome, invalid date, `from >= to`).
   */
  async query(ctx: RequestContext, options: AuditQueryOptions = {}): Promise<Page<AuditEventView>> {
    // `undefined` means no options; `null` or any non-object is refused like a bad field.
    const paging = parseInput(pagingSchema, pick(options, ["cursor", "limit"]), "options");
    const filters = this.#filters(ctx, omit(options, ["cursor", "limit"]));
    const page = await this.#store.audit.query({ ...filters, cursor: paging.cursor, limit: paging.limit ?? 50 });
    return { items: page.items.map(toAuditEventView), nextCursor: page.nextCursor };
  }

  /**
   * Exports the user's events matching the filters, newest first. The export is itself audited
   * (`audit.export`) before the first chunk is produced.
   *
   * @returns A streamed document with its content type and a file name.
   * @throws WalletAuthError `INVALID_INPUT` for a bad filter or format, `AUDIT_UNAVAILABLE` when the export cannot be audited.
   */
  async export(ctx: RequestContext, options: AuditExportOptions): Promise<AuditExportResult> {
    const { format: name } = parseInput(formatSchema, pick(options, ["format"]), "options");
    const format = FORMATS[name];
    const query = this.#filters(ctx, omit(options, ["format"]));
    await this.#audit.recordNow(this.#store, ctx, {
      action: "audit.export",
      outcome: "success",
      details: { format: name },
    });
    const chunks = (): AsyncIterable<string> => this.#chunks(query, name);
    return {
      contentType: format.contentType,
      fileName: `audit-log.${format.ext}`,
      [Symbol.asyncIterator]: () => chunks()[Symbol.asyncIterator](),
      text: async () => {
        let out = "";
        for await (const chunk of chunks()) out += chunk;
        return out;
      },
    };
  }

  async *#events(query: Omit<AuditQuery, "cursor" | "limit">): AsyncGenerator<AuditEventRecord> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.#store.audit.query({ ...query, cursor, limit: this.#pageSize });
      yield* page.items;
      if (page.nextCursor === null) return;
      cursor = page.nextCursor;
    }
  }

  async *#chunks(query: Omit<AuditQuery, "cursor" | "limit">, format: AuditExportFormat): AsyncGenerator<string> {
    if (format === "csv") yield csvHeader();
    if (format === "json") yield "[";
    let first = true;
    for await (const event of this.#events(query)) {
      const view = toAuditEventView(event);
      if (format === "csv") yield csvLine(view);
      else if (format === "ndjson") yield `${JSON.stringify(view)}\n`;
      else yield `${first ? "\n" : ",\n"}${JSON.stringify(view)}`;
      first = false;
    }
    if (format === "json") yield first ? "]\n" : "\n]\n";
  }

  #filters(ctx: RequestContext, options: AuditFilters): Omit<AuditQuery, "cursor" | "limit"> {
    const { userId } = parseContext(ctx);
    const parsed = parseInput(filtersSchema, options, "options");
    if (parsed.from && parsed.to && parsed.from.getTime() >= parsed.to.getTime()) {
      throw new WalletAuthError("INVALID_INPUT", { reason: "audit-filter-invalid", details: { fields: ["options.to"] } });
    }
    return { subjectUserId: userId, action: parsed.action, outcome: parsed.outcome, from: parsed.from, to: parsed.to };
  }
}
