// @ts-check
// Root typedoc config (`pnpm run docs`): one section per published package, each read with its own
// typedoc.json. Every folder under packages/ that has one is included, so a new package only
// needs its typedoc.json. Zero warnings is the bar: `pnpm run docs:check` fails on any.
import { existsSync, readdirSync } from "node:fs";

const packages = readdirSync(new URL("./packages/", import.meta.url))
  .filter((name) => existsSync(new URL(`./packages/${name}/typedoc.json`, import.meta.url)))
  .sort((a, b) => (a === "core" ? -1 : b === "core" ? 1 : a.localeCompare(b)))
  .map((name) => `packages/${name}`);

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  $schema: "https://typedoc.org/schema.json",
  name: "wallet-auth",
  entryPointStrategy: "packages",
  entryPoints: packages,
  packageOptions: { tsconfig: "tsconfig.build.json", disableSources: true, disableGit: true },
  plugin: ["./typedoc/viemCommentLinks.mjs"],
  externalSymbolLinkMappings: { viem: { "*": "https://viem.sh/docs/getting-started" } },
  out: "docs/api",
  readme: "README.md",
  excludePrivate: true,
  excludeInternal: true,
  disableSources: true,
  // Source links are off, so typedoc needs no git remote (a clone of a local path has none it can use).
  disableGit: true,
};
