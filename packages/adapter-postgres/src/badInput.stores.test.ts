/**
 * Bad input through the public methods of the credential, audit, alert and balance services, on the memory
 * store, embedded PGlite and (with DATABASE_URL) the real PostgreSQL server: every call is
 * `INVALID_INPUT` (a coded error, never a `TypeError` or `INTERNAL` with a SQL state), and the
 * database is byte-for-byte unchanged afterwards.
 */
import { AlertService, AuditService, AuditTrail, BalanceService, CredentialService, Redacted, type WalletAuthStore, isWalletAuthError } from "@wallet-auth/core";
import { offlineExchanges, ring, testHashKey } from "@wallet-auth/testing/scenarios";
import { createMemoryStore } from "@wallet-auth/core/memory";
import { beforeAll, describe, expect, it } from "vitest";
import { createPostgresStore } from "./createPostgresStore.js";
import { createProbe, truncateAll } from "./test-support/probe.js";
import { sharedPglite, sharedServerSchema } from "./test-support/sharedDatabases.js";

interface Target {
  store: WalletAuthStore;
  dump(): Promise<string>;
}

const pglite = sharedPglite();
const server = sharedServerSchema();
const url = process.env.DATABASE_URL;

const stores: [string, () => Promise<Target>][] = [
  [
    "memory",
    async () => {
      const store = createMemoryStore();
      return { store, dump: async () => store.dump() };
    },
  ],
  [
    "PGlite",
    async () => {
      const { knex } = await pglite();
      await truncateAll(knex);
      return { store: createPostgresStore({ knex, kind: "pglite" }), dump: () => createProbe(knex).dumpAllText() };
    },
  ],
];
if (url) {
  stores.push([
    "PostgreSQL server",
    async () => {
      const { knex } = await server(url);
      await truncateAll(knex);
      return { store: createPostgresStore({ knex, kind: "postgres" }), dump: () => createProbe(knex).dumpAllText() };
    },
  ]);
}

const userId = "user_bad_input";
const ctx = { userId };

/** What the caller sees: the coded error's code, or the class name of anything uncoded. */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "resolved";
  } catch (error) {
    return isWalletAuthError(error) ? error.code : `uncoded ${(error as Error)?.constructor?.name}`;
  }
}

