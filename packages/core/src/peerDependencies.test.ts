import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Peer dependencies on ccxt and viem are caret ranges, so a bot on another patch or minor gets no
// peer conflict. The range's lower bound is the version this repository's devDependencies pin,
// which is what every suite in `pnpm test` runs against: this test keeps the two equal and checks
// that the installed copy (what core's gateways import) is exactly that lower bound.
const root = fileURLToPath(new URL("../../../", import.meta.url));
const manifests = ["packages", "examples"].flatMap((dir) =>
  readdirSync(`${root}${dir}`).map((name) => `${root}${dir}/${name}/package.json`),
);

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function read(path: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

const heavy = ["ccxt", "viem"] as const;
const core = read(`${root}packages/core/package.json`)!;

describe("peer dependency ranges", () => {
  it.each(heavy)("core's %s peer is a caret range whose lower bound is the version the suites run against", (name) => {
    const range = core.peerDependencies?.[name];
    expect(range).toMatch(/^\^\d+\.\d+\.\d+$/);
    const lower = range!.slice(1);
    expect(core.devDependencies?.[name]).toBe(lower);
    // ccxt's `exports` hides package.json: read it from the folder core resolves the package to.
    const installed = read(`${root}packages/core/node_modules/${name}/package.json`) as (Manifest & { version: string }) | undefined;
    expect(installed).toBeDefined();
    expect(installed!.version).toBe(lower);
  });

  it("no published package pins ccxt or viem to an exact version for its users", () => {
    const exact: string[] = [];
    for (const path of manifests) {
      const manifest = read(path);
      if (!manifest || manifest.name.startsWith("@wallet-auth/reference-server")) continue;
      for (const field of ["dependencies", "peerDependencies"] as const) {
        for (const name of heavy) {
          const value = manifest[field]?.[name];
          if (value !== undefined && !value.startsWith("^")) exact.push(`${manifest.name} ${field}.${name}=${value}`);
        }
      }
    }
    expect(exact).toEqual([]);
  });
});
