/**
 * Bot tokens are stored as HMAC(server key, SHA-256(token)): a row written into the database
 * without the key (what one SQL INSERT by an attacker is) authenticates nobody, on the memory
 * store, embedded PGlite and (with DATABASE_URL) the real PostgreSQL server. Legacy rows (plain
 * SHA-256, from before the keyed hash) work again only after the one-time rehash step, and
 * tokens made under an older key keep working and move to the primary on use.
 */
import { createHash, randomBytes } from "node:crypto";
import { AuditTrail, BotTokenService, type WalletAuthStore, botTokenKeysFrom, isWalletAuthError } from "@wallet-auth/core";
import { createMemoryStore } from "@wallet-auth/core/memory";
import { testHashKey } from "@wallet-auth/testing/scenarios";
import type { Knex } from "knex";
import { beforeAll, describe, expect, it } from "vitest";
import { createPostgresStore } from "./createPostgresStore.js";
import { truncateAll } from "./test-support/probe.js";
import { sharedPglite, sharedServerSchema } from "./test-support/sharedDatabases.js";

interface RawRow {
  id: string;
  userId: string;
  hash: string;
}

interface Target {
  store: WalletAuthStore;
  /** Writes a token row the way a database writer would: no service, no key; `keyId` copied from a real row or absent. */
  insertRaw(row: RawRow, keyId?: string): Promise<void>;
  keyIdOf(id: string): Promise<string | null>;
}

const pglite = sharedPglite();
const server = sharedServerSchema();
const url = process.env.DATABASE_URL;

function sqlTarget(knex: Knex, kind: "pglite" | "postgres"): Target {
  return {
    store: createPostgresStore({ knex, kind }),
    async insertRaw(row, keyId) {
      // The columns of m003 (what an attacker writes without knowing about key ids), plus key_id when given.
      const extra = keyId === undefined ? "" : ", key_id";
      await knex.raw(
        `INSERT INTO bot_tokens (id, user_id, label, prefix, hash, scopes, credential_ids, created_at, expires_at${extra})
         VALUES (?, ?, 'planted', 'wab_planted0', ?, '{balances:read,exchange:trade}', '{}', now(), now() + interval '30 days'${keyId === undefined ? "" : ", ?"})`,
        keyId === undefined ? [row.id, row.userId, row.hash] : [row.id, row.userId, row.hash, keyId],
      );
    },
    async keyIdOf(id) {
      const { rows } = await knex.raw<{ rows: { key_id: string | null }[] }>(`SELECT key_id FROM bot_tokens WHERE id = ?`, [id]);
      return rows[0]?.key_id ?? null;
    },
  };
}

const targets: [string, () => Promise<Target>][] = [
  [
    "memory",
    async () => {
      const store = createMemoryStore();
      return {
        store,
        async insertRaw(row, keyId) {
          const now = new Date();
          await store.botTokens.insert({
            ...row,
            keyId: keyId ?? null,
            label: "planted",
            prefix: "wab_planted0",
            scopes: ["balances:read", "exchange:trade"],
            credentialIds: [],
            createdAt: now,
            expiresAt: new Date(now.getTime() + 30 * 86_400_000),
            lastUsedAt: null,
            revokedAt: null,
          });
        },
        keyIdOf: async (id) => (await store.botTokens.listByUser("user_token_victim")).find((t) => t.id === id)?.keyId ?? null,
      };
    },
  ],
  ["PGlite", async () => ((db) => truncateAll(db.knex).then(() => sqlTarget(db.knex, "pglite")))(await pglite())],
];
if (url) targets.push(["PostgreSQL server", async () => ((s) => truncateAll(s.knex).then(() => sqlTarget(s.knex, "postgres")))(await server(url))]);

const victim = { userId: "user_token_victim" };
const plain = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
const newToken = () => `wab_${randomBytes(4).toString("hex")}_${randomBytes(32).toString("base64url")}`;
const keyA = new Uint8Array(32).fill(41);
const keyB = new Uint8Array(32).fill(42);

async function refused(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return false;
  } catch (error) {
    return isWalletAuthError(error, "UNAUTHENTICATED");
  }
}

describe.each(targets)("bot token hashes on %s", (_name, open) => {
  let target: Target;
  let tokens: BotTokenService;
  beforeAll(async () => {
    target = await open();
    await target.store.users.ensure(victim.userId, new Date());
    tokens = new BotTokenService({ store: target.store, audit: new AuditTrail({ hashKey: testHashKey() }), keys: botTokenKeysFrom([keyA]) });
    // PGlite starts in seconds, far longer on a loaded machine.
  }, 180_000);

  it("a token row written straight into the database (plain SHA-256, even with a real row's key id) authenticates nobody", async () => {
    const real = await tokens.create(victim, { label: "real", scopes: ["balances:read"] });
    expect((await tokens.authenticate(real.token)).userId).toBe(victim.userId);
    const realKeyId = await target.keyIdOf(real.view.id);
    expect(realKeyId).toMatch(/^t[0-9a-f]{16}$/);

    const planted = newToken();
    await target.insertRaw({ id: "00000000-0000-4000-8000-0000000000a1", userId: victim.userId, hash: plain(planted) });
    const copied = newToken();
    await target.insertRaw({ id: "00000000-0000-4000-8000-0000000000a2", userId: victim.userId, hash: plain(copied) }, realKeyId!);
    expect(await refused(tokens.authenticate(planted))).toBe(true);
    expect(await refused(tokens.authenticate(copied))).toBe(true);
  });

  it("a legacy token works again only after the one-time rehash step, which keys it without knowing the token", async () => {
    const legacy = newToken();
    const id = "00000000-0000-4000-8000-0000000000b1";
    await target.insertRaw({ id, userId: victim.userId, hash: plain(legacy) });
    expect(await refused(tokens.authenticate(legacy))).toBe(true);
    expect(await tokens.countLegacy()).toBeGreaterThanOrEqual(1);

    const { rehashed } = await tokens.rehashLegacy({ batchSize: 1 });
    expect(rehashed).toBeGreaterThanOrEqual(1);
    expect(await tokens.countLegacy()).toBe(0);
    expect(await tokens.authenticate(legacy)).toMatchObject({ userId: victim.userId, tokenId: id });
    // Idempotent: a second run finds nothing.
    expect(await tokens.rehashLegacy()).toEqual({ rehashed: 0 });
  });

  it("after a key rotation a token made under the old key still works and is rehashed under the new primary; without the old key it is refused", async () => {
    const made = await tokens.create(victim, { label: "before rotation", scopes: ["balances:read"] });
    const oldKeyId = await target.keyIdOf(made.view.id);
    const rotated = new BotTokenService({ store: target.store, audit: new AuditTrail({ hashKey: testHashKey() }), keys: botTokenKeysFrom([keyB, keyA]) });
    const newKeyId = botTokenKeysFrom([keyB]).primary.id;
    expect(newKeyId).not.toBe(oldKeyId);

    expect((await rotated.authenticate(made.token)).tokenId).toBe(made.view.id);
    expect(await target.keyIdOf(made.view.id)).toBe(newKeyId);
    // Once moved, the old key can be retired.
    const retired = new BotTokenService({ store: target.store, audit: new AuditTrail({ hashKey: testHashKey() }), keys: botTokenKeysFrom([keyB]) });
    expect((await retired.authenticate(made.token)).tokenId).toBe(made.view.id);
    // A token never seen during the rotation is refused once its key is gone.
    const unseen = await tokens.create(victim, { label: "unseen", scopes: ["balances:read"] });
    expect(await refused(retired.authenticate(unseen.token))).toBe(true);
  });
});
