import { type LocalChain, startLocalChain } from "@wallet-auth/testing/chain";
import { keccak256, serializeErc6492Signature, stringToHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage, parseSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuditTrail } from "../audit/AuditTrail.js";
import { isWalletAuthError } from "../errors/index.js";
import { Redacted } from "../secret/Redacted.js";
import { createMemoryStore } from "../memory.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { createViemChainGateway } from "../viem.js";
import { userBindingResource, WalletService } from "./WalletService.js";

const alice = { userId: "user_alice", requestId: "req-1" };
const bob = { userId: "user_bob" };
const key = (name: string) => keccak256(stringToHex(`wallet test ${name}`));
const signer = privateKeyToAccount(key("signer"));
const other = privateKeyToAccount(key("other"));

let chain: LocalChain;
let now: Date;
let store: WalletAuthStore;
let wallets: WalletService;

beforeAll(async () => {
  chain = await startLocalChain();
});
afterAll(() => chain.close());

beforeEach(() => {
  now = new Date("2026-03-01T12:00:00.000Z");
  const clock = { now: () => new Date(now) };
  const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(9)), clock });
  store = audit.track(createMemoryStore({ clock }));
  wallets = new WalletService({
    store,
    audit,
    clock,
    siwe: { domain: "app.example.com", uri: "https://app.example.com/wallets", statement: "Link this wallet to your account.", chainIds: ["eip155:1", chain.caip2] },
    chains: createViemChainGateway({ chains: { [chain.caip2]: { transport: chain.transport } } }),
  });
});


async function lastLinkAudit(userId: string) {
  const page = await store.audit.query({ subjectUserId: userId, action: "wallet.link" });
  return page.items[0];
}

async function expectRefused(promise: Promise<unknown>, userId: string, reason: string, outcome: "failure" | "denied" = "failure") {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isWalletAuthError(error, "WALLET_VERIFICATION_FAILED"), String(error)).toBe(true);
  expect(JSON.stringify(error)).toBe('{"code":"WALLET_VERIFICATION_FAILED","message":"The wallet could not be verified."}');
  const event = await lastLinkAudit(userId);
  expect(event?.outcome).toBe(outcome);
  expect(event?.details.reason).toBe(reason);
}

/** Rebuilds a challenge with some fields changed (what a tampering client would sign). */
function tamper(message: string, change: Readonly<Record<string, unknown>>): string {
  const parsed = parseSiweMessage(message) as Parameters<typeof createSiweMessage>[0];
  return createSiweMessage({ ...parsed, ...change } as Parameters<typeof createSiweMessage>[0]);
}

