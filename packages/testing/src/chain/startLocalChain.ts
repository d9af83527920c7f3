import ganache from "ganache";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  type PrivateKeyAccount,
  type PublicClient,
  stringToHex,
  type Transport,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { compileContracts } from "./compileContracts.js";

/** Options for {@link startLocalChain}. */
export interface LocalChainOptions {
  /** EVM chain id (default 1337). */
  chainId?: number;
  /** How many funded accounts to create (default 4, each 1000 ETH). */
  accounts?: number;
}

/** A running in-process EVM (ganache) with helpers to deploy the test contracts. */
export interface LocalChain {
  /** Numeric chain id. */
  chainId: number;
  /** CAIP-2 chain id, e.g. `"eip155:1337"`. */
  caip2: string;
  /** A viem transport to the chain that counts requests (see {@link LocalChain.requestCount}). */
  transport: Transport;
  publicClient: PublicClient;
  /** Funded accounts with known private keys. */
  accounts: PrivateKeyAccount[];
  /** Deploys the Multicall3 subset viem uses; returns its address. */
  deployMulticall3(): Promise<Address>;
  /** Deploys an EIP-1271 wallet that accepts its `owner`'s signatures; returns its address. */
  deploySmartWallet(input: { owner: Address }): Promise<Address>;
  /** Makes a deployed smart wallet refuse (or accept again) every signature. */
  setSmartWalletRefuse(input: { wallet: Address; refuse: boolean }): Promise<void>;
  /**
   * An EIP-1271 wallet that is not deployed yet (EIP-6492): its future address and the factory
   * call that would deploy it.
   */
  counterfactualSmartWallet(input: { owner: Address; salt: string }): Promise<{ address: Address; factory: Address; factoryData: Hex }>;
  /** Deploys an ERC-20 token; returns its address. */
  deployToken(input: { name: string; symbol: string; decimals: number }): Promise<Address>;
  /** Mints `amount` raw units of `token` to `to`. */
  mintToken(input: { token: Address; to: Address; amount: bigint }): Promise<Hex>;
  /** Transfers tokens from one of {@link LocalChain.accounts}. */
  transferToken(input: { token: Address; from: PrivateKeyAccount; to: Address; amount: bigint }): Promise<Hex>;
  /** Sends native currency from one of {@link LocalChain.accounts}. */
  sendNative(input: { from: PrivateKeyAccount; to: Address; value: bigint }): Promise<Hex>;
  /** JSON-RPC requests seen so far, for `method` or in total. */
  requestCount(method?: string): number;
  /** Zeroes the request counters. */
  resetRequestCounts(): void;
  /** Stops the chain. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts ganache in-process (no port opened) with funded, deterministic accounts. Start one per
 * test file (`beforeAll`) and close it in `afterAll`: start-up takes about a second.
 *
 * @param options - chain id and account count.
 * @returns The running chain and deployment helpers.
 * @example
 * ```ts
 * import { startLocalChain } from "@wallet-auth/testing/chain";
 * const chain = await startLocalChain();
 * const token = await chain.deployToken({ name: "Test USD", symbol: "TUSD", decimals: 6 });
 * await chain.mintToken({ token, to: chain.accounts[0]!.address, amount: 1_500_000n });
 * await chain.close();
 * ```
 */
export async function startLocalChain(options: LocalChainOptions = {}): Promise<LocalChain> {
  const chainId = options.chainId ?? 1337;
  const count = options.accounts ?? 4;
  const keys = Array.from({ length: count }, (_, i) => keccak256(stringToHex(`wallet-auth local chain account ${i}`)));
  const provider = ganache.provider({
    chain: { chainId, hardfork: "shanghai" },
    logging: { quiet: true },
    wallet: { accounts: keys.map((secretKey) => ({ secretKey, balance: `0x${(1000n * 10n ** 18n).toString(16)}` })) },
  } as never);
  const counts = new Map<string, number>();
  let closed = false;
  const transport = custom({
    async request({ method, params }: { method: string; params?: unknown }) {
      counts.set(method, (counts.get(method) ?? 0) + 1);
      return provider.request({ method, params } as never);
    },
  });
  const chain = defineChain({
    id: chainId,
    name: "ganache",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: ["http://127.0.0.1:8545"] } },
  });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 20 }) as PublicClient;
  const accounts = keys.map((key) => privateKeyToAccount(key));
  const admin = accounts[0]!;
  const walletFor = (account: PrivateKeyAccount) => createWalletClient({ account, chain, transport, pollingInterval: 20 });
  const contracts = compileContracts();

  const mined = async (hash: Hex): Promise<Hex> => {
    // ganache mines each transaction before answering, so the receipt exists already.
    const receipt = await publicClient.getTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
    return hash;
  };
  const deploy = async (name: keyof typeof contracts, args: readonly unknown[]): Promise<Address> => {
    const { abi, bytecode } = contracts[name];
    const hash = await walletFor(admin).deployContract({ abi, bytecode, args } as never);
    const receipt = await publicClient.getTransactionReceipt({ hash });
    if (!receipt.contractAddress) throw new Error(`deploying ${name} failed`);
    return getAddress(receipt.contractAddress);
  };
  const send = async (from: PrivateKeyAccount, to: Address, data: Hex, value?: bigint): Promise<Hex> =>
    mined(await walletFor(from).sendTransaction({ to, data, ...(value === undefined ? {} : { value }) } as never));

  let factory: Address | undefined;
  return {
    chainId,
    caip2: `eip155:${chainId}`,
    transport,
    publicClient,
    accounts,
    deployMulticall3: () => deploy("TestMulticall3", []),
    deploySmartWallet: ({ owner }) => deploy("TestSmartWallet", [owner]),
    async setSmartWalletRefuse({ wallet, refuse }) {
      await send(admin, wallet, encodeFunctionData({ abi: contracts.TestSmartWallet.abi, functionName: "setRefuse", args: [refuse] }));
    },
    async counterfactualSmartWallet({ owner, salt }) {
      factory ??= await deploy("TestSmartWalletFactory", []);
      const saltHex = keccak256(stringToHex(salt));
      const address = getAddress((await publicClient.readContract({
        address: factory,
        abi: contracts.TestSmartWalletFactory.abi,
        functionName: "predict",
        args: [owner, saltHex],
      })) as Address);
      const factoryData = encodeFunctionData({ abi: contracts.TestSmartWalletFactory.abi, functionName: "deploy", args: [owner, saltHex] });
      return { address, factory, factoryData };
    },
    deployToken: ({ name, symbol, decimals }) => deploy("TestToken", [name, symbol, decimals]),
    mintToken: ({ token, to, amount }) =>
      send(admin, token, encodeFunctionData({ abi: contracts.TestToken.abi, functionName: "mint", args: [to, amount] })),
    transferToken: ({ token, from, to, amount }) =>
      send(from, token, encodeFunctionData({ abi: contracts.TestToken.abi, functionName: "transfer", args: [to, amount] })),
    sendNative: ({ from, to, value }) => send(from, to, "0x", value),
    requestCount: (method) => (method === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(method) ?? 0)),
    resetRequestCounts: () => counts.clear(),
    async close() {
      if (closed) return;
      closed = true;
      await provider.disconnect();
    },
  };
}
