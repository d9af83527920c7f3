/**
 * The runbook (docs/key-rotation.md) is written as `wallet-auth <command>`: from a checkout that is
 * `pnpm wallet-auth <command>` at the repository root. Needs `pnpm run build` first.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { serverEnv } from "./test-support/serverProcess.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "wallet-auth-root-script-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the root package script", () => {
  it("runs the CLI as `pnpm wallet-auth keys status` from the repository root, arguments passed through", async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile("pnpm", ["--silent", "wallet-auth", "keys", "status", "--json"], { cwd: root, env: serverEnv(dataDir, { LOG_LEVEL: "silent" }), timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(result.code, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout) as { primaryKeyId: string; keys: { keyId: string; primary: boolean }[] };
    expect(status.keys).toEqual([expect.objectContaining({ keyId: status.primaryKeyId, primary: true })]);
  }, 150_000);
});
