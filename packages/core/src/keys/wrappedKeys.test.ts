import { describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import { formatWrappedKeys, parseWrappedKeys } from "./wrappedKeys.js";

const vaultText = "vault:v3:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=";
const awsText = "AQIDAHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg+/w==";

describe("WALLET_AUTH_WRAPPED_KEYS", () => {
  it("reads Vault ciphertexts (which hold colons) and AWS blobs, with and without a creation date, and writes them back", () => {
    const text = `k1:${vaultText}:2025-03-04, k2:${awsText}`;
    const entries = parseWrappedKeys(text);
    expect(entries).toEqual([
      { id: "k1", wrapped: vaultText, createdAt: new Date("2025-03-04T00:00:00Z") },
      { id: "k2", wrapped: awsText },
    ]);
    expect(formatWrappedKeys(entries)).toBe(`k1:${vaultText}:2025-03-04,k2:${awsText}`);
  });

  it.each([
    ["", "no-keys"],
    ["k1", "malformed-entry"],
    [":vault:v1:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", "malformed-entry"],
    ["k1:short", "malformed-entry"],
    [`k1:${vaultText} x`, "malformed-entry"],
    [`bad id!:${vaultText}`, "invalid-key-id"],
    [`k1:${vaultText}:2025-02-30`, "invalid-created-date"],
  ])("refuses %j with KEY_RING_INVALID %s, naming no value", (text, problem) => {
    let error: unknown;
    try {
      parseWrappedKeys(text);
    } catch (e) {
      error = e;
    }
    expect(isWalletAuthError(error) && error.code === "KEY_RING_INVALID" && error.details?.["problem"]).toBe(problem);
    expect(JSON.stringify(error)).not.toContain("QUJD");
  });
});