describe.each(stores)("bad input on %s", (_name, open) => {
  // Opening PGlite takes seconds: a hook (60 s budget), not the test's own time.
  let target: Target;
  beforeAll(async () => {
    target = await open();
  });

  it("every public audit, alert and balance method refuses bad ids, contexts, options, NUL bytes and out-of-range dates with INVALID_INPUT and writes nothing", async () => {
    const { store, dump } = target;
    const audit = new AuditTrail({ hashKey: testHashKey() });
    const auditLog = new AuditService({ store, audit });
    const alerts = new AlertService({ store, audit });
    const balances = new BalanceService({ store });

    // Rows a confused id could match: one event, one open alert, one wallet.
    const now = new Date();
    await store.users.ensure(userId, now);
    await audit.recordNow(store, ctx, { action: "credential.use", outcome: "success" });
    const { alert } = await alerts.raise({ userId, kind: "manual", severity: "low" });
    const walletId = "11111111-1111-4111-8111-111111111111";
    await store.wallets.insert({
      id: walletId,
      userId,
      address: "0x00000000000000000000000000000000000000B0",
      chainNamespace: "eip155",
      chainReference: "1",
      label: null,
      metadata: {},
      isPrimary: false,
      verifiedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    const before = await dump();

    const wallet = { type: "wallet" as const, walletId };
    const nul = "a\u0000b";
    const any = (value: unknown) => value as never;
    const calls: Record<string, () => Promise<unknown>> = {
      // contexts
      "audit.query(null ctx)": () => auditLog.query(any(null)),
      "audit.query(undefined ctx)": () => auditLog.query(any(undefined)),
      "audit.query(numeric userId)": () => auditLog.query(any({ userId: 7 })),
      "audit.query(empty userId)": () => auditLog.query(any({ userId: "" })),
      "audit.query(1 MB userId)": () => auditLog.query(any({ userId: "u".repeat(1 << 20) })),
      "audit.query(NUL userId)": () => auditLog.query({ userId: nul }),
      "alerts.list(null ctx)": () => alerts.list(any(null)),
      "balances.get(undefined ctx)": () => balances.get(any(undefined), { source: wallet }),
      "balances.invalidate(String ctx)": () => balances.invalidate(any(new String(userId)), { source: wallet }),
      "audit.recordNow(array userId)": () => audit.recordNow(store, any({ userId: [userId] }), { action: "credential.use", outcome: "success" }),
      // options
      "audit.query(null options)": () => auditLog.query(ctx, any(null)),
      "audit.export(undefined options)": () => auditLog.export(ctx, any(undefined)),
      "audit.export(unknown format)": () => auditLog.export(ctx, any({ format: "xml" })),
      "alerts.list(null options)": () => alerts.list(ctx, any(null)),
      "balances.get(null options)": () => balances.get(ctx, any(null)),
      "balances.history(undefined options)": () => balances.history(ctx, any(undefined)),
      "balances.transactions(unknown type)": () => balances.transactions(ctx, any({ source: wallet, type: "gift" })),
      // ids that are not strings, or carry NUL
      "alerts.acknowledge(array id)": () => alerts.acknowledge(ctx, any([alert.id])),
      "alerts.resolve(String id)": () => alerts.resolve(ctx, any(new String(alert.id))),
      "alerts.acknowledge(NUL id)": () => alerts.acknowledge(ctx, `${alert.id}\u0000`),
      "balances.get(array walletId)": () => balances.get(ctx, { source: any({ type: "wallet", walletId: [walletId] }) }),
      "balances.refresh(String walletId)": () => balances.refresh(ctx, { source: any({ type: "wallet", walletId: new String(walletId) }) }),
      "balances.history(NUL credentialId)": () => balances.history(ctx, { source: { type: "exchange", credentialId: nul } }),
      "balances.refreshIfOlderThan(array walletId)": () => balances.refreshIfOlderThan(ctx, any({ type: "wallet", walletId: [walletId] }), 0),
      // NUL in actions, kinds, details, cursors, assets
      "audit.recordNow(NUL action)": () => audit.recordNow(store, ctx, { action: `credential.use${nul}`, outcome: "success" }),
      "audit.query(NUL action filter)": () => auditLog.query(ctx, { action: nul }),
      "audit.query(NUL cursor)": () => auditLog.query(ctx, { cursor: nul }),
      "alerts.raise(NUL userId)": () => alerts.raise({ userId: nul, kind: "manual", severity: "low" }),
      "alerts.raise(NUL detail)": () => alerts.raise({ userId, kind: "manual", severity: "low", details: { note: nul } }),
      "alerts.raise(null input)": () => alerts.raise(any(null)),
      "alerts.list(NUL cursor)": () => alerts.list(ctx, { cursor: nul }),
      "balances.history(NUL asset)": () => balances.history(ctx, { source: wallet, asset: nul }),
      // out-of-range and invalid dates
      "audit.query(year 0 from)": () => auditLog.query(ctx, { from: new Date("0000-01-01T00:00:00Z") }),
      "audit.query(year 10000 to)": () => auditLog.query(ctx, { to: new Date("+010000-01-01T00:00:00Z") }),
      "audit.query(invalid date)": () => auditLog.query(ctx, { from: new Date(Number.NaN) }),
      "audit.query(numeric date)": () => auditLog.query(ctx, { from: any(0) }),
      "audit.export(year 10000 from)": () => auditLog.export(ctx, { format: "json", from: new Date("+010000-01-01T00:00:00Z") }),
      "balances.history(year 10000 to)": () => balances.history(ctx, { source: wallet, to: new Date("+010000-01-01T00:00:00Z") }),
      "balances.transactions(invalid from)": () => balances.transactions(ctx, { source: wallet, from: new Date(Number.NaN) }),
    };

    const results: Record<string, string> = {};
    for (const [name, call] of Object.entries(calls)) results[name] = await outcome(call);
    expect(results).toEqual(Object.fromEntries(Object.keys(calls).map((name) => [name, "INVALID_INPUT"])));

    // Nothing matched the seeded rows and nothing was written: the alert is still open.
    expect(await dump()).toBe(before);
    expect((await alerts.list(ctx, { status: "open" })).items.map((a) => a.id)).toEqual([alert.id]);
  });
});

describe.each(stores)("bad input to the credential service on %s", (_name, open) => {
  let target: Target;
  beforeAll(async () => {
    target = await open();
  });

  it("every public credential method refuses bad contexts, ids and inputs with INVALID_INPUT and writes nothing", async () => {
    const { store, dump } = target;
    const credentials = new CredentialService({
      store,
      keyRing: ring(),
      fingerprintKey: Redacted.make(new Uint8Array(32).fill(9)),
      exchanges: offlineExchanges,
      audit: new AuditTrail({ hashKey: testHashKey() }),
      policy: { validateOnCreate: false },
    });
    const view = await credentials.create(ctx, { exchange: "binance", label: "seeded", apiKey: "BADINPUTSEEDKEY0001", secret: "seeded-secret" });
    const before = await dump();
    const any = (value: unknown) => value as never;
    const good = { exchange: "binance", label: "x", apiKey: "BADINPUTKEY0002", secret: "s" };
    const calls: Record<string, () => Promise<unknown>> = {
      "list(null ctx)": () => credentials.list(any(null)),
      "list(undefined ctx)": () => credentials.list(any(undefined)),
      "get(numeric userId)": () => credentials.get(any({ userId: 7 }), view.id),
      "create(empty userId)": () => credentials.create(any({ userId: "" }), good),
      "create(1 MB userId)": () => credentials.create(any({ userId: "u".repeat(1 << 20) }), good),
      "create(null input)": () => credentials.create(ctx, any(null)),
      "create(misspelt field)": () => credentials.create(ctx, any({ ...good, lable: "x" })),
      "create(NUL label)": () => credentials.create(ctx, { ...good, label: "a\u0000b" }),
      "create(bidi label)": () => credentials.create(ctx, { ...good, label: "safe\u202Eexe.txt" }),
      "get(array id)": () => credentials.get(ctx, any([view.id])),
      "get(String id)": () => credentials.get(ctx, any(new String(view.id))),
      "disable(NUL id)": () => credentials.disable(ctx, `${view.id}\u0000`),
      "delete(array id)": () => credentials.delete(ctx, any([view.id])),
      "update(null input)": () => credentials.update(ctx, view.id, any(null)),
      "use(array id)": () => credentials.use(ctx, any([view.id]), () => "handed out"),
      "lease(String ctx)": () => credentials.lease(any(new String(userId)), view.id),
      "lease(NaN ttl)": () => credentials.lease(ctx, view.id, { ttlMs: Number.NaN }),
    };
    const results: Record<string, string> = {};
    for (const [name, call] of Object.entries(calls)) results[name] = await outcome(call);
    expect(results).toEqual(Object.fromEntries(Object.keys(calls).map((name) => [name, "INVALID_INPUT"])));
    // Nothing written, the seeded credential untouched (no audit row for a refused lease either).
    expect(await dump()).toBe(before);
    expect((await credentials.get(ctx, view.id)).status).toBe("active");
  });
});

describe("bad keys straight into the PostgreSQL store (PGlite)", () => {
  it("an array, a String object or a NUL in a key never matches a row and is INVALID_INPUT before any query", async () => {
    const { knex } = await pglite();
    await truncateAll(knex);
    const store = createPostgresStore({ knex, kind: "pglite" });
    const now = new Date();
    await store.users.ensure(userId, now);
    const { alert } = await new AlertService({ store, audit: new AuditTrail({ hashKey: testHashKey() }) }).raise({ userId, kind: "manual", severity: "low" });
    const before = await createProbe(knex).dumpAllText();
    const any = (value: unknown) => value as never;
    const calls: Record<string, () => Promise<unknown>> = {
      "alerts.setStatus(array id)": () => store.alerts.setStatus(userId, any([alert.id]), "resolved", now),
      "alerts.setStatus(String id)": () => store.alerts.setStatus(userId, any(new String(alert.id)), "resolved", now),
      "alerts.list(array userId)": () => store.alerts.list({ userId: any([userId]), limit: 10 }),
      "users.get(NUL id)": () => store.users.get(`${userId}\u0000`),
      "users.delete(String id)": () => store.users.delete(any(new String(userId))),
      "audit.query(array subject)": () => store.audit.query({ subjectUserId: any([userId]), limit: 10 }),
      "credentials.get(array id)": () => store.credentials.get(userId, any(["x"])),
      "snapshots.deleteByUser(NUL userId)": () => store.snapshots.deleteByUser(`a\u0000`),
    };
    const results: Record<string, string> = {};
    for (const [name, call] of Object.entries(calls)) results[name] = await outcome(call);
    expect(results).toEqual(Object.fromEntries(Object.keys(calls).map((name) => [name, "INVALID_INPUT"])));
    expect(await createProbe(knex).dumpAllText()).toBe(before);
  });
});
