/**
 * The reference server as a process in development mode, listening on every interface: what the
 * development routes answer to whom, the session shapes the development sign-in mints, and the
 * file modes of the data folder it creates. Needs `pnpm run build` first.
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, call, serverEnv, startServerProcess } from "./test-support/serverProcess.js";

const parent = mkdtempSync(join(tmpdir(), "wallet-auth-dev-"));
// Not created beforehand: the server makes it.
const dataDir = join(parent, "data");
/** An address of this machine that is not loopback (the server sees it as the peer when we connect from it). */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;

describe("a development server listening on every interface", () => {
  let server: ServerProcess;
  let port: string;

  beforeAll(async () => {
    // A hop count would make req.ip the forged header's value: the guard must not care.
    server = await startServerProcess(serverEnv(dataDir, { HOST: "0.0.0.0", WALLET_AUTH_TRUST_PROXY: "1" }));
    port = new URL(server.url).port;
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  it("says development mode in its start-up line", () => {
    expect(server.output()).toMatch(/wallet-auth listening on http:\/\/0\.0\.0\.0:\d+ \(development mode\)/);
  });

  it.skipIf(!lanAddress)("answers /dev/sign-in only to loopback peers, judged by the socket, not by X-Forwarded-For", async () => {
    const local = await call(`http://127.0.0.1:${port}`, "POST", "/dev/sign-in", { body: { userId: "user_local" } });
    expect(local.status).toBe(200);
    const remote = `http://${lanAddress}:${port}`;
    for (const headers of [{}, { "x-forwarded-for": "127.0.0.1" }]) {
      const signIn = await call(remote, "POST", "/dev/sign-in", { body: { userId: "user_remote" }, localAddress: lanAddress, headers });
      expect(signIn.status).toBe(404);
      expect(signIn.text).not.toContain("token");
      expect((await call(remote, "POST", "/dev/exchange-account", { body: {}, localAddress: lanAddress, headers })).status).toBe(404);
    }
    // The API itself is not loopback-only.
    expect((await call(remote, "GET", "/api/v1/me", { token: local.json.token, localAddress: lanAddress })).status).toBe(200);
  });

  it("mints the session shapes step-up and MFA need: first factor only, second factor verified, stale, pending", async () => {
    const mint = async (body: Record<string, unknown>) => claimsOf((await call(server.url, "POST", "/dev/sign-in", { body: { userId: "user_shapes", ...body } })).json.token);
    expect((await mint({})).fva).toEqual([0, -1]);
    expect((await mint({ secondFactor: true })).fva).toEqual([0, 0]);
    expect((await mint({ secondFactor: true, stale: true })).fva).toEqual([120, 120]);
    expect((await mint({ stale: true })).fva).toEqual([120, -1]);
    // Signed in with both factors 30 minutes ago, first factor re-verified just now.
    expect((await mint({ fva: [0, 30] })).fva).toEqual([0, 30]);
    expect((await call(server.url, "POST", "/dev/sign-in", { body: { userId: "user_shapes", fva: [0, -2] } })).status).toBe(400);
    const pending = await mint({ pending: true });
    expect(pending.sts).toBe("pending");
    expect((await mint({})).sts).toBeUndefined();
  });

  it("creates its data folder 0700 and keeps every file in it owner-only (PGlite's own files were 0666)", async () => {
    expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
    expect(await server.stop()).toBe(0);
    const loose = [dataDir, ...readdirSync(dataDir, { recursive: true }).map((e) => join(dataDir, String(e)))].filter((p) => lstatSync(p).mode & 0o077);
    expect(loose).toEqual([]);
    expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(["dev-secrets.env", "dev-clerk-key.pem", "pglite"]));
  });
});
