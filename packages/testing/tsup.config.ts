import { defineConfig } from "tsup";

// One entry per `exports` subpath in package.json: keep the two lists in step.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    contract: "src/contract.ts",
    exchange: "src/exchange.ts",
    chain: "src/chain.ts",
    clerk: "src/clerk.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: true,
  external: ["vitest", "ganache", "solc", "viem", "ccxt", "jose", /^@wallet-auth\//],
  tsconfig: "tsconfig.build.json",
});
