/**
 * A key renewal writes the credential compare-and-set against the status it read before the
 * exchange call: a disable that lands meanwhile is never undone. On the memory store, embedded
 * PGlite and (with DATABASE_URL) the real PostgreSQL server, where the parallel round is a real race.
 */
import { type ExchangeGateway, KeyRing, Redacted, createWalletAuth, isWalletAuthError } from "@wallet-auth/core";
import { beforeAll, describe, expect, it } from "vitest";
import { serviceStores } from "./test-support/sharedDatabases.js";

const stores = serviceStores();
const key = (b: number) => new Uint8Array(32).fill(b);
const code = (work: Promise<unknown>) => work.then(() => "ok", (e: unknown) => (isWalletAuthError(e) ? e.code : `uncoded ${String(e)}`));

/** An exchange that accepts every key; `validate` waits for `hold` when one is set. */
function gatedExchange() {
  const state: { hold: Promise<void> | null; entered: () => void; delayMs: () => number } = { hold: null, entered: () => undefined, delayMs: () => 0 };
  const gateway: ExchangeGateway = {
    describe: async (exchange) => ({ exchange, requiredFields: ["apiKey", "secret"], reportsPermissions: true }),
    validate: async () => {
      state.entered();
      if (state.hold) await state.hold;
      const ms = state.delayMs();
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      return { permissions: { read: true, trade: true, withdraw: false }, expiresAt: null };
    },
    fetchBalances: async () => [],
    fetchHistory: async () => [],
    proxy: () => Promise.reject(new Error("not here")),
  };
  return { gateway, state };
}

describe.each(stores)("credential renewal against a concurrent disable on %s", (_name, open) => {
  // PGlite starts in seconds, far longer on a loaded machine: outside any test's own time.
  beforeAll(() => open().then(() => undefined), 180_000);
  let n = 0;
  const make = async () => {
    const exchange = gatedExchange();
    const auth = createWalletAuth({
      store: await open(),
      keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
      secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
      exchanges: exchange.gateway,
      siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
    });
    return { auth, exchange };
  };
  const apiKey = () => `RENEWKEY${String(++n).padStart(24, "0")}`;

  it("a disable that lands while the new key is validated stays disabled: the renewal fails with CONFLICT and the old key stays", async () => {
    const { auth, exchange } = await make();
    const ctx = { userId: "user_renew_gate" };
    const oldKey = apiKey();
    const view = await auth.credentials.create(ctx, { exchange: "binance", label: "main", apiKey: oldKey, secret: "old-secret" });

    let release!: () => void;
    exchange.state.hold = new Promise((resolve) => (release = resolve));
    const entered = new Promise<void>((resolve) => (exchange.state.entered = resolve));
    const renewal = code(auth.credentials.update(ctx, view.id, { apiKey: apiKey(), secret: "new-secret" }));
    await entered;
    expect((await auth.credentials.disable(ctx, view.id)).status).toBe("disabled");
    release();

    expect(await renewal).toBe("CONFLICT");
    const after = await auth.credentials.get(ctx, view.id);
    expect(after).toMatchObject({ status: "disabled", keyHint: oldKey.slice(-4) });
    expect(await code(auth.credentials.use(ctx, view.id, () => "handed out"))).not.toBe("ok");
    await auth.shutdown();
  });

  it("renewing a disabled credential replaces the key and keeps it disabled", async () => {
    const { auth } = await make();
    const ctx = { userId: "user_renew_disabled" };
    const view = await auth.credentials.create(ctx, { exchange: "binance", label: "main", apiKey: apiKey(), secret: "old-secret" });
    await auth.credentials.disable(ctx, view.id);
    const next = apiKey();
    expect(await auth.credentials.update(ctx, view.id, { apiKey: next, secret: "new-secret" })).toMatchObject({ status: "disabled", keyHint: next.slice(-4) });
    await auth.shutdown();
  });

  it("parallel disable and renewal, 20 rounds: every credential ends disabled, and each renewal either landed first or failed with CONFLICT", async () => {
    const { auth, exchange } = await make();
    exchange.state.delayMs = () => Math.floor(Math.random() * 4);
    const outcomes: string[] = [];
    for (let round = 0; round < 20; round += 1) {
      const ctx = { userId: `user_renew_race_${round}` };
      const view = await auth.credentials.create(ctx, { exchange: "binance", label: "main", apiKey: apiKey(), secret: "old-secret" });
      const [renewed, disabled] = await Promise.all([code(auth.credentials.update(ctx, view.id, { apiKey: apiKey(), secret: "new-secret" })), code(auth.credentials.disable(ctx, view.id))]);
      expect(disabled).toBe("ok");
      expect(["ok", "CONFLICT"]).toContain(renewed);
      outcomes.push(renewed);
      expect((await auth.credentials.get(ctx, view.id)).status).toBe("disabled");
    }
    // The race was real: at least one disable landed inside a renewal.
    expect(outcomes).toContain("CONFLICT");
    await auth.shutdown();
  });
});
