import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/`, import.meta.url));

// Tests run against package sources: `@wallet-auth/x/sub` resolves to `packages/x/src/sub.ts`,
// mirroring the `exports` map, so a change is tested without a rebuild.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@wallet-auth\/(core|adapter-postgres|adapter-express|react|testing)$/, replacement: `${pkg("$1")}index.ts` },
      { find: /^@wallet-auth\/(core|adapter-postgres|adapter-express|react|testing)\/(.+)$/, replacement: `${pkg("$1")}$2.ts` },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "examples/*/src/**/*.test.ts", "docs/**/*.test.ts", "security/**/*.test.ts"],
    benchmark: { include: ["packages/*/src/**/*.bench.ts"] },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
