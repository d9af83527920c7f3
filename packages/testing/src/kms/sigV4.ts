import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/** What {@link verifySigV4} checks a request against. */
export interface SigV4Expectation {
  /** Access key id -> secret access key. */
  credentials: ReadonlyMap<string, string>;
  region: string;
  service: string;
  /** Accepted clock difference; AWS allows 15 minutes. */
  maxSkewMs?: number;
  now?: () => number;
}

/** Why a signature was refused, as the AWS error `__type` it maps to. */
export type SigV4Failure =
  | { type: "MissingAuthenticationTokenException"; message: string }
  | { type: "IncompleteSignatureException"; message: string }
  | { type: "UnrecognizedClientException"; message: string }
  | { type: "InvalidSignatureException"; message: string };

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

// RFC 3986 encoding as SigV4 specifies it (unreserved characters kept, everything else %XX upper-case).
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalUri(path: string): string {
  // Non-S3 services: each segment is normalised and URI-encoded twice (the SDK encodes once, SigV4 once more).
  const segments = path.split("/").map((segment) => encode(encode(decodeURIComponent(segment))));
  return segments.join("/") || "/";
}

function canonicalQuery(search: string): string {
  const params = [...new URLSearchParams(search)].map(([k, v]) => [encode(k), encode(v)] as const);
  params.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return params.map(([k, v]) => `${k}=${v}`).join("&");
}

/**
 * Verifies an AWS Signature Version 4 `Authorization` header: rebuilds the canonical request from
 * the method, path, query, the signed headers and the SHA-256 of the body as received, derives
 * the signing key from the secret of the access key named in the credential scope, and compares
 * signatures in constant time. Also checks the scope's date, region, service and terminator and
 * the `X-Amz-Date` skew.
 *
 * @returns `null` when the signature is valid, else the AWS error to answer with.
 */
export function verifySigV4(request: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }, expect: SigV4Expectation): SigV4Failure | null {
  const authorization = request.headers.authorization;
  if (typeof authorization !== "string") return { type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
  const match = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(authorization.trim());
  if (!match) return { type: "IncompleteSignatureException", message: "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters." };
  const [, credential, signedHeaderList, signature] = match as unknown as [string, string, string, string];
  const scopeParts = credential.split("/");
  if (scopeParts.length !== 5) return { type: "IncompleteSignatureException", message: "Credential should be scoped to a valid region." };
  const [accessKeyId, date, region, service, terminator] = scopeParts as [string, string, string, string, string];
  const secret = expect.credentials.get(accessKeyId);
  if (secret === undefined) return { type: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
  const amzDate = request.headers["x-amz-date"];
  if (typeof amzDate !== "string" || !/^\d{8}T\d{6}Z$/.test(amzDate)) return { type: "IncompleteSignatureException", message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
  if (region !== expect.region || service !== expect.service || terminator !== "aws4_request" || date !== amzDate.slice(0, 8)) {
    return { type: "InvalidSignatureException", message: "Credential should be scoped to a valid region, service and date." };
  }
  const signedAt = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
  if (Math.abs((expect.now ?? Date.now)() - signedAt) > (expect.maxSkewMs ?? 15 * 60_000)) {
    return { type: "InvalidSignatureException", message: "Signature expired: the request time is too far from the server time." };
  }
  const signedHeaders = signedHeaderList.split(";");
  if (!signedHeaders.includes("host") || signedHeaders.some((name, i) => name !== name.toLowerCase() || (i > 0 && signedHeaders[i - 1]! >= name))) {
    return { type: "InvalidSignatureException", message: "Signed headers must include host, in lower case and sorted." };
  }
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = request.headers[name];
      const text = Array.isArray(value) ? value.join(",") : (value ?? "");
      return `${name}:${text.trim().replace(/\s+/g, " ")}\n`;
    })
    .join("");
  const url = new URL(request.url, "http://stand-in");
  const payloadHash = sha256(request.body);
  const declared = request.headers["x-amz-content-sha256"];
  if (typeof declared === "string" && declared !== payloadHash && declared !== "UNSIGNED-PAYLOAD") {
    return { type: "InvalidSignatureException", message: "The provided 'x-amz-content-sha256' header does not match what was computed." };
  }
  const canonicalRequest = [request.method, canonicalUri(url.pathname), canonicalQuery(url.search), canonicalHeaders, signedHeaderList, payloadHash].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
  const expected = hmac(signingKey, stringToSign);
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) {
    return {
      type: "InvalidSignatureException",
      message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    };
  }
  return null;
}
