import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const demo = fileURLToPath(new URL("../dist/demo.js", import.meta.url));
const dataDir = `${mkdtempSync(join(tmpdir(), "wallet-auth-demo-"))}/`;
const env = { ...process.env, WALLET_AUTH_DATA_DIR: dataDir, WALLET_AUTH_KEYS: "", WALLET_AUTH_PRIMARY_KEY_ID: "" };

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// What `pnpm start` runs, on the built output, in a fresh data folder.
describe("pnpm start (the embedded demo)", () => {
  it("runs end to end on a fresh folder, then again on the same data", async () => {
    expect(existsSync(demo), "run `pnpm build` first").toBe(true);
    const first = await run(process.execPath, [demo], { env, timeout: 120_000 });
    expect(first.stdout).toMatch(/generated development keys/);
    expect(first.stdout).toMatch(/balance: BTC free 0\.25 locked 0\.05 total 0\.3 \(USD 29100\.15\)/);
    expect(first.stdout).toMatch(/replaying the same signature is refused: WALLET_VERIFICATION_FAILED/);
    expect(first.stdout).toMatch(/audit: chain of user_demo verifies \(\d+ events\)/);

    // Keys are kept private to the owner, and the second run opens the same database.
    expect(statSync(join(dataDir, "dev-secrets.env")).mode & 0o077).toBe(0);
    const second = await run(process.execPath, [demo], { env, timeout: 120_000 });
    expect(second.stdout).toMatch(/credentials of user_demo: 2/);
    expect(second.stdout).toMatch(/migrations applied: \{"migrations":\[\]\}/);

    // The demo never prints a secret or key material.
    const keys = readFileSync(join(dataDir, "dev-secrets.env"), "utf8");
    for (const value of keys.matchAll(/=(?:[^:\n]+:)?([A-Za-z0-9+/]{40,}=*)/g)) {
      expect(`${first.stdout}${first.stderr}${second.stdout}`).not.toContain(value[1]);
    }
    expect(`${first.stdout}${second.stdout}`).not.toContain("demo-secret-value");
  });
});
