import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();
const dev = (env: NodeJS.ProcessEnv) => loadConfig({ NODE_ENV: "development", ...env });
const refusal = (env: NodeJS.ProcessEnv) => {
  try {
    dev(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return null;
};

describe("loadConfig: the settings of the outside review", () => {
  it("trusts no proxy by default; a hop count or a validated address/CIDR list when set", () => {
    expect(dev({}).WALLET_AUTH_TRUST_PROXY).toBe(false);
    expect(dev({ WALLET_AUTH_TRUST_PROXY: "off" }).WALLET_AUTH_TRUST_PROXY).toBe(false);
    expect(dev({ WALLET_AUTH_TRUST_PROXY: "2" }).WALLET_AUTH_TRUST_PROXY).toBe(2);
    expect(dev({ WALLET_AUTH_TRUST_PROXY: "10.0.0.0/8, fd00::/8,loopback,192.0.2.7" }).WALLET_AUTH_TRUST_PROXY).toEqual(["10.0.0.0/8", "fd00::/8", "loopback", "192.0.2.7"]);
    for (const bad of ["10.0.0.0/33", "fd00::/129", "10.0.0/8", "any", "true", "10.0.0.0/8/1", "example.com"]) {
      expect(refusal({ WALLET_AUTH_TRUST_PROXY: bad }), bad).toMatch(/^WALLET_AUTH_TRUST_PROXY: must be off, a hop count/);
    }
  });

  it("reads WALLET_AUTH_EGRESS_IPS as the product's egress addresses (IPs or CIDRs, comma-separated) and WALLET_AUTH_REQUIRE_IP_BINDING as 0/1, and refuses anything else", () => {
    expect(dev({}).WALLET_AUTH_EGRESS_IPS).toBeUndefined();
    expect(dev({ WALLET_AUTH_EGRESS_IPS: "203.0.113.7, 2001:db8::/64,198.51.100.0/24" }).WALLET_AUTH_EGRESS_IPS).toEqual(["203.0.113.7", "2001:db8::/64", "198.51.100.0/24"]);
    for (const bad of ["203.0.113.7/33", "::::", "300.1.1.1", "loopback", "example.com", "10.0.0.0/8/1", ","]) {
      expect(refusal({ WALLET_AUTH_EGRESS_IPS: bad }), bad).toMatch(/^WALLET_AUTH_EGRESS_IPS: must be a comma-separated list of IP addresses or CIDR blocks/);
    }
    expect(dev({}).WALLET_AUTH_REQUIRE_IP_BINDING).toBe("0");
    expect(dev({ WALLET_AUTH_REQUIRE_IP_BINDING: "1" }).WALLET_AUTH_REQUIRE_IP_BINDING).toBe("1");
    expect(refusal({ WALLET_AUTH_REQUIRE_IP_BINDING: "yes" })).toMatch(/^WALLET_AUTH_REQUIRE_IP_BINDING: must be 0 or 1/);
  });

  it("reads every rate limit as <requests>/<window> within the router's bounds", () => {
    const config = dev({ WALLET_AUTH_RATE_LIMIT_IP: "600/1m", WALLET_AUTH_RATE_LIMIT_AUTH_FAILURES: "20/15m", WALLET_AUTH_RATE_LIMIT_TOKEN: "5/30s", WALLET_AUTH_RATE_LIMIT_PROXY: "1000/24h" });
    expect(config.WALLET_AUTH_RATE_LIMIT_IP).toEqual({ limit: 600, windowMs: 60_000 });
    expect(config.WALLET_AUTH_RATE_LIMIT_AUTH_FAILURES).toEqual({ limit: 20, windowMs: 900_000 });
    expect(config.WALLET_AUTH_RATE_LIMIT_TOKEN).toEqual({ limit: 5, windowMs: 30_000 });
    expect(config.WALLET_AUTH_RATE_LIMIT_PROXY).toEqual({ limit: 1000, windowMs: 86_400_000 });
    expect(config.WALLET_AUTH_RATE_LIMIT_USER).toBeUndefined();
    for (const bad of ["0/1m", "600", "600/1d", "600/25h", "600/0s", "-1/1m", "1.5/1m", "lots"]) {
      expect(refusal({ WALLET_AUTH_RATE_LIMIT_USER: bad }), bad).toMatch(/^WALLET_AUTH_RATE_LIMIT_USER: must be <requests>\/<window>/);
    }
  });

  it("reads CLERK_WEBHOOK_SIGNING_SECRET as a whsec_ secret and refuses anything else, naming the variable", () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    expect(dev({ CLERK_WEBHOOK_SIGNING_SECRET: secret }).CLERK_WEBHOOK_SIGNING_SECRET).toBe(secret);
    expect(dev({}).CLERK_WEBHOOK_SIGNING_SECRET).toBeUndefined();
    for (const bad of ["whsec_", "whsec_short", secret.replace("whsec_", "sk_live_"), "whsec_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"]) {
      const message = refusal({ CLERK_WEBHOOK_SIGNING_SECRET: bad });
      expect(message, bad).toMatch(/^CLERK_WEBHOOK_SIGNING_SECRET: must be the webhook endpoint's signing secret/);
      if (bad.length > 10) expect(message).not.toContain(bad);
    }
  });

  it("turns a one-line CLERK_JWT_KEY with literal \\n back into a PEM (the router's normaliser), and refuses what is not Clerk's RSA public key", () => {
    const oneLine = rsa.trim().replace(/\n/g, "\\n");
    expect(dev({ CLERK_JWT_KEY: oneLine }).CLERK_JWT_KEY).toBe(rsa);
    expect(dev({ CLERK_JWT_KEY: `"${oneLine}"` }).CLERK_JWT_KEY).toBe(rsa);
    expect(dev({ CLERK_JWT_KEY: rsa.replace(/\n/g, "\r\n") }).CLERK_JWT_KEY).toBe(rsa);
    // The bare base64 body, as some dashboards copy it.
    expect(dev({ CLERK_JWT_KEY: rsa.split("\n").filter((l) => l && !l.startsWith("-----")).join("") }).CLERK_JWT_KEY).toBe(rsa);
    for (const bad of [ec, oneLine.slice(0, 120), "-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----", "not-a-pem"]) {
      expect(refusal({ CLERK_JWT_KEY: bad })).toMatch(/^CLERK_JWT_KEY: must be the instance's RSA PEM public key/);
    }
  });

  it("sets server timeouts by default and refuses a header timeout longer than the request timeout", () => {
    expect(dev({})).toMatchObject({ WALLET_AUTH_HEADERS_TIMEOUT_MS: 10_000, WALLET_AUTH_REQUEST_TIMEOUT_MS: 30_000, WALLET_AUTH_KEEP_ALIVE_TIMEOUT_MS: 5_000 });
    expect(refusal({ WALLET_AUTH_HEADERS_TIMEOUT_MS: "40000" })).toBe("WALLET_AUTH_HEADERS_TIMEOUT_MS: must not exceed WALLET_AUTH_REQUEST_TIMEOUT_MS");
    expect(refusal({ WALLET_AUTH_KEEP_ALIVE_TIMEOUT_MS: "999" })).toMatch(/^WALLET_AUTH_KEEP_ALIVE_TIMEOUT_MS: /);
  });
});
