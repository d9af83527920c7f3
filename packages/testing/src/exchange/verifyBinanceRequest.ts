import { createHmac, createPublicKey, timingSafeEqual, verify } from "node:crypto";
import type { LoopbackAccount } from "./types.js";

/** A Binance-shaped refusal: HTTP status plus `{ code, msg }`. */
export interface BinanceRefusal {
  status: number;
  code: number;
  msg: string;
}

/** Inputs of {@link verifyBinanceRequest}. */
export interface VerifyBinanceRequestOptions {
  /** Raw query string, without the leading `?`. */
  rawQuery: string;
  /** Raw request body (form-encoded), `""` when none. */
  rawBody: string;
  /** Value of the `X-MBX-APIKEY` header, if any. */
  apiKey: string | undefined;
  /** Normalised source address of the request. */
  remoteAddress: string;
  /** The exchange's current time, epoch ms. */
  serverTime: number;
  findAccount(apiKey: string): LoopbackAccount | undefined;
}

const INVALID_KEY: BinanceRefusal = { status: 401, code: -2015, msg: "Invalid API-key, IP, or permissions for action." };

/**
 * Checks `signature` over `payload` as Binance does for the key's type: HMAC-SHA256 hex with the
 * secret, or base64 Ed25519 / RSA (PKCS#1 v1.5, SHA-256) verified with the registered public key.
 */
function signatureValid(account: LoopbackAccount, payload: string, signature: string): boolean {
  const pem = account.publicKey ?? (account.secret.includes("PRIVATE KEY") ? account.secret : undefined);
  if (pem === undefined) {
    const expected = createHmac("sha256", account.secret).update(payload).digest();
    const given = /^[0-9a-fA-F]{64}$/.test(signature) ? Buffer.from(signature, "hex") : Buffer.alloc(0);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  const key = createPublicKey(pem);
  const given = Buffer.from(signature, "base64");
  if (key.asymmetricKeyType === "ed25519") return verify(null, Buffer.from(payload), key, given);
  if (key.asymmetricKeyType === "rsa") return verify("RSA-SHA256", Buffer.from(payload), key, given);
  return false;
}

/**
 * Authenticates a signed (`USER_DATA`) request the way Binance documents it: the key header
 * names an account, an IP-restricted key must come from an allowed address, the signature
 * (HMAC-SHA256 hex, or base64 Ed25519 / RSA for asymmetric keys) covers the exact query string
 * (without `signature`) followed by the body, and the
 * `timestamp` lies within `recvWindow` (default 5000, at most 60000) and no more than 1000 ms
 * ahead of the server.
 */
export function verifyBinanceRequest(options: VerifyBinanceRequestOptions): LoopbackAccount | BinanceRefusal {
  if (options.apiKey === undefined || options.apiKey === "") {
    return { status: 401, code: -2014, msg: "API-key format invalid." };
  }
  const account = options.findAccount(options.apiKey);
  if (account === undefined) return INVALID_KEY;
  if (account.permissions?.ipRestrict === true && !(account.allowedIps ?? []).includes(options.remoteAddress)) {
    return INVALID_KEY;
  }

  const parts = options.rawQuery === "" ? [] : options.rawQuery.split("&");
  const signatureIndex = parts.findIndex((part) => part.startsWith("signature="));
  let signature: string | undefined;
  let payloadQuery = options.rawQuery;
  if (signatureIndex >= 0) {
    signature = decodeURIComponent((parts[signatureIndex] ?? "").slice("signature=".length));
    payloadQuery = parts.filter((_, index) => index !== signatureIndex).join("&");
  }
  let payloadBody = options.rawBody;
  if (signature === undefined && options.rawBody !== "") {
    const bodyParts = options.rawBody.split("&");
    const bodyIndex = bodyParts.findIndex((part) => part.startsWith("signature="));
    if (bodyIndex >= 0) {
      signature = decodeURIComponent((bodyParts[bodyIndex] ?? "").slice("signature=".length));
      payloadBody = bodyParts.filter((_, index) => index !== bodyIndex).join("&");
    }
  }
  if (signature === undefined) {
    return { status: 400, code: -1102, msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed." };
  }
  if (!signatureValid(account, payloadQuery + payloadBody, signature)) {
    return { status: 400, code: -1022, msg: "Signature for this request is not valid." };
  }

  const params = new URLSearchParams(payloadQuery + (payloadBody === "" ? "" : "&" + payloadBody));
  const timestamp = Number(params.get("timestamp"));
  if (!Number.isSafeInteger(timestamp) || timestamp <= 0) {
    return { status: 400, code: -1102, msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed." };
  }
  const recvWindowRaw = params.get("recvWindow");
  const recvWindow = recvWindowRaw === null ? 5000 : Number(recvWindowRaw);
  if (!Number.isFinite(recvWindow) || recvWindow <= 0 || recvWindow > 60_000) {
    return { status: 400, code: -1131, msg: "recvWindow must be less than 60000" };
  }
  if (timestamp >= options.serverTime + 1000) {
    return { status: 400, code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." };
  }
  if (options.serverTime - timestamp > recvWindow) {
    return { status: 400, code: -1021, msg: "Timestamp for this request is outside of the recvWindow." };
  }
  return account;
}

/** `true` for a refusal rather than an account. */
export function isRefusal(value: LoopbackAccount | BinanceRefusal): value is BinanceRefusal {
  return typeof (value as BinanceRefusal).code === "number" && typeof (value as BinanceRefusal).status === "number";
}
