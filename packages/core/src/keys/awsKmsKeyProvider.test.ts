import { randomBytes } from "node:crypto";
import { DecryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { type AwsKmsStandIn, startAwsKms } from "@wallet-auth/testing/kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import { keyRingWrapContext } from "./KeyProvider.js";
import { awsEncryptionContext, createAwsKmsKeyProvider } from "./awsKmsKeyProvider.js";
import { loadKeyRing } from "./loadKeyRing.js";

let kms: AwsKmsStandIn;
let keyId: string;
beforeAll(async () => {
  kms = await startAwsKms({ region: "eu-west-1" });
  keyId = kms.createKey().keyId;
});
afterAll(() => kms.close());

const provider = (extra: Partial<Parameters<typeof createAwsKmsKeyProvider>[0]> = {}) =>
  createAwsKmsKeyProvider({ keyId, region: kms.region, endpoint: kms.endpoint, credentials: kms.credentials, timeoutMs: 800, maxAttempts: 1, ...extra });
const coded = (code: string, reason?: string) => (e: unknown) => isWalletAuthError(e) && e.code === code && (reason === undefined || e.reason === reason);

describe("AWS KMS key provider (the real @aws-sdk/client-kms against the KMS stand-in)", () => {
  it("wraps with Encrypt and unwraps with Decrypt under the key-id encryption context, every request SigV4-verified", async () => {
    const p = provider();
    const key = randomBytes(32);
    const before = kms.requests.length;
    const wrapped = await p.wrap(key, keyRingWrapContext("k1"));
    expect(Buffer.from(await p.unwrap(wrapped, keyRingWrapContext("k1")))).toEqual(key);
    expect(kms.requests.slice(before)).toEqual([
      { operation: "Encrypt", signed: true },
      { operation: "Decrypt", signed: true },
    ]);
    await p.close();
  });

  it("generates a ring key with GenerateDataKey (AES_256) that unwraps to 32 bytes", async () => {
    const p = provider();
    const wrapped = await p.generate(keyRingWrapContext("k1"));
    expect(kms.requests.at(-1)).toEqual({ operation: "GenerateDataKey", signed: true });
    expect((await p.unwrap(wrapped, keyRingWrapContext("k1"))).byteLength).toBe(32);
  });

  it("refuses a wrapped key presented under another key id (wrong encryption context -> InvalidCiphertextException)", async () => {
    const wrapped = await provider().generate(keyRingWrapContext("k1"));
    const error = await provider().unwrap(wrapped, keyRingWrapContext("k2")).catch((e: unknown) => e);
    expect(error).toSatisfy(coded("KEY_PROVIDER_REFUSED", "invalid-ciphertext"));
    expect((error as Error & { cause: { name: string } }).cause.name).toBe("InvalidCiphertextException");
  });

  it("refuses with key-disabled once the KMS key is disabled (DisabledException), and opens again when re-enabled", async () => {
    const own = kms.createKey().keyId;
    const p = provider({ keyId: own });
    const wrapped = await p.generate(keyRingWrapContext("k1"));
    kms.disableKey(own);
    try {
      const error = await p.unwrap(wrapped, keyRingWrapContext("k1")).catch((e: unknown) => e);
      expect(error).toSatisfy(coded("KEY_PROVIDER_REFUSED", "key-disabled"));
      expect((error as Error & { cause: { name: string } }).cause.name).toBe("DisabledException");
    } finally {
      kms.enableKey(own);
    }
    expect((await p.unwrap(wrapped, keyRingWrapContext("k1"))).byteLength).toBe(32);
  });

  it("the stand-in refuses a request signed with a wrong secret, in the AWS error shape (InvalidSignatureException)", async () => {
    const client = new KMSClient({ region: kms.region, endpoint: kms.endpoint, credentials: { accessKeyId: kms.credentials.accessKeyId, secretAccessKey: `${kms.credentials.secretAccessKey}x` }, maxAttempts: 1 });
    const error = (await client.send(new DecryptCommand({ CiphertextBlob: randomBytes(80) })).catch((e: unknown) => e)) as { name: string; message: string; $metadata: { httpStatusCode: number } };
    expect(error.name).toBe("InvalidSignatureException");
    expect(error.message).toMatch(/^The request signature we calculated does not match/);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(kms.requests.at(-1)).toEqual({ operation: "Decrypt", signed: false });
    client.destroy();
    const unknown = provider({ credentials: { accessKeyId: "AKIANOTKNOWN", secretAccessKey: kms.credentials.secretAccessKey } });
    await expect(unknown.generate(keyRingWrapContext("k1"))).rejects.toSatisfy(coded("KEY_PROVIDER_REFUSED", "access-denied"));
    await expect(provider({ credentials: { ...kms.credentials, secretAccessKey: "wrong" } }).generate(keyRingWrapContext("k1"))).rejects.toSatisfy(coded("KEY_PROVIDER_REFUSED", "access-denied"));
  });

  it("the stand-in refuses a request whose body was changed after signing (the payload hash is part of the signature)", async () => {
    const client = new KMSClient({ region: kms.region, endpoint: kms.endpoint, credentials: kms.credentials, maxAttempts: 1 });
    client.middlewareStack.addRelativeTo(
      ((next: (args: { request: { body: string | Uint8Array } }) => Promise<unknown>) => (args: { request: { body: string | Uint8Array } }) => {
        const body = args.request.body;
        args.request.body = (typeof body === "string" ? body : Buffer.from(body).toString("utf8")).replace('"k1"', '"k2"');
        return next(args);
      }) as never,
      { relation: "after", toMiddleware: "httpSigningMiddleware", name: "tamper" } as never,
    );
    const wrapped = await provider().generate(keyRingWrapContext("k1"));
    const error = (await client.send(new DecryptCommand({ CiphertextBlob: Buffer.from(wrapped, "base64"), EncryptionContext: awsEncryptionContext(keyRingWrapContext("k1")) })).catch((e: unknown) => e)) as { name: string };
    expect(error.name).toBe("InvalidSignatureException");
    expect(kms.requests.at(-1)).toEqual({ operation: "Decrypt", signed: false });
    client.destroy();
  });

  it("pins Decrypt to the configured key: a ciphertext from another KMS key is refused (IncorrectKeyException)", async () => {
    const other = kms.createKey().keyId;
    const wrapped = await provider({ keyId: other }).generate(keyRingWrapContext("k1"));
    await expect(provider().unwrap(wrapped, keyRingWrapContext("k1"))).rejects.toSatisfy(coded("KEY_PROVIDER_REFUSED", "invalid-ciphertext"));
    // rewrap is how the ring moves to a new KMS key: it reads under any key the caller may use.
    const moved = await provider().rewrap(wrapped, keyRingWrapContext("k1"));
    expect((await provider().unwrap(moved, keyRingWrapContext("k1"))).byteLength).toBe(32);
  });

  it("refuses with key-not-found for a key id or alias KMS does not have (NotFoundException)", async () => {
    await expect(provider({ keyId: "alias/never-created" }).generate(keyRingWrapContext("k1"))).rejects.toSatisfy(coded("KEY_PROVIDER_REFUSED", "key-not-found"));
    await expect(provider({ keyId: "0b4ae0d2-6a4e-4b43-9c0e-000000000000" }).generate(keyRingWrapContext("k1"))).rejects.toSatisfy(coded("KEY_PROVIDER_REFUSED", "key-not-found"));
  });

  it("fails with KEY_PROVIDER_UNAVAILABLE (timeout) when KMS does not answer, within the deadline", async () => {
    const wrapped = await provider().generate(keyRingWrapContext("k1"));
    kms.stall(true);
    try {
      const started = performance.now();
      await expect(provider().unwrap(wrapped, keyRingWrapContext("k1"))).rejects.toSatisfy(coded("KEY_PROVIDER_UNAVAILABLE", "timeout"));
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      kms.stall(false);
    }
  });

  it("loads a ring through an alias and the ring seals and opens; the encryption context names the key id", async () => {
    kms.createAlias("alias/wallet-auth-ring", keyId);
    const p = provider({ keyId: "alias/wallet-auth-ring" });
    const wrapped = await p.generate(keyRingWrapContext("k2026"));
    const ring = await loadKeyRing({ provider: p, env: { WALLET_AUTH_WRAPPED_KEYS: `k2026:${wrapped}` } });
    const context = { userId: "u1", recordId: "r1", purpose: "credential:binance" };
    expect(ring.openWith(ring.seal(new Uint8Array([1, 2, 3]), context).sealed, context, (s) => [...s])).toEqual([1, 2, 3]);
    expect(awsEncryptionContext(keyRingWrapContext("k2026"))).toEqual({ "wallet-auth:purpose": "key-ring", "wallet-auth:key-id": "k2026" });
    await p.close();
  });
});
