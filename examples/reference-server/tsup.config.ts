import { defineConfig } from "tsup";

export default defineConfig({
  entry: { demo: "src/demo.ts" },
  format: ["esm"],
  dts: false,
  sourcemap: true,
  clean: true,
  target: "node20",
  // Workspace packages and heavy libraries are resolved at run time, never bundled.
  external: [/^@wallet-auth\//, "ccxt", "viem", "knex", "pg", "@electric-sql/pglite", "knex-pglite", "ganache", "solc"],
  tsconfig: "tsconfig.build.json",
});
