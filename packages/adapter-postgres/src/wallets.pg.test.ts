/**
 * The wallet service's regression scenarios on the memory store, embedded PostgreSQL (PGlite)
 * and, when DATABASE_URL is set, a real server. The primary-wallet race runs on the real server
 * only: the memory store and PGlite serialise everything, so they cannot show it.
 */
import { AuditTrail, isWalletAuthError, Redacted, type WalletAuthStore, WalletService } from "@wallet-auth/core";
import { createMemoryStore } from "@wallet-auth/core/memory";
import { keccak256, stringToHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, it } from "vitest";
import { createPostgresStore } from "./createPostgresStore.js";
import { sharedPglite, sharedServerSchema } from "./test-support/sharedDatabases.js";

const pglite = sharedPglite();
const server = sharedServerSchema();
const account = (name: string) => privateKeyToAccount(keccak256(stringToHex(`wallet pg test ${name}`)));
const siwe = { domain: "app.example.com", uri: "https://app.example.com/wallets", statement: "Link this wallet.", chainIds: ["eip155:1"] };

function service(store: WalletAuthStore): { wallets: WalletService; store: WalletAuthStore } {
  const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(7)) });
  const tracked = audit.track(store);
  return { wallets: new WalletService({ store: tracked, audit, siwe }), store: tracked };
}

async function link(wallets: WalletService, userId: string, name: string) {
  const signer = account(name);
  const { message } = await wallets.challenge({ userId }, { address: signer.address, chainId: "eip155:1" });
  return { message, signature: await signer.signMessage({ message }) };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isWalletAuthError(error) ? error.code : `not coded: ${String(error)}`;
}

