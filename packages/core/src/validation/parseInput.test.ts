import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isWalletAuthError } from "../errors/index.js";
import { labelSchema, parseContext, parseId, parseInput } from "./index.js";

function codeAndFields(fn: () => unknown): { code: string; fields: unknown } | undefined {
  try {
    fn();
  } catch (error) {
    if (isWalletAuthError(error)) return { code: error.code, fields: (error.details as { fields?: unknown } | undefined)?.fields };
    throw error;
  }
  return undefined;
}

describe("parseInput", () => {
  const schema = z.strictObject({ label: labelSchema, apiKey: z.string() });

  it("never echoes an unknown field's name (a pasted secret stays out of the error)", () => {
    const pasted = "sk_live_THIS_IS_A_SECRET";
    const result = codeAndFields(() => parseInput(schema, { label: "a", apiKey: "k", [pasted]: 1 }));
    expect(result).toEqual({ code: "INVALID_INPUT", fields: ["(unknown)"] });
    expect(JSON.stringify(result)).not.toContain(pasted);
  });

  it("names known fields that are wrong", () => {
    expect(codeAndFields(() => parseInput(schema, { label: "", apiKey: 1 }))).toEqual({ code: "INVALID_INPUT", fields: ["apiKey", "label"] });
  });

  it.each(["a\u202Eb", "a\u0000b", "a\u0007b", "\ud800x", "a\u2066b"])("refuses a label with control, bidi or lone-surrogate characters (%j)", (label) => {
    expect(labelSchema.safeParse(label).success).toBe(false);
  });
});

describe("parseContext / parseId", () => {
  it.each([null, undefined, 5, {}, { userId: "" }, { userId: 7 }, { userId: "u".repeat(1 << 20) }, { userId: "u\u0000" }, { userId: "u", extra: 1 }])(
    "refuses a bad context with INVALID_INPUT (%#)",
    (ctx) => {
      expect(codeAndFields(() => parseContext(ctx))?.code).toBe("INVALID_INPUT");
    },
  );

  it("accepts a normal context", () => {
    expect(parseContext({ userId: "user_2abc", requestId: "r1", ip: "::1" })).toEqual({ userId: "user_2abc", requestId: "r1", ip: "::1" });
  });

  it.each([["a"], new String("a"), "", "x".repeat(129), "a\u0000", 42, null])("refuses an id that is not a plain safe string (%#)", (id) => {
    expect(codeAndFields(() => parseId(id, "credentialId"))).toEqual({ code: "INVALID_INPUT", fields: ["credentialId"] });
  });
});
