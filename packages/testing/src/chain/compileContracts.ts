import { createRequire } from "node:module";
import type { Abi, Hex } from "viem";
import { contractSources } from "./contractSources.js";

/** ABI and creation bytecode of one compiled contract. */
export interface CompiledContract {
  abi: Abi;
  bytecode: Hex;
}

/** The contracts of the local chain, compiled. */
export interface CompiledContracts {
  TestSmartWallet: CompiledContract;
  TestSmartWalletFactory: CompiledContract;
  TestToken: CompiledContract;
  TestMulticall3: CompiledContract;
}

let cached: CompiledContracts | undefined;

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

/**
 * Compiles the test contracts with the bundled solc (0.8.x, `evmVersion: "paris"` so ganache runs
 * them). The result is cached for the process: compiling takes a few hundred milliseconds.
 *
 * @returns ABI and bytecode per contract name.
 * @throws Error with solc's messages when compilation fails.
 * @example
 * ```ts
 * import { compileContracts } from "@wallet-auth/testing/chain";
 * const { TestToken } = compileContracts();
 * ```
 */
export function compileContracts(): CompiledContracts {
  if (cached) return cached;
  // solc is CommonJS and large; require keeps it out of ESM static graphs of consumers.
  const require = createRequire(import.meta.url);
  const solc = require("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(contractSources).map(([name, content]) => [name, { content }])),
    settings: {
      evmVersion: "paris",
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const pick = (file: string, name: string): CompiledContract => {
    const c = output.contracts[file]?.[name];
    if (!c) throw new Error(`solc produced no ${name}`);
    return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
  };
  cached = {
    TestSmartWallet: pick("TestSmartWallet.sol", "TestSmartWallet"),
    TestSmartWalletFactory: pick("TestSmartWallet.sol", "TestSmartWalletFactory"),
    TestToken: pick("TestToken.sol", "TestToken"),
    TestMulticall3: pick("TestMulticall3.sol", "TestMulticall3"),
  };
  return cached;
}
