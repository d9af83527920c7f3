import type { KMSClient, KMSClientConfig } from "@aws-sdk/client-kms";
import { WalletAuthError } from "../errors/index.js";
import type { KeyProvider, KeyWrapContext } from "./KeyProvider.js";
import { type KeyProviderRefusal, keyProviderRefused, keyProviderUnavailable } from "./keyProviderErrors.js";

const KIND = "aws-kms";
const KEY_BYTES = 32;

/** Options of {@link createAwsKmsKeyProvider}. */
export interface AwsKmsKeyProviderOptions {
  /** The symmetric KMS key that wraps the ring: key id, key ARN, alias name or alias ARN. */
  keyId: string;
  /** The key's region (`AWS_REGION`). */
  region: string;
  /** A KMS endpoint other than the region's (a VPC endpoint, FIPS, a test stand-in). */
  endpoint?: string | undefined;
  /** Static credentials; default the SDK's provider chain (environment, web identity, instance role...). */
  credentials?: KMSClientConfig["credentials"] | undefined;
  /** Deadline for one operation, retries included, in ms; default 5000. */
  timeoutMs?: number | undefined;
  /** Attempts per operation (the SDK retries throttling and 5xx); default 2. */
  maxAttempts?: number | undefined;
}

/** The encryption context every ring key is wrapped under: KMS refuses to decrypt with any other. */
export function awsEncryptionContext({ keyId, purpose }: KeyWrapContext): Record<string, string> {
  return { "wallet-auth:purpose": purpose, "wallet-auth:key-id": keyId };
}

const REFUSALS: Readonly<Record<string, KeyProviderRefusal>> = {
  DisabledException: "key-disabled",
  KMSInvalidStateException: "key-disabled",
  KeyUnavailableException: "key-disabled",
  NotFoundException: "key-not-found",
  InvalidCiphertextException: "invalid-ciphertext",
  IncorrectKeyException: "invalid-ciphertext",
  AccessDeniedException: "access-denied",
  InvalidSignatureException: "access-denied",
  IncompleteSignatureException: "access-denied",
  UnrecognizedClientException: "access-denied",
  ExpiredTokenException: "access-denied",
  InvalidGrantTokenException: "access-denied",
  InvalidKeyUsageException: "invalid-request",
  ValidationException: "invalid-request",
};

/** Maps an SDK error to a coded one; the SDK error (its message, request id) stays in `cause`. */
function coded(error: unknown): WalletAuthError {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $fault?: string; code?: string } | null;
  const name = e?.name ?? "";
  const refusal = REFUSALS[name];
  if (refusal) return keyProviderRefused(KIND, refusal, error);
  if (name === "TimeoutError" || name === "AbortError" || name === "RequestTimeout") return keyProviderUnavailable(KIND, "timeout", error);
  if (/Throttling|LimitExceeded|TooManyRequests/.test(name)) return keyProviderUnavailable(KIND, "throttled", error);
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && status < 500 && e?.$fault === "client") return keyProviderRefused(KIND, "invalid-request", error);
  if (status !== undefined) return keyProviderUnavailable(KIND, "service-error", error);
  return keyProviderUnavailable(KIND, "unreachable", error);
}

function fail(reason: KeyProviderRefusal, what: string): WalletAuthError {
  return keyProviderRefused(KIND, reason, new Error(what));
}

/**
 * A {@link KeyProvider} over AWS KMS (`Encrypt`, `Decrypt`, `GenerateDataKey`) through
 * `@aws-sdk/client-kms`, an optional peer dependency loaded on first use. Every ring key is
 * wrapped under an encryption context binding its key id and purpose
 * ({@link awsEncryptionContext}); `Decrypt` names the configured key, so a ciphertext made
 * under any other KMS key is refused (`rewrap` does not pin it: it is how the ring moves to a
 * new KMS key).
 *
 * A disabled key (`DisabledException`), a key pending deletion (`KMSInvalidStateException`),
 * a wrong context (`InvalidCiphertextException`) or refused credentials are
 * `KEY_PROVIDER_REFUSED`; a timeout, a network error or a 5xx is `KEY_PROVIDER_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * import { loadKeyRing } from "@wallet-auth/core";
 * import { createAwsKmsKeyProvider } from "@wallet-auth/core/aws-kms";
 * const provider = createAwsKmsKeyProvider({ keyId: "alias/wallet-auth", region: "eu-west-1" });
 * const keyRing = await loadKeyRing({ provider }); // WALLET_AUTH_WRAPPED_KEYS, WALLET_AUTH_PRIMARY_KEY_ID
 * ```
 */