describe("WalletService.challenge", () => {
  it("issues an EIP-4361 message bound to the user, with a fresh >= 96-bit alphanumeric nonce", async () => {
    const a = await wallets.challenge(alice, { address: signer.address.toLowerCase(), chainId: "eip155:1" });
    const b = await wallets.challenge(alice, { address: signer.address, chainId: "eip155:1" });
    expect(a.nonce).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(a.nonce).not.toBe(b.nonce);
    const fields = parseSiweMessage(a.message);
    expect(fields).toMatchObject({
      domain: "app.example.com",
      address: signer.address,
      uri: "https://app.example.com/wallets",
      statement: "Link this wallet to your account.",
      chainId: 1,
      nonce: a.nonce,
      requestId: "req-1",
      resources: [userBindingResource("user_alice")],
    });
    expect(a.expiresAt.getTime() - now.getTime()).toBe(10 * 60_000);
  });

  it("refuses a chain outside the allowlist and a malformed address", async () => {
    await expect(wallets.challenge(alice, { address: signer.address, chainId: "eip155:5" })).rejects.toSatisfy((e) =>
      isWalletAuthError(e, "CHAIN_UNSUPPORTED"),
    );
    await expect(wallets.challenge(alice, { address: "0x1234", chainId: "eip155:1" })).rejects.toSatisfy((e) => isWalletAuthError(e, "INVALID_INPUT"));
  });

  it("refuses a mixed-case address whose EIP-55 checksum is wrong, naming address; lowercase, uppercase and checksummed ones are accepted", async () => {
    const good = signer.address; // EIP-55
    const letter = [...good.slice(2)].findIndex((c) => /[a-f]/i.test(c)) + 2;
    const flipped = good.slice(0, letter) + (good[letter] === good[letter]!.toUpperCase() ? good[letter]!.toLowerCase() : good[letter]!.toUpperCase()) + good.slice(letter + 1);
    const error = await wallets.challenge(alice, { address: flipped, chainId: "eip155:1" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INVALID_INPUT", details: { fields: ["address"] } });
    for (const address of [good, good.toLowerCase(), `0x${good.slice(2).toUpperCase()}`]) {
      expect((await wallets.challenge(alice, { address, chainId: "eip155:1" })).message).toContain(good);
    }
  });

  it("takes an EIP-155 chain number (1, '1', '0x1') as well as CAIP-2, normalised to eip155:1; a non-chain id is INVALID_INPUT naming chainId", async () => {
    for (const chainId of [1, "1", "0x1", "eip155:1"]) {
      const challenge = await wallets.challenge(alice, { address: signer.address, chainId });
      expect(parseSiweMessage(challenge.message).chainId).toBe(1);
    }
    for (const chainId of ["abc", 0, -1, 1.5, "0x0", "", "eip155"]) {
      const error = await wallets.challenge(alice, { address: signer.address, chainId }).catch((e: unknown) => e);
      expect(error, String(chainId)).toMatchObject({ code: "INVALID_INPUT", details: { fields: ["chainId"] } });
    }
    // A well-formed chain the server does not allow stays CHAIN_UNSUPPORTED.
    await expect(wallets.challenge(alice, { address: signer.address, chainId: "0x5" })).rejects.toMatchObject({ code: "CHAIN_UNSUPPORTED" });
  });
});

describe("WalletService.verifyAndLink", () => {
  it("links a plain account offline and audits it in the same transaction", async () => {
    const { message } = await wallets.challenge(alice, { address: signer.address, chainId: "eip155:1" });
    chain.resetRequestCounts();
    const wallet = await wallets.verifyAndLink(alice, { message, signature: await signer.signMessage({ message }), label: " Main " });
    expect(wallet).toMatchObject({ address: signer.address, chainId: "eip155:1", label: "Main", isPrimary: true, verifiedAt: now });
    expect(chain.requestCount()).toBe(0);
    expect(await wallets.list(alice)).toEqual([wallet]);
    const event = await lastLinkAudit("user_alice");
    expect(event).toMatchObject({ outcome: "success", targetType: "wallet", targetId: wallet.id, details: { method: "eoa", chainId: "eip155:1" } });
  });

  it.each([
    ["wrong domain", { domain: "evil.example.com" }, "domain_mismatch"],
    ["wrong URI", { uri: "https://evil.example.com/wallets" }, "uri_mismatch"],
    ["wrong chain", { chainId: 5 }, "chain_not_allowed"],
    ["not yet valid", { notBefore: new Date("2026-03-01T13:00:00.000Z") }, "not_yet_valid"],
    ["too old issued-at", { issuedAt: new Date("2026-03-01T11:00:00.000Z") }, "issued_at_too_old"],
    ["issued-at in the future", { issuedAt: new Date("2026-03-01T12:30:00.000Z") }, "issued_at_in_future"],
    ["another user's binding", { resources: [userBindingResource("user_bob")] }, "user_binding_missing"],
  ] as const)("refuses a message with %s, generically", async (_name, change, reason) => {
    const { message } = await wallets.challenge(alice, { address: signer.address, chainId: "eip155:1" });
    const forged = tamper(message, change);
    await expectRefused(wallets.verifyAndLink(alice, { message: forged, signature: await signer.signMessage({ message: forged }) }), "user_alice", reason, reason === "user_binding_missing" ? "denied" : "failure");
    expect(await wallets.list(alice)).toEqual([]);
  });

  it("refuses an expired challenge", async () => {
    const { message } = await wallets.challenge(alice, { address: signer.address, chainId: "eip155:1" });
    const signature = await signer.signMessage({ message });
    now = new Date(now.getTime() + 12 * 60_000);
    await expectRefused(wallets.verifyAndLink(alice, { message, signature }), "user_alice", "expired");
  });

  it("refuses a replay of a message that already linked", async () => {
    const { message } = await wallets.challenge(alice, { address: signer.address, chainId: "eip155:1" });
    const signature = await signer.signMessage({ message });
    await wallets.verifyAndLink(alice, { message, signature });
    await expectRefused(wallets.verifyAndLink(alice, { message, signature }), "user_alice", "nonce_unknown", "denied");
  });

  it("lets exactly one of two concurrent submissions of one challenge through", async () => {
    const { message } = await wallets.challenge(alice, { address: signer.address, chainId: "eip155:1" });
    const signature = await signer.signMessage({ message });
    const results = await Promise.allSettled([wallets.verifyAndLink(alice, { message, signature }), wallets.verifyAndLink(alice, { message, signature })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("refuses another user's nonce and leaves it usable by its owner", async () => {
    const { message } = await wallets.challenge(alice, { address: signer.address, chainId: "eip155:1" });
    const rebound = tamper(message, { resources: [userBindingResource("user_bob")] });
    await expectRefused(wallets.verifyAndLink(bob, { message: rebound, signature: await signer.signMessage({ message: rebound }) }), "user_bob", "nonce_unknown", "denied");
    await expect(wallets.verifyAndLink(alice, { message, signature: await signer.signMessage({ message }) })).resolves.toMatchObject({ address: signer.address });
  });

  it("refuses a signature by another key, a malformed signature and a malformed message", async () => {
    const first = await wallets.challenge(alice, { address: signer.address, chainId: "eip155:1" });
    await expectRefused(wallets.verifyAndLink(alice, { message: first.message, signature: await other.signMessage({ message: first.message }) }), "user_alice", "signature_mismatch");
    const second = await wallets.challenge(alice, { address: signer.address, chainId: "eip155:1" });
    await expectRefused(wallets.verifyAndLink(alice, { message: second.message, signature: "0xzz" }), "user_alice", "signature_malformed");
    await expectRefused(wallets.verifyAndLink(alice, { message: "please link me", signature: "0x00" }), "user_alice", "message_malformed");
    const third = await wallets.challenge(alice, { address: signer.address, chainId: "eip155:1" });
    const trailing = `${third.message}\nExtra: line`;
    await expectRefused(wallets.verifyAndLink(alice, { message: trailing, signature: await signer.signMessage({ message: trailing }) }), "user_alice", "message_malformed");
  });

  it("refuses a message whose address differs from the challenged one", async () => {
    const { message } = await wallets.challenge(alice, { address: signer.address, chainId: "eip155:1" });
    const swapped = tamper(message, { address: other.address });
    await expectRefused(wallets.verifyAndLink(alice, { message: swapped, signature: await other.signMessage({ message: swapped }) }), "user_alice", "nonce_address_mismatch", "denied");
  });

  it("refuses an address another user has linked, with the same generic error", async () => {
    const a = await wallets.challenge(alice, { address: signer.address, chainId: "eip155:1" });
    await wallets.verifyAndLink(alice, { message: a.message, signature: await signer.signMessage({ message: a.message }) });
    const b = await wallets.challenge(bob, { address: signer.address, chainId: "eip155:1" });
    await expectRefused(wallets.verifyAndLink(bob, { message: b.message, signature: await signer.signMessage({ message: b.message }) }), "user_bob", "address_owned_by_other_user", "denied");
    expect(await wallets.list(bob)).toEqual([]);
  });

  it("gives a contested address to exactly one of two users linking it at once", async () => {
    const a = await wallets.challenge(alice, { address: signer.address, chainId: "eip155:1" });
    const b = await wallets.challenge(bob, { address: signer.address, chainId: "eip155:1" });
    const results = await Promise.allSettled([
      wallets.verifyAndLink(alice, { message: a.message, signature: await signer.signMessage({ message: a.message }) }),
      wallets.verifyAndLink(bob, { message: b.message, signature: await signer.signMessage({ message: b.message }) }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected");
    expect(isWalletAuthError(refused?.reason, "WALLET_VERIFICATION_FAILED")).toBe(true);
    expect((await wallets.list(alice)).length + (await wallets.list(bob)).length).toBe(1);
  });

  it("links an EIP-1271 contract wallet through the local EVM, and refuses when the contract says no", async () => {
    const owner = chain.accounts[0]!;
    const contract = await chain.deploySmartWallet({ owner: owner.address });
    const { message } = await wallets.challenge(alice, { address: contract, chainId: chain.caip2 });
    const wallet = await wallets.verifyAndLink(alice, { message, signature: await owner.signMessage({ message }) });
    expect(wallet).toMatchObject({ address: contract, chainId: chain.caip2 });
    expect((await lastLinkAudit("user_alice"))?.details.method).toBe("erc1271");

    const refusing = await chain.deploySmartWallet({ owner: owner.address });
    await chain.setSmartWalletRefuse({ wallet: refusing, refuse: true });
    const second = await wallets.challenge(alice, { address: refusing, chainId: chain.caip2 });
    await expectRefused(wallets.verifyAndLink(alice, { message: second.message, signature: await owner.signMessage({ message: second.message }) }), "user_alice", "contract_signature_refused");
  });
});

describe("WalletService with a counterfactual (EIP-6492) wallet", () => {
  it("links a smart wallet that is not deployed yet from its wrapped signature", async () => {
    const owner = chain.accounts[2]!;
    const { address, factory, factoryData } = await chain.counterfactualSmartWallet({ owner: owner.address, salt: "link-6492" });
    const { message } = await wallets.challenge(alice, { address, chainId: chain.caip2 });
    const signature = serializeErc6492Signature({ address: factory, data: factoryData, signature: await owner.signMessage({ message }) });
    await expect(wallets.verifyAndLink(alice, { message, signature })).resolves.toMatchObject({ address, chainId: chain.caip2 });
    expect((await lastLinkAudit("user_alice"))?.details.method).toBe("erc6492");
    expect(await chain.publicClient.getCode({ address })).toBeUndefined(); // verified in a simulated call only
  });

  it("refuses a wrapped signature by someone other than the owner", async () => {
    const owner = chain.accounts[2]!;
    const { address, factory, factoryData } = await chain.counterfactualSmartWallet({ owner: owner.address, salt: "refuse-6492" });
    const { message } = await wallets.challenge(alice, { address, chainId: chain.caip2 });
    const signature = serializeErc6492Signature({ address: factory, data: factoryData, signature: await other.signMessage({ message }) });
    await expectRefused(wallets.verifyAndLink(alice, { message, signature }), "user_alice", "contract_signature_refused");
  });
});

describe("WalletService multi-wallet management", () => {
  async function link(ctx: typeof alice, account: typeof signer) {
    const { message } = await wallets.challenge(ctx, { address: account.address, chainId: "eip155:1" });
    return wallets.verifyAndLink(ctx, { message, signature: await account.signMessage({ message }) });
  }

  it("lists, labels, sets primary and unlinks, auditing each change", async () => {
    const first = await link(alice, signer);
    now = new Date(now.getTime() + 1000);
    const second = await link(alice, other);
    expect(second.isPrimary).toBe(false);

    const updated = await wallets.update(alice, { walletId: second.id, label: "Cold", metadata: { purpose: "savings" } });
    expect(updated).toMatchObject({ label: "Cold", metadata: { purpose: "savings" } });
    await wallets.setPrimary(alice, { walletId: second.id });
    expect((await wallets.list(alice)).map((w) => [w.id, w.isPrimary])).toEqual([
      [second.id, true],
      [first.id, false],
    ]);

    await wallets.unlink(alice, { walletId: second.id });
    expect((await wallets.list(alice)).map((w) => [w.id, w.isPrimary])).toEqual([[first.id, true]]);
    const unlinks = await store.audit.query({ subjectUserId: "user_alice", action: "wallet.unlink" });
    expect(unlinks.items).toHaveLength(1);
    expect(unlinks.items[0]).toMatchObject({ outcome: "success", targetId: second.id });
  });

  it("treats another user's wallet as missing", async () => {
    const wallet = await link(alice, signer);
    for (const call of [
      () => wallets.get(bob, { walletId: wallet.id }),
      () => wallets.update(bob, { walletId: wallet.id, label: "mine" }),
      () => wallets.setPrimary(bob, { walletId: wallet.id }),
      () => wallets.unlink(bob, { walletId: wallet.id }),
    ]) {
      await expect(call()).rejects.toSatisfy((e) => isWalletAuthError(e, "NOT_FOUND"));
    }
    expect(await wallets.list(alice)).toHaveLength(1);
  });
});

describe("WalletService SIWE settings", () => {
  it.each(["user@app.example.com", "[::1]:3000", "app.example.com:8443", "[2001:db8::1]"])(
    "links a wallet end to end with the spec-valid domain %s",
    async (domain) => {
      const clock = { now: () => new Date(now) };
      const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(9)), clock });
      const service = new WalletService({ store: audit.track(createMemoryStore({ clock })), audit, clock, siwe: { domain, uri: "https://app.example.com", chainIds: ["eip155:1"] } });
      const { message } = await service.challenge(alice, { address: signer.address, chainId: "eip155:1" });
      expect(message.startsWith(`${domain} wants you to sign in`)).toBe(true);
      await expect(service.verifyAndLink(alice, { message, signature: await signer.signMessage({ message }) })).resolves.toMatchObject({ isPrimary: true });
    },
  );

  it("refuses malformed settings when constructed, naming the field, never with a library message", () => {
    const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(9)) });
    const good = { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] };
    for (const [siwe, field] of [
      [{ ...good, domain: "" }, "siwe.domain"],
      [{ ...good, domain: "app.example.com/path" }, "siwe.domain"],
      [{ ...good, uri: "https://[::0.0.0.256]/" }, "siwe.uri"],
      [{ ...good, statement: "Line one\nline two" }, "siwe.statement"],
      [{ ...good, statement: "<script>" }, "siwe.statement"],
      [{ ...good, scheme: "1https" }, "siwe.scheme"],
      [{ ...good, chainIds: ["solana:mainnet"] }, "siwe.chainIds"],
    ] as const) {
      let caught: unknown;
      try {
        new WalletService({ store: audit.track(createMemoryStore()), audit, siwe });
      } catch (error) {
        caught = error;
      }
      expect(isWalletAuthError(caught, "INVALID_INPUT"), field).toBe(true);
      expect(JSON.stringify(caught)).toBe(`{"code":"INVALID_INPUT","message":"The request is invalid.","details":{"fields":["${field}"]}}`);
    }
  });
});