function walletScenarios(open: () => Promise<WalletAuthStore>) {
  let wallets: WalletService;
  let store: WalletAuthStore;
  beforeAll(async () => {
    ({ wallets, store } = service(await open()));
  });

  it("makes the first wallet primary, keeps one primary through set-primary and unlink", async () => {
    const userId = `user_primary_${Math.random().toString(36).slice(2)}`;
    const first = await wallets.verifyAndLink({ userId }, await link(wallets, userId, `${userId}-a`));
    const second = await wallets.verifyAndLink({ userId }, await link(wallets, userId, `${userId}-b`));
    expect([first.isPrimary, second.isPrimary]).toEqual([true, false]);
    await wallets.setPrimary({ userId }, { walletId: second.id });
    expect((await wallets.list({ userId })).map((w) => [w.id, w.isPrimary])).toEqual([
      [second.id, true],
      [first.id, false],
    ]);
    await wallets.unlink({ userId }, { walletId: second.id });
    expect((await wallets.list({ userId })).map((w) => [w.id, w.isPrimary])).toEqual([[first.id, true]]);
  });

  it("refuses bad contexts, ids, labels and metadata with INVALID_INPUT and writes nothing", async () => {
    const userId = `user_input_${Math.random().toString(36).slice(2)}`;
    const wallet = await wallets.verifyAndLink({ userId }, { ...(await link(wallets, userId, `${userId}-a`)), label: "Main" });
    const ctx = { userId };
    const before = JSON.stringify(await wallets.list(ctx));
    const auditBefore = (await store.audit.query({ subjectUserId: userId })).items.length;
    const proof = await link(wallets, userId, `${userId}-b`);
    // No await inside the list: every call gets its handler in the same tick.
    const bad: Promise<unknown>[] = [
      wallets.list(null as never),
      wallets.list({ userId: "" }),
      wallets.list({ userId: 42 } as never),
      wallets.list({ userId: "u".repeat(1 << 20) }),
      wallets.get(ctx, { walletId: [wallet.id] as never }),
      wallets.get(ctx, { walletId: new String(wallet.id) as never }),
      wallets.get(ctx, null as never),
      wallets.get(ctx, { walletId: `${wallet.id}\u0000` }),
      wallets.update(ctx, { walletId: wallet.id, label: "evil\u202Etxt.exe" }),
      wallets.update(ctx, { walletId: wallet.id, label: "a\u0000b" }),
      wallets.update(ctx, { walletId: wallet.id, label: "\ud800" }),
      wallets.update(ctx, { walletId: wallet.id, label: "x".repeat(101) }),
      wallets.update(ctx, { walletId: wallet.id, metadata: { note: "nul\u0000byte" } }),
      wallets.update(ctx, { walletId: wallet.id, metadata: { ["k\u0000"]: 1 } }),
      wallets.update(ctx, { walletId: wallet.id, metadata: { lone: "\udc00" } }),
      wallets.update(ctx, { walletId: wallet.id, metadata: { big: "x".repeat(5000) } }),
      wallets.update(ctx, { walletId: wallet.id, metadata: [] as never }),
      wallets.update(ctx, { walletId: wallet.id, nickname: "typo" } as never),
      wallets.setPrimary(ctx, { walletId: 5 as never }),
      wallets.unlink(ctx, undefined as never),
      wallets.unlink({ userId: "u\u0000" }, { walletId: wallet.id }),
      wallets.challenge(ctx, null as never),
      wallets.challenge({ userId: "" }, { address: account("x").address, chainId: "eip155:1" }),
      wallets.verifyAndLink(ctx, { message: 5, signature: "0x" } as never),
      wallets.verifyAndLink(ctx, { ...proof, label: "bad\u202E" }),
    ];
    const codes = await Promise.all(bad.map(codeOf));
    expect(codes).toEqual(bad.map(() => "INVALID_INPUT"));
    expect(JSON.stringify(await wallets.list(ctx))).toBe(before);
    expect((await store.audit.query({ subjectUserId: userId })).items.length).toBe(auditBefore);
  });

  it("stores labels and metadata that pass the shared rules", async () => {
    const userId = `user_label_${Math.random().toString(36).slice(2)}`;
    const wallet = await wallets.verifyAndLink({ userId }, await link(wallets, userId, `${userId}-a`));
    const updated = await wallets.update({ userId }, { walletId: wallet.id, label: "  Cold storage ✓  ", metadata: { note: "ünïcode 😀", n: 1, nested: { ok: true } } });
    expect(updated).toMatchObject({ label: "Cold storage ✓", metadata: { note: "ünïcode 😀", n: 1, nested: { ok: true } } });
    expect((await wallets.update({ userId }, { walletId: wallet.id, label: null })).label).toBeNull();
  });
}

describe("wallet service on the memory store", () => {
  walletScenarios(async () => createMemoryStore());
});

describe("wallet service on PGlite", () => {
  walletScenarios(async () => createPostgresStore({ knex: (await pglite()).knex }));
});

const url = process.env.DATABASE_URL;
describe.skipIf(url === undefined)("wallet service on the PostgreSQL server (DATABASE_URL)", () => {
  walletScenarios(async () => createPostgresStore({ knex: (await server(url as string)).knex }));

  describe("concurrent first links", () => {
    let wallets: WalletService;
    beforeAll(async () => {
      ({ wallets } = service(createPostgresStore({ knex: (await server(url as string)).knex })));
    });

    it("leaves exactly one primary wallet per user when 20 first links race, 20 rounds", async () => {
      const primaries: number[] = [];
      for (let round = 0; round < 20; round++) {
        const userId = `user_race_${round}_${Math.random().toString(36).slice(2)}`;
        const proofs = [];
        for (let i = 0; i < 20; i++) proofs.push(await link(wallets, userId, `${userId}-${i}`));
        const linked = await Promise.all(proofs.map((proof) => wallets.verifyAndLink({ userId }, proof)));
        expect(linked).toHaveLength(20);
        const listed = await wallets.list({ userId });
        expect(listed).toHaveLength(20);
        primaries.push(listed.filter((w) => w.isPrimary).length);
        expect(linked.filter((w) => w.isPrimary)).toHaveLength(1);
      }
      expect(primaries).toEqual(Array.from({ length: 20 }, () => 1));
    }, 120_000);
  });
});

