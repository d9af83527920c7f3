import {
  type Address,
  createPublicClient,
  erc20Abi,
  getAddress,
  type Hex,
  hashMessage,
  http,
  isErc6492Signature,
  parseAbi,
  parseAbiItem,
  type PublicClient,
  type Transport,
} from "viem";
import { verifyHash } from "viem/actions";
import { WalletAuthError } from "../errors/index.js";
import type { ChainGateway, ChainTokenTransfer, ContractSignatureResult } from "../ports/ChainGateway.js";
import { chainUnavailable, isContractRefusal } from "./chainError.js";

/** How to reach one chain. */
export interface ViemChainConfig {
  /** A viem transport (`http(url)`, `webSocket(url)`, `custom(provider)`). Takes precedence over `rpcUrl`. */
  transport?: Transport | undefined;
  /** JSON-RPC URL; used with `http()` (one retry, 10 s timeout) when no transport is given. */
  rpcUrl?: string | undefined;
  /** Multicall3 address; when set, native + token balances are read in one `eth_call`. */
  multicall3Address?: Address | undefined;
}

/** Options for {@link createViemChainGateway}. */
export interface ViemChainGatewayOptions {
  /** Chains by CAIP-2 id (`"eip155:1"`). Only `eip155` chains are supported. */
  chains: Readonly<Record<string, ViemChainConfig>>;
}

const ERC1271_MAGIC = "0x1626ba7e";
const erc1271Abi = parseAbi(["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"]);
const multicallEthAbi = parseAbi(["function getEthBalance(address account) view returns (uint256)"]);
const transferEvent = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");

interface ChainClient {
  client: PublicClient;
  multicall3Address: Address | undefined;
}

/**
 * Creates the viem implementation of {@link ChainGateway}: contract-wallet signature checks
 * (EIP-1271 deployed, EIP-6492 counterfactual), native and ERC-20 balances (Multicall3 batched)
 * and ERC-20 transfer logs.
 *
 * @param options - One client configuration per CAIP-2 chain id.
 * @returns A gateway; node failures surface as `CHAIN_UNAVAILABLE`.
 * @throws WalletAuthError `INVALID_INPUT` for a chain id that is not `eip155:<n>` or has neither transport nor URL.
 * @example
 * ```ts
 * import { http } from "viem";
 * import { createViemChainGateway } from "@wallet-auth/core/viem";
 * const chains = createViemChainGateway({
 *   chains: { "eip155:1": { transport: http("https://eth.example"), multicall3Address: "0xcA11bde05977b3631167028862bE2a173976CA11" } },
 * });
 * const wei = await chains.getNativeBalance({ chainId: "eip155:1", address: "0x0000000000000000000000000000000000000001" });
 * ```
 */
