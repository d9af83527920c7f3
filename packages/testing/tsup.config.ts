import { defineConfig } from "tsup";

// One entry per `exports` subpath in package.json: keep the two lists in step.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    contract: "src/contract.ts",
    exchange: "src/exchange.ts",
    chain: "src/chain.ts",
    clerk: "src/clerk.ts",
    scenarios: "src/scenarios.ts",
    kms: "src/kms.ts",
    venues: "src/venues.ts",
  },
  format: ["esm", "cjs"],
  // `pnpm start` skips declarations (WALLET_AUTH_SKIP_DTS=1): the server needs only the JS.
  dts: process.env.WALLET_AUTH_SKIP_DTS !== "1",
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: true,
  external: ["vitest", "ganache", "solc", "viem", "ccxt", "jose", /^@wallet-auth\//],
  tsconfig: "tsconfig.build.json",
});
