import { defineConfig } from "tsup";

// One entry per `exports` subpath in package.json: keep the two lists in step.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    crypto: "src/crypto.ts",
    memory: "src/memory.ts",
    ccxt: "src/ccxt.ts",
    viem: "src/viem.ts",
    client: "src/client.ts",
    vault: "src/vault.ts",
    "aws-kms": "src/aws-kms.ts",
  },
  format: ["esm", "cjs"],
  // `pnpm start` skips declarations (WALLET_AUTH_SKIP_DTS=1): the server needs only the JS.
  dts: process.env.WALLET_AUTH_SKIP_DTS !== "1",
  sourcemap: true,
  clean: true,
  target: "node20",
  treeshake: true,
  splitting: true,
  external: ["ccxt", "viem", "@aws-sdk/client-kms"],
  tsconfig: "tsconfig.build.json",
});