export function createViemChainGateway(options: ViemChainGatewayOptions): ChainGateway {
  const clients = new Map<string, ChainClient>();
  for (const [chainId, config] of Object.entries(options.chains)) {
    const match = /^eip155:([1-9][0-9]*)$/.exec(chainId);
    const transport = config.transport ?? (config.rpcUrl === undefined ? undefined : http(config.rpcUrl, { retryCount: 1, timeout: 10_000 }));
    if (!match || !transport) throw new WalletAuthError("INVALID_INPUT", { reason: "chain-config-invalid", details: { chainId } });
    // No `chain` object: viem then never guesses contract addresses for us; Multicall3 is explicit.
    const client = createPublicClient({ transport, batch: { multicall: false } }) as PublicClient;
    clients.set(chainId, { client, multicall3Address: config.multicall3Address });
  }

  const clientFor = (chainId: string): ChainClient => {
    const entry = clients.get(chainId);
    if (!entry) throw new WalletAuthError("CHAIN_UNSUPPORTED", { reason: "chain-not-configured", details: { chainId } });
    return entry;
  };

  const getBalances: ChainGateway["getBalances"] = async ({ chainId, address, tokens }) => {
    const { client, multicall3Address } = clientFor(chainId);
    try {
      if (multicall3Address) {
        const results = await client.multicall({
          multicallAddress: multicall3Address,
          allowFailure: false,
          contracts: [
            { address: multicall3Address, abi: multicallEthAbi, functionName: "getEthBalance", args: [address] },
            ...tokens.map((token) => ({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [address] })),
          ] as never,
        });
        const [native, ...rest] = results as bigint[];
        return { native: native ?? 0n, tokens: rest };
      }
      const [native, ...rest] = await Promise.all([
        client.getBalance({ address }),
        ...tokens.map((token) => client.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [address] })),
      ]);
      return { native, tokens: rest };
    } catch (error) {
      throw chainUnavailable(error, "balance-read-failed");
    }
  };

  return {
    supports: (chainId) => clients.has(chainId),

    async verifyContractSignature({ chainId, address, message, signature }): Promise<ContractSignatureResult> {
      const { client } = clientFor(chainId);
      const hash = hashMessage(message);
      if (isErc6492Signature(signature)) {
        try {
          // The deployless validator deploys the account in a simulated call, then asks it.
          return { valid: await verifyHash(client, { address, hash, signature }), method: "erc6492" };
        } catch (error) {
          if (isContractRefusal(error)) return { valid: false, method: "erc6492" };
          throw chainUnavailable(error, "erc6492-call-failed");
        }
      }
      let code: Hex | undefined;
      try {
        code = await client.getCode({ address });
      } catch (error) {
        throw chainUnavailable(error, "get-code-failed");
      }
      if (code === undefined || code === "0x") return { valid: false, method: "none" };
      try {
        const result = await client.readContract({ address, abi: erc1271Abi, functionName: "isValidSignature", args: [hash, signature] });
        return { valid: result.toLowerCase() === ERC1271_MAGIC, method: "erc1271" };
      } catch (error) {
        if (isContractRefusal(error)) return { valid: false, method: "erc1271" };
        throw chainUnavailable(error, "erc1271-call-failed");
      }
    },

    async getNativeBalance({ chainId, address }) {
      const { client } = clientFor(chainId);
      try {
        return await client.getBalance({ address });
      } catch (error) {
        throw chainUnavailable(error, "balance-read-failed");
      }
    },

    async getTokenBalances({ chainId, address, tokens }) {
      return (await getBalances({ chainId, address, tokens })).tokens;
    },

    getBalances,

    async getBlockNumber({ chainId }) {
      const { client } = clientFor(chainId);
      try {
        return await client.getBlockNumber({ cacheTime: 0 });
      } catch (error) {
        throw chainUnavailable(error, "block-number-read-failed");
      }
    },

    async getTokenTransfers({ chainId, address, tokens, fromBlock, toBlock }): Promise<ChainTokenTransfer[]> {
      const { client } = clientFor(chainId);
      if (tokens.length === 0) return [];
      try {
        const range = { fromBlock: fromBlock ?? 0n, toBlock: toBlock ?? ("latest" as const) };
        const [outgoing, incoming] = await Promise.all([
          client.getLogs({ address: [...tokens], event: transferEvent, args: { from: address }, ...range }),
          client.getLogs({ address: [...tokens], event: transferEvent, args: { to: address }, ...range }),
        ]);
        const byKey = new Map<string, ChainTokenTransfer>();
        for (const log of [...outgoing, ...incoming]) {
          if (log.transactionHash === null || log.logIndex === null || log.blockNumber === null) continue; // pending
          const { from, to, value } = log.args;
          if (from === undefined || to === undefined || value === undefined) continue;
          byKey.set(`${log.transactionHash}:${log.logIndex}`, {
            token: getAddress(log.address),
            from: getAddress(from),
            to: getAddress(to),
            value,
            txHash: log.transactionHash,
            logIndex: log.logIndex,
            blockNumber: log.blockNumber,
            timestamp: null,
          });
        }
        const transfers = [...byKey.values()].sort((a, b) =>
          a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
        );
        const blocks = [...new Set(transfers.map((t) => t.blockNumber))];
        const times = new Map<bigint, Date>();
        await Promise.all(
          blocks.map(async (blockNumber) => {
            const block = await client.getBlock({ blockNumber });
            times.set(blockNumber, new Date(Number(block.timestamp) * 1000));
          }),
        );
        return transfers.map((t) => ({ ...t, timestamp: times.get(t.blockNumber) ?? null }));
      } catch (error) {
        throw chainUnavailable(error, "logs-read-failed");
      }
    },
  };
}
