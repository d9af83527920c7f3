import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const dist = fileURLToPath(new URL("../../dist/", import.meta.url));

// Fails the import as soon as anything resolves the AWS SDK.
const hook = `export async function resolve(specifier, context, next) {
  if (/^@aws-sdk\\//.test(specifier)) throw new Error("AWS-SDK:" + specifier);
  return next(specifier, context);
}`;

function run(body: string): { ok: true; out: string } | { ok: false; output: string } {
  const script = `import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hook)}));
${body}`;
  try {
    return { ok: true, out: execFileSync(process.execPath, ["--input-type=module", "-e", script], { stdio: "pipe" }).toString() };
  } catch (error) {
    return { ok: false, output: String((error as { stderr?: Buffer }).stderr ?? error) };
  }
}

describe("key provider entry points (built output)", () => {
  it("has been built", () => {
    expect(existsSync(`${dist}aws-kms.js`), "run `pnpm build` first").toBe(true);
  });

  it.each(["index.js", "crypto.js", "vault.js", "aws-kms.js"])("importing %s does not load @aws-sdk/client-kms", (file) => {
    expect(run(`await import(${JSON.stringify(pathToFileURL(`${dist}${file}`).href)});`)).toMatchObject({ ok: true });
  });

  it("the AWS provider loads the SDK on its first call, not before (the guard sees it then)", () => {
    const result = run(`const { createAwsKmsKeyProvider } = await import(${JSON.stringify(pathToFileURL(`${dist}aws-kms.js`).href)});
const provider = createAwsKmsKeyProvider({ keyId: "alias/x", region: "eu-west-1", endpoint: "http://127.0.0.1:1" });
await provider.generate({ keyId: "k1", purpose: "key-ring" });`);
    expect(result.ok).toBe(false);
    expect((result as { output: string }).output).toContain("AWS-SDK:@aws-sdk/client-kms");
  });
});
