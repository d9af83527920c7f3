import { errorCodes } from "@wallet-auth/core";
import { describe, expect, it } from "vitest";
import { WalletAuthApiError, describeError, errorHelp, explainError } from "./apiError.js";

describe("errorHelp", () => {
  it("every error code in core's list has a human message and a fix", () => {
    const missing = errorCodes.filter((code) => !errorHelp[code]?.title || !errorHelp[code]?.fix);
    expect(missing).toEqual([]);
    for (const code of errorCodes) expect(describeError(new WalletAuthApiError({ code, message: "m", requestId: "r" }))).not.toMatch(/[A-Z]{3,}_[A-Z]{3,}/);
  });

  it("a raw code never reaches the words: an unknown code reads as the generic internal error", () => {
    expect(describeError(new WalletAuthApiError({ code: "SOMETHING_NEW" as never, message: "m", requestId: "req_9" }))).toBe(
      "Something went wrong on our side. Try again; if it keeps failing, contact support with the reference. (reference req_9)",
    );
  });

  it("a rejected wallet signature (EIP-1193 4001) says it was rejected", () => {
    expect(explainError(Object.assign(new Error("User denied"), { code: 4001 }))?.code).toBe("WALLET_REJECTED");
  });

  it("POLICY_DENIED names the rule in words", () => {
    expect(describeError(new WalletAuthApiError({ code: "POLICY_DENIED", message: "m", requestId: "r", rule: "notional_max" }))).toContain("the order is larger than the per-order cap");
  });
});
