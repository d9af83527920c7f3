import { defineConfig } from "tsup";

// One entry per `exports` subpath in package.json: keep the two lists in step.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    crypto: "src/crypto.ts",
    memory: "src/memory.ts",
    ccxt: "src/ccxt.ts",
    viem: "src/viem.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  treeshake: true,
  splitting: true,
  external: ["ccxt", "viem"],
  tsconfig: "tsconfig.build.json",
});
