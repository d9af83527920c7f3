/**
 * One date rule (1970-01-01T00:00:00.000Z .. 9999-12-31T23:59:59.999Z) for every date a caller
 * gives: on the memory store, embedded PGlite and (with DATABASE_URL) the real PostgreSQL server,
 * an out-of-range credential expiry is INVALID_INPUT naming `expiresAt` (it used to be accepted
 * on memory and INTERNAL, SQL state 22009, on PGlite), and nothing is written.
 */
import { KeyRing, Redacted, createWalletAuth, isWalletAuthError } from "@wallet-auth/core";
import { offlineExchanges } from "@wallet-auth/testing/scenarios";
import { beforeAll, describe, expect, it } from "vitest";
import { serviceStores } from "./test-support/sharedDatabases.js";

const stores = serviceStores();
const key = (b: number) => new Uint8Array(32).fill(b);

async function refusal(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
    return "resolved";
  } catch (error) {
    return isWalletAuthError(error) ? { code: error.code, fields: error.details?.["fields"] } : `uncoded ${String(error)}`;
  }
}

const OUT_OF_RANGE: [string, Date | string][] = [
  ["year -200000 (a Date)", new Date(Date.UTC(-200000, 0, 1))],
  ["year -200000 (a string)", "-200000-01-01T00:00:00.000Z"],
  ["year 275760", "+275760-09-13T00:00:00.000Z"],
  ["year 10000", new Date(Date.UTC(10000, 0, 1))],
  ["one millisecond before 1970", "1969-12-31T23:59:59.999Z"],
  ["not a date", "soon"],
];

describe.each(stores)("date inputs on %s", (_name, open) => {
  // PGlite starts in seconds, far longer on a loaded machine: outside any test's own time.
  beforeAll(() => open().then(() => undefined), 180_000);
  let n = 0;
  const make = async () => {
    const auth = createWalletAuth({
      store: await open(),
      keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
      secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
      exchanges: offlineExchanges,
      credentialPolicy: { validateOnCreate: false },
      siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
    });
    return auth;
  };
  const input = () => ({ exchange: "binance", label: "dated", apiKey: `DATEKEY${String(++n).padStart(24, "0")}`, secret: "date-secret" });

  it.each(OUT_OF_RANGE)("a credential expiresAt of %s is INVALID_INPUT naming expiresAt on create and update, and nothing is written", async (_label, expiresAt) => {
    const auth = await make();
    const ctx = { userId: "user_dates" };
    expect(await refusal(auth.credentials.create(ctx, { ...input(), expiresAt }))).toEqual({ code: "INVALID_INPUT", fields: ["expiresAt"] });
    expect(await auth.credentials.list(ctx)).toHaveLength(0);
    const view = await auth.credentials.create(ctx, input());
    expect(await refusal(auth.credentials.update(ctx, view.id, { expiresAt }))).toEqual({ code: "INVALID_INPUT", fields: ["expiresAt"] });
    expect((await auth.credentials.get(ctx, view.id)).expiresAt).toBeNull();
    await auth.credentials.delete(ctx, view.id);
    await auth.shutdown();
  });

  it("the last instant of 9999 is stored and read back exactly; history and audit filters refuse the same out-of-range dates", async () => {
    const auth = await make();
    const ctx = { userId: "user_dates_edge" };
    const last = "9999-12-31T23:59:59.999Z";
    const view = await auth.credentials.create(ctx, { ...input(), expiresAt: last });
    expect((await auth.credentials.get(ctx, view.id)).expiresAt?.toISOString()).toBe(last);
    const source = { type: "exchange" as const, credentialId: view.id };
    for (const [, date] of OUT_OF_RANGE) {
      expect(await refusal(auth.balances.history(ctx, { source, from: date as Date }))).toMatchObject({ code: "INVALID_INPUT" });
      expect(await refusal(auth.auditLog.query(ctx, { to: date as Date }))).toMatchObject({ code: "INVALID_INPUT" });
    }
    await auth.shutdown();
  });
});
