import { type LocalChain, startLocalChain } from "@wallet-auth/testing/chain";
import { custom, serializeErc6492Signature } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import type { ChainGateway } from "../ports/ChainGateway.js";
import { createViemChainGateway } from "./createViemChainGateway.js";

let chain: LocalChain;
let gateway: ChainGateway;
let multicall: `0x${string}`;

beforeAll(async () => {
  chain = await startLocalChain();
  multicall = await chain.deployMulticall3();
  gateway = createViemChainGateway({ chains: { [chain.caip2]: { transport: chain.transport, multicall3Address: multicall } } });
});
afterAll(() => chain.close());

describe("createViemChainGateway against a local EVM", () => {
  it("accepts an EIP-1271 wallet's owner signature and refuses when the contract says no", async () => {
    const [owner, stranger] = chain.accounts;
    const wallet = await chain.deploySmartWallet({ owner: owner!.address });
    const message = "hello contract wallet";
    const signature = await owner!.signMessage({ message });
    await expect(gateway.verifyContractSignature({ chainId: chain.caip2, address: wallet, message, signature })).resolves.toEqual({
      valid: true,
      method: "erc1271",
    });
    const foreign = await stranger!.signMessage({ message });
    await expect(gateway.verifyContractSignature({ chainId: chain.caip2, address: wallet, message, signature: foreign })).resolves.toEqual({
      valid: false,
      method: "erc1271",
    });
    await chain.setSmartWalletRefuse({ wallet, refuse: true });
    await expect(gateway.verifyContractSignature({ chainId: chain.caip2, address: wallet, message, signature })).resolves.toEqual({
      valid: false,
      method: "erc1271",
    });
  });

  it("verifies an EIP-6492 signature of a wallet that is not deployed yet", async () => {
    const owner = chain.accounts[1]!;
    const { address, factory, factoryData } = await chain.counterfactualSmartWallet({ owner: owner.address, salt: "6492" });
    expect(await chain.publicClient.getCode({ address })).toBeUndefined();
    const message = "counterfactual hello";
    const inner = await owner.signMessage({ message });
    const signature = serializeErc6492Signature({ address: factory, data: factoryData, signature: inner });
    await expect(gateway.verifyContractSignature({ chainId: chain.caip2, address, message, signature })).resolves.toEqual({
      valid: true,
      method: "erc6492",
    });
    const wrong = serializeErc6492Signature({ address: factory, data: factoryData, signature: await chain.accounts[2]!.signMessage({ message }) });
    await expect(gateway.verifyContractSignature({ chainId: chain.caip2, address, message, signature: wrong })).resolves.toMatchObject({
      valid: false,
    });
  });

  it("reports a plain account as no contract without calling it", async () => {
    const plain = chain.accounts[3]!;
    const signature = await plain.signMessage({ message: "x" });
    await expect(gateway.verifyContractSignature({ chainId: chain.caip2, address: plain.address, message: "x", signature })).resolves.toEqual({
      valid: false,
      method: "none",
    });
  });

  it("reads native and ERC-20 balances in one eth_call through Multicall3", async () => {
    const holder = "0x00000000000000000000000000000000000000b1" as const;
    const usd = await chain.deployToken({ name: "Test USD", symbol: "TUSD", decimals: 6 });
    const btc = await chain.deployToken({ name: "Test BTC", symbol: "TBTC", decimals: 8 });
    await chain.mintToken({ token: usd, to: holder, amount: 1_234_567n });
    await chain.sendNative({ from: chain.accounts[0]!, to: holder, value: 5n * 10n ** 17n });
    chain.resetRequestCounts();
    const balances = await gateway.getBalances({ chainId: chain.caip2, address: holder, tokens: [usd, btc] });
    expect(balances).toEqual({ native: 5n * 10n ** 17n, tokens: [1_234_567n, 0n] });
    expect(chain.requestCount()).toBe(1);
    expect(await gateway.getNativeBalance({ chainId: chain.caip2, address: holder })).toBe(5n * 10n ** 17n);
  });

  it("lists ERC-20 transfers in and out of a wallet, oldest first, with block times", async () => {
    const [a, b] = chain.accounts;
    const token = await chain.deployToken({ name: "T", symbol: "T", decimals: 18 });
    await chain.mintToken({ token, to: a!.address, amount: 100n });
    await chain.transferToken({ token, from: a!, to: b!.address, amount: 30n });
    await chain.transferToken({ token, from: b!, to: a!.address, amount: 5n });
    const transfers = await gateway.getTokenTransfers({ chainId: chain.caip2, address: a!.address, tokens: [token] });
    expect(transfers.map((t) => [t.from, t.to, t.value])).toEqual([
      ["0x0000000000000000000000000000000000000000", a!.address, 100n],
      [a!.address, b!.address, 30n],
      [b!.address, a!.address, 5n],
    ]);
    expect(transfers.every((t) => t.timestamp instanceof Date)).toBe(true);
  });

  it("maps an unknown chain to CHAIN_UNSUPPORTED and a dead node to CHAIN_UNAVAILABLE", async () => {
    await expect(gateway.getNativeBalance({ chainId: "eip155:999", address: chain.accounts[0]!.address })).rejects.toSatisfy((e) =>
      isWalletAuthError(e, "CHAIN_UNSUPPORTED"),
    );
    const dead = createViemChainGateway({
      chains: { "eip155:5": { transport: custom({ request: async () => Promise.reject(new Error("connection refused")) }, { retryCount: 0 }) } },
    });
    await expect(dead.getNativeBalance({ chainId: "eip155:5", address: chain.accounts[0]!.address })).rejects.toSatisfy((e) =>
      isWalletAuthError(e, "CHAIN_UNAVAILABLE"),
    );
  });
});
