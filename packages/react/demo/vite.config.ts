import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The demo UI the reference server serves at `/`: built into packages/react/demo-dist.
export default defineConfig({
  root: src("./"),
  base: "/",
  plugins: [react()],
  resolve: {
    alias: [
      { find: "@wallet-auth/react", replacement: src("../src/index.ts") },
      { find: "@wallet-auth/core/client", replacement: src("../../core/src/client.ts") },
    ],
  },
  build: {
    outDir: src("../demo-dist"),
    emptyOutDir: true,
    sourcemap: false,
    // The chart library (recharts and its d3 parts) in its own chunk: the app's code stays small and
    // the two cache apart.
    rollupOptions: { output: { manualChunks: (id: string) => (/node_modules\/(\.pnpm\/)?(recharts|d3-|victory-vendor|decimal\.js-light)/.test(id) ? "charts" : undefined) } },
  },
});
