import { defineConfig } from "tsup";

export default defineConfig({
  entry: { main: "src/main.ts" },
  format: ["esm"],
  dts: false,
  sourcemap: true,
  clean: true,
  target: "node20",
  // Workspace packages and heavy libraries are resolved at run time, never bundled.
  external: [/^@wallet-auth\//, "ccxt", "viem", "knex", "pg", "@electric-sql/pglite", "knex-pglite", "ganache", "solc", "express", "pino", "prom-client", "commander", "ioredis", "zod"],
  tsconfig: "tsconfig.build.json",
});
