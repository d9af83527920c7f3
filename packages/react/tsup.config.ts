import { defineConfig } from "tsup";

// One entry per `exports` subpath in package.json: keep the two lists in step.
export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  // `pnpm start` skips declarations (WALLET_AUTH_SKIP_DTS=1): the server needs only the JS.
  dts: process.env.WALLET_AUTH_SKIP_DTS !== "1",
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "browser",
  treeshake: true,
  external: ["react", "react-dom", "react/jsx-runtime", "@tanstack/react-query", /^@wallet-auth\//],
  tsconfig: "tsconfig.build.json",
});
