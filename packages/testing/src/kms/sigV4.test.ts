import { describe, expect, it } from "vitest";
import { verifySigV4 } from "./sigV4.js";

// AWS's published SigV4 example (S3 API reference, "Example: GET Object"): the verifier must
// reproduce AWS's own signature from the canonical request, independently of any SDK.
const example = {
  method: "GET",
  url: "/test.txt",
  headers: {
    host: "examplebucket.s3.amazonaws.com",
    range: "bytes=0-9",
    "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "x-amz-date": "20130524T000000Z",
    authorization:
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
  },
  body: Buffer.alloc(0),
};
const expectation = {
  credentials: new Map([["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]]),
  region: "us-east-1",
  service: "s3",
  now: () => Date.UTC(2013, 4, 24, 0, 1),
};

describe("verifySigV4", () => {
  it("accepts AWS's published example signature (GET Object, us-east-1)", () => {
    expect(verifySigV4(example, expectation)).toBeNull();
  });

  it.each([
    ["a signed header changed", { ...example, headers: { ...example.headers, range: "bytes=0-10" } }, "InvalidSignatureException"],
    ["the path changed", { ...example, url: "/test2.txt" }, "InvalidSignatureException"],
    ["a body added", { ...example, body: Buffer.from("x") }, "InvalidSignatureException"],
    ["another secret", example, "InvalidSignatureException", new Map([["AKIAIOSFODNN7EXAMPLE", "wrong"]])],
    ["an unknown access key", example, "UnrecognizedClientException", new Map([["AKIAOTHER", "x"]])],
    ["no Authorization header", { ...example, headers: { ...example.headers, authorization: undefined } }, "MissingAuthenticationTokenException"],
  ] as const)("refuses the example with %s", (_what, request, type, credentials?: Map<string, string>) => {
    expect(verifySigV4(request as typeof example, { ...expectation, ...(credentials ? { credentials } : {}) })?.type).toBe(type);
  });

  it("refuses a signature older than the allowed skew (15 minutes by default)", () => {
    expect(verifySigV4(example, { ...expectation, now: () => Date.UTC(2013, 4, 24, 0, 16) })?.type).toBe("InvalidSignatureException");
  });
});
