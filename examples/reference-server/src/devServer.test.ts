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
    server = await startServerProcess(serverEnv(dataDir, { HOST: "0.0.0.0", WALLET_AUTH_TRUST_PROXY: "1", WALLET_AUTH_REQUIRE_MFA: "1", WALLET_AUTH_RATE_LIMIT_TOKEN: "3/1m" }));
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
    // The router treats a pending session as signed out, as Clerk's SDK does.
    const pendingToken = (await call(server.url, "POST", "/dev/sign-in", { body: { userId: "user_shapes", pending: true } })).json.token;
    expect((await call(server.url, "GET", "/api/v1/me", { token: pendingToken })).status).toBe(401);
  });

  it("with WALLET_AUTH_REQUIRE_MFA=1 refuses a sensitive action to a session without a second factor, and lets a verified one through", async () => {
    const token = async (body: Record<string, unknown>) => (await call(server.url, "POST", "/dev/sign-in", { body: { userId: "user_mfa", ...body } })).json.token as string;
    const create = { label: "mfa bot", scopes: ["credentials:read"] };
    const firstOnly = await call(server.url, "POST", "/api/v1/tokens", { token: await token({}), body: create });
    expect(firstOnly.status).toBe(403);
    expect(firstOnly.json.clerk_error).toMatchObject({ type: "forbidden", reason: "reverification-error" });
    expect((await call(server.url, "POST", "/api/v1/tokens", { token: await token({ secondFactor: true, stale: true }), body: create })).status).toBe(403);
    const verified = await call(server.url, "POST", "/api/v1/tokens", { token: await token({ secondFactor: true }), body: create });
    expect(verified.status).toBe(201);

    // WALLET_AUTH_RATE_LIMIT_TOKEN=3/1m: the fourth request of that bot token within the minute is refused.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(server.url, "GET", "/api/v1/credentials", { token: verified.json.token })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("puts nosniff, no-referrer and frame-ancestors 'none' on every response: the page at /, the development routes, health, 404s", async () => {
    for (const [method, path] of [["GET", "/"], ["GET", "/healthz"], ["GET", "/nothing-here"], ["POST", "/dev/sign-in"], ["GET", "/api/v1/me"]] as const) {
      const answer = await call(server.url, method, path, method === "POST" ? { body: { userId: "user_headers" } } : {});
      expect(answer.headers["x-content-type-options"], path).toBe("nosniff");
      expect(answer.headers["referrer-policy"], path).toBe("no-referrer");
      expect(String(answer.headers["content-security-policy"]), path).toContain("frame-ancestors 'none'");
      // Plain HTTP: no Strict-Transport-Security.
      expect(answer.headers["strict-transport-security"], path).toBeUndefined();
    }
  });

  it("creates its data folder 0700 and keeps every file in it owner-only (PGlite's own files were 0666)", async () => {
    expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
    expect(await server.stop()).toBe(0);
    const loose = [dataDir, ...readdirSync(dataDir, { recursive: true }).map((e) => join(dataDir, String(e)))].filter((p) => lstatSync(p).mode & 0o077);
    expect(loose).toEqual([]);
    expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(["dev-secrets.env", "dev-clerk-key.pem", "pglite"]));
  });
});
