import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const demoAssets = fileURLToPath(new URL("../demo-dist/assets/", import.meta.url));
// What key or cipher code would look like in a bundle.
const forbidden = ["createCipheriv", "createDecipheriv", "aes-256-gcm", "KeyRing", "sealSecret", "openSecret", "fingerprintKey"];
/** An import of a Node built-in (a plain "node:" can appear inside library strings). */
const nodeImport = /(?:from\s*["'`]|require\(\s*["'`]|import\(\s*["'`])node:/;

function clean(code: string, where: string): void {
  for (const needle of forbidden) expect(code.includes(needle), `${where}: ${needle}`).toBe(false);
  expect(nodeImport.test(code), `${where}: node: import`).toBe(false);
}

describe("the browser bundles (run after pnpm build)", () => {
  it.skipIf(!existsSync(dist))("the package carries no cipher, key ring or node: code", () => {
    const code = readFileSync(dist, "utf8");
    clean(code, "dist/index.js");
    // Core is reached only through the fetch client subpath.
    expect(code).not.toMatch(/from ["']@wallet-auth\/core["']/);
  });

  it.skipIf(!existsSync(demoAssets))("the demo UI bundle carries no cipher, key ring or node: code", () => {
    for (const file of readdirSync(demoAssets).filter((f) => f.endsWith(".js"))) {
      clean(readFileSync(`${demoAssets}${file}`, "utf8"), file);
    }
  });
});
