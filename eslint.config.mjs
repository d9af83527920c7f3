// Promise discipline, with type information: a floating promise (a `void p` too) or a promise
// passed where a callback's result is ignored is how a background rejection kills the process.
// The rule set stays minimal so it stays green; `pnpm test` runs it (`pnpm run lint`).
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/demo-dist/**", "**/node_modules/**", "**/coverage/**", "**/*.d.ts", "**/*.js", "**/*.mjs", "**/*.cjs", "**/tsup.config.ts", "**/vite.config.ts", "vitest.config.ts", "typedoc/**",
      // Type tests are compiled, never run.
      "**/*.test-d.ts",
    ],
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        project: ["./packages/*/tsconfig.json", "./examples/*/tsconfig.json", "./tsconfig.tools.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    // Other tools' directives (e.g. no-control-regex) stay valid without their rules here.
    linterOptions: { reportUnusedDisableDirectives: "off" },
    rules: {
      "@typescript-eslint/no-floating-promises": ["error", { ignoreVoid: false, ignoreIIFE: false }],
      // An async JSX event handler is fine (React ignores its result; each handler catches its own
      // failures); a promise passed anywhere else a callback's result is ignored is not.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
    },
  },
);
