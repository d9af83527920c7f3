/**
 * The verified-session cache (authenticate.ts) spares repeat RS256 checks of one token; it must
 * never stretch a token's life or accept a token that was not verified.
 */
import { mintSessionToken } from "@wallet-auth/testing/clerk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpHarness, ORIGIN, startHttpHarness, storeKinds } from "./test-support/httpHarness.js";

describe("verified session tokens reused within their lifetime", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    // No clock skew allowance, so "refused once exp passes" is exact.
    h = await startHttpHarness(storeKinds()[0]!, { clerk: { clockSkewMs: 0 } });
  });
  afterAll(() => h.close());
  const me = async (token: string) => (await fetch(`${h.base}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status;

  it("a token accepted (and cached) is refused once its exp passes", async () => {
    const token = await mintSessionToken(h.keys, { userId: "user_cache", azp: ORIGIN, expiresInS: 2 });
    expect(await me(token)).toBe(200);
    expect(await me(token)).toBe(200);
    await new Promise((r) => setTimeout(r, 2_300));
    expect(await me(token)).toBe(401);
  });

  it("a token differing from a cached one in its signature is verified afresh and refused", async () => {
    const token = await h.token("user_cache_sig");
    expect(await me(token)).toBe(200);
    const last = token.at(-2) === "A" ? "B" : "A";
    expect(await me(`${token.slice(0, -2)}${last}${token.at(-1)}`)).toBe(401);
  });
});
