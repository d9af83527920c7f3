import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));

// A resolve hook that fails the import as soon as anything tries to load ccxt or viem.
const hook = `export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/[\\\\/]node_modules[\\\\/](ccxt|viem)[\\\\/]/.test(result.url)) throw new Error("HEAVY:" + specifier);
  return result;
}`;

function importWithGuard(file: string): { ok: true } | { ok: false; output: string } {
  const script = `
    import { register } from "node:module";
    register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hook)}));
    await import(${JSON.stringify(pathToFileURL(file).href)});
  `;
  try {
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { stdio: "pipe" });
    return { ok: true };
  } catch (error) {
    return { ok: false, output: String((error as { stderr?: Buffer }).stderr ?? error) };
  }
}

describe("package entry points (built output)", () => {
  it("has been built (pnpm test builds first)", () => {
    expect(existsSync(`${dist}index.js`), "run `pnpm build` before the tests").toBe(true);
  });

  it("the guard itself catches a module that loads viem", () => {
    // Proves the hook works: importing viem directly must be refused.
    const probe = fileURLToPath(new URL("../node_modules/viem/_esm/index.js", import.meta.url));
    expect(importWithGuard(probe).ok).toBe(false);
  });

  it.each(["index.js", "crypto.js", "memory.js"])("importing %s loads neither ccxt nor viem", (file) => {
    expect(importWithGuard(`${dist}${file}`)).toEqual({ ok: true });
  });

  it("the ccxt subpath does not load ccxt until an exchange is used", () => {
    expect(importWithGuard(`${dist}ccxt.js`)).toEqual({ ok: true });
  });
});