export function createAwsKmsKeyProvider(options: AwsKmsKeyProviderOptions): KeyProvider {
  if (typeof options?.keyId !== "string" || !/^[A-Za-z0-9:/_+=,.@-]{1,2048}$/.test(options.keyId)) throw new WalletAuthError("INVALID_INPUT", { reason: "kms-key-id", details: { field: "keyId" } });
  if (typeof options.region !== "string" || !/^[a-z]{2}(-[a-z0-9]+){1,4}$/.test(options.region)) throw new WalletAuthError("INVALID_INPUT", { reason: "kms-region", details: { field: "region" } });
  if (options.endpoint !== undefined && !(URL.canParse(options.endpoint) && /^https?:\/\//.test(options.endpoint))) throw new WalletAuthError("INVALID_INPUT", { reason: "kms-endpoint", details: { field: "endpoint" } });
  const timeoutMs = options.timeoutMs ?? 5000;
  const keyId = options.keyId;
  let sdk: Promise<{ client: KMSClient; kms: typeof import("@aws-sdk/client-kms") }> | null = null;
  // The SDK loads on the first call (an optional peer): importing this module costs nothing.

  const load = () =>
    (sdk ??= import("@aws-sdk/client-kms").then((kms) => ({
      kms,
      client: new kms.KMSClient({
        region: options.region,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        maxAttempts: options.maxAttempts ?? 2,
        requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
      }),
    })));

  type Kms = typeof import("@aws-sdk/client-kms");
  async function run<T>(call: (client: KMSClient, kms: Kms, options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
    const { client, kms } = await load();
    try {
      return await call(client, kms, { abortSignal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw coded(error);
    }
  }

  async function encrypt(key: Uint8Array, context: KeyWrapContext): Promise<string> {
    if (!(key instanceof Uint8Array) || key.byteLength !== KEY_BYTES) throw new WalletAuthError("INVALID_INPUT", { reason: "key-length" });
    const out = await run((client, kms, options) => client.send(new kms.EncryptCommand({ KeyId: keyId, Plaintext: key, EncryptionContext: awsEncryptionContext(context) }), options));
    if (!(out.CiphertextBlob instanceof Uint8Array)) throw fail("invalid-request", "no CiphertextBlob in the answer");
    return Buffer.from(out.CiphertextBlob).toString("base64");
  }

  async function decrypt(wrapped: string, context: KeyWrapContext, pinKey: boolean): Promise<Uint8Array> {
    if (typeof wrapped !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(wrapped)) throw fail("invalid-ciphertext", "not base64");
    const out = await run((client, kms, options) =>
      client.send(new kms.DecryptCommand({ CiphertextBlob: Buffer.from(wrapped, "base64"), EncryptionContext: awsEncryptionContext(context), ...(pinKey ? { KeyId: keyId } : {}) }), options),
    );
    const plaintext = out.Plaintext;
    if (!(plaintext instanceof Uint8Array)) throw fail("invalid-ciphertext", "no Plaintext in the answer");
    const key = Buffer.from(plaintext);
    plaintext.fill(0);
    if (key.byteLength !== KEY_BYTES) {
      key.fill(0);
      throw fail("invalid-ciphertext", "the unwrapped key is not 32 bytes");
    }
    return key;
  }

  return {
    kind: KIND,
    wrap: encrypt,
    unwrap: (wrapped, context) => decrypt(wrapped, context, true),
    async rewrap(wrapped, context) {
      const key = await decrypt(wrapped, context, false);
      try {
        return await encrypt(key, context);
      } finally {
        key.fill(0);
      }
    },
    async generate(context) {
      const out = await run((client, kms, options) =>
        client.send(new kms.GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256", EncryptionContext: awsEncryptionContext(context) }), options),
      );
      out.Plaintext?.fill(0);
      if (!(out.CiphertextBlob instanceof Uint8Array)) throw fail("invalid-request", "no CiphertextBlob in the answer");
      return Buffer.from(out.CiphertextBlob).toString("base64");
    },
    async close() {
      if (sdk === null) return;
      const loaded = await sdk.catch(() => null);
      loaded?.client.destroy();
    },
  };
}
