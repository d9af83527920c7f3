import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type LoopbackHttp, sendJson, startLoopbackHttp } from "./loopbackHttp.js";
import { verifySigV4 } from "./sigV4.js";

/** Options of {@link startAwsKms}. */
export interface StartAwsKmsOptions {
  /** Default `us-east-1`. */
  region?: string;
  /** Default a random test key pair. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Default `111122223333`. */
  accountId?: string;
}

/** A KMS key as the stand-in keeps it. */
export interface AwsKmsKeyInfo {
  keyId: string;
  arn: string;
  enabled: boolean;
  /** How many backing keys (1 + rotations). Old backing keys keep decrypting, as in AWS. */
  backingKeys: number;
}

/** A running KMS stand-in. */
export interface AwsKmsStandIn {
  /** The endpoint to give the SDK (`endpoint`). */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** Creates a symmetric `ENCRYPT_DECRYPT` key (also `TrentService.CreateKey`). */
  createKey(): AwsKmsKeyInfo;
  /** Points `alias/<name>` at a key (also `TrentService.CreateAlias`). */
  createAlias(aliasName: string, keyId: string): void;
  /** `DisableKey`: every cryptographic call on it answers `DisabledException`. */
  disableKey(keyId: string): void;
  enableKey(keyId: string): void;
  /** `RotateKeyOnDemand`: new backing key for new ciphertexts; old ones still decrypt. */
  rotateKey(keyId: string): void;
  key(keyId: string): AwsKmsKeyInfo | undefined;
  /** While `true`, requests are never answered (a KMS that times out). */
  stall(on: boolean): void;
  /** Every request so far: the `X-Amz-Target` operation and whether its signature passed. */
  readonly requests: readonly { operation: string; signed: boolean }[];
  close(): Promise<void>;
}

interface Key {
  id: string;
  arn: string;
  enabled: boolean;
  backing: Buffer[];
  created: number;
}

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const BLOB_VERSION = 1;
const UUID_BYTES = 16;

/** The encryption context as associated data: sorted pairs, so the order a client sends them in does not matter. */
function contextAad(context: unknown): Buffer {
  if (context === undefined || context === null) return Buffer.alloc(0);
  if (typeof context !== "object" || Array.isArray(context) || !Object.values(context).every((v) => typeof v === "string")) {
    throw new KmsError("ValidationException", "1 validation error detected: Value at 'encryptionContext' failed to satisfy constraint");
  }
  return Buffer.from(JSON.stringify(Object.entries(context as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), "utf8");
}

function blobOf(value: unknown, field: string): Buffer {
  if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new KmsError("SerializationException", `Can not deserialize ${field}`);
  return Buffer.from(value, "base64");
}

/**
 * Starts a loopback stand-in for AWS KMS on 127.0.0.1 that speaks the real JSON 1.1 protocol
 * (`POST /`, `X-Amz-Target: TrentService.<Operation>`, `application/x-amz-json-1.1`, errors as
 * `{"__type": ..., "message": ...}` with HTTP 400) and VERIFIES every request's SigV4 signature
 * (see `verifySigV4`): a wrong secret is refused with `InvalidSignatureException`, an unknown
 * access key with `UnrecognizedClientException`. Drive it with the real `@aws-sdk/client-kms`
 * (`endpoint`, `region`, `credentials` from the stand-in).
 *
 * Operations: `CreateKey`, `DescribeKey`, `CreateAlias`, `EnableKey`, `DisableKey`,
 * `RotateKeyOnDemand`, `Encrypt`, `Decrypt`, `GenerateDataKey`, `ReEncrypt`. Ciphertexts are
 * real AES-256-GCM under the key's backing key with the encryption context as associated data:
 * a different context answers `InvalidCiphertextException`, a disabled key `DisabledException`,
 * `Decrypt` naming another key `IncorrectKeyException`. Unlike moto, a disabled key does not
 * decrypt.
 *
 * @example
 * ```ts
 * import { KMSClient } from "@aws-sdk/client-kms";
 * import { startAwsKms } from "@wallet-auth/testing/kms";
 * const kms = await startAwsKms();
 * const { keyId } = kms.createKey();
 * const client = new KMSClient({ endpoint: kms.endpoint, region: kms.region, credentials: kms.credentials });
 * ```
 */
export async function startAwsKms(options: StartAwsKmsOptions = {}): Promise<AwsKmsStandIn> {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "111122223333";
  const credentials = options.credentials ?? { accessKeyId: `AKIA${randomBytes(8).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(30).toString("base64") };
  const keys = new Map<string, Key>();
  const aliases = new Map<string, string>();
  const requests: { operation: string; signed: boolean }[] = [];

  const arnOf = (id: string) => `arn:aws:kms:${region}:${accountId}:key/${id}`;
  const resolve = (identifier: unknown): Key => {
    if (typeof identifier !== "string" || identifier.length === 0) throw new KmsError("ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null");
    let id = identifier;
    const aliasName = identifier.startsWith("alias/") ? identifier : /^arn:aws:kms:[^:]+:\d+:(alias\/.+)$/.exec(identifier)?.[1];
    if (aliasName) id = aliases.get(aliasName) ?? "";
    const arnKey = /^arn:aws:kms:([^:]+):(\d+):key\/(.+)$/.exec(id);
    if (arnKey) id = arnKey[1] === region && arnKey[2] === accountId ? arnKey[3]! : "";
    const key = keys.get(id);
    if (!key) throw new KmsError("NotFoundException", `Key '${arnOf(identifier)}' does not exist`);
    return key;
  };
  const usable = (key: Key): Key => {
    if (!key.enabled) throw new KmsError("DisabledException", `${key.arn} is disabled.`);
    return key;
  };
  const metadata = (key: Key) => ({
    AWSAccountId: accountId,
    Arn: key.arn,
    CreationDate: key.created,
    Enabled: key.enabled,
    KeyId: key.id,
    KeyManager: "CUSTOMER",
    KeySpec: "SYMMETRIC_DEFAULT",
    KeyState: key.enabled ? "Enabled" : "Disabled",
    KeyUsage: "ENCRYPT_DECRYPT",
    EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
    Origin: "AWS_KMS",
  });
  const createKey = (): Key => {
    const id = randomUUID();
    const key: Key = { id, arn: arnOf(id), enabled: true, backing: [randomBytes(32)], created: Math.floor(Date.now() / 1000) };
    keys.set(id, key);
    return key;
  };
  // Blob: version | key uuid (16) | backing index (4) | nonce (12) | ciphertext | tag (16).
  const encrypt = (key: Key, plaintext: Buffer, context: unknown): Buffer => {
    if (plaintext.byteLength < 1 || plaintext.byteLength > 4096) throw new KmsError("ValidationException", "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096");
    const index = key.backing.length - 1;
    const header = Buffer.alloc(1 + UUID_BYTES + 4);
    header[0] = BLOB_VERSION;
    Buffer.from(key.id.replace(/-/g, ""), "hex").copy(header, 1);
    header.writeUInt32BE(index, 1 + UUID_BYTES);
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key.backing[index]!, nonce);
    cipher.setAAD(Buffer.concat([header, contextAad(context)]));
    return Buffer.concat([header, nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  };
  const decrypt = (blob: Buffer, context: unknown, keyId: unknown): { key: Key; plaintext: Buffer } => {
    const invalid = () => new KmsError("InvalidCiphertextException", "");
    if (blob.byteLength < 1 + UUID_BYTES + 4 + 12 + 16 || blob[0] !== BLOB_VERSION) throw invalid();
    const hex = blob.subarray(1, 1 + UUID_BYTES).toString("hex");
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const key = keys.get(id);
    if (!key) throw invalid();
    if (keyId !== undefined && resolve(keyId) !== key) throw new KmsError("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.");
    usable(key);
    const index = blob.readUInt32BE(1 + UUID_BYTES);
    const backing = key.backing[index];
    if (!backing) throw invalid();
    const header = blob.subarray(0, 1 + UUID_BYTES + 4);
    const body = blob.subarray(header.byteLength);
    try {
      const decipher = createDecipheriv("aes-256-gcm", backing, body.subarray(0, 12), { authTagLength: 16 });
      decipher.setAAD(Buffer.concat([header, contextAad(context)]));
      decipher.setAuthTag(body.subarray(body.byteLength - 16));
      return { key, plaintext: Buffer.concat([decipher.update(body.subarray(12, body.byteLength - 16)), decipher.final()]) };
    } catch (error) {
      if (error instanceof KmsError) throw error;
      throw invalid();
    }
  };

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    CreateKey: () => ({ KeyMetadata: metadata(createKey()) }),
    DescribeKey: (input) => ({ KeyMetadata: metadata(resolve(input["KeyId"])) }),
    CreateAlias: (input) => {
      const name = input["AliasName"];
      if (typeof name !== "string" || !/^alias\/[A-Za-z0-9/_-]{1,250}$/.test(name) || name.startsWith("alias/aws/")) throw new KmsError("ValidationException", "Alias must start with the prefix \"alias/\"");
      if (aliases.has(name)) throw new KmsError("AlreadyExistsException", `An alias with the name ${arnOf(name)} already exists`);
      aliases.set(name, resolve(input["TargetKeyId"]).id);
      return undefined;
    },
    EnableKey: (input) => {
      resolve(input["KeyId"]).enabled = true;
      return undefined;
    },
    DisableKey: (input) => {
      resolve(input["KeyId"]).enabled = false;
      return undefined;
    },
    RotateKeyOnDemand: (input) => {
      const key = usable(resolve(input["KeyId"]));
      key.backing.push(randomBytes(32));
      return { KeyId: key.id };
    },
    Encrypt: (input) => {
      const key = usable(resolve(input["KeyId"]));
      const plaintext = blobOf(input["Plaintext"], "Plaintext");
      return { CiphertextBlob: encrypt(key, plaintext, input["EncryptionContext"]).toString("base64"), KeyId: key.arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" };
    },
    Decrypt: (input) => {
      const { key, plaintext } = decrypt(blobOf(input["CiphertextBlob"], "CiphertextBlob"), input["EncryptionContext"], input["KeyId"]);
      return { KeyId: key.arn, Plaintext: plaintext.toString("base64"), EncryptionAlgorithm: "SYMMETRIC_DEFAULT" };
    },
    ReEncrypt: (input) => {
      const { key: source, plaintext } = decrypt(blobOf(input["CiphertextBlob"], "CiphertextBlob"), input["SourceEncryptionContext"], input["SourceKeyId"]);
      const destination = usable(resolve(input["DestinationKeyId"]));
      return {
        CiphertextBlob: encrypt(destination, plaintext, input["DestinationEncryptionContext"]).toString("base64"),
        KeyId: destination.arn,
        SourceKeyId: source.arn,
        SourceEncryptionAlgorithm: "SYMMETRIC_DEFAULT",
        DestinationEncryptionAlgorithm: "SYMMETRIC_DEFAULT",
      };
    },
    GenerateDataKey: (input) => {
      const key = usable(resolve(input["KeyId"]));
      const spec = input["KeySpec"];
      const bytes = spec === "AES_256" ? 32 : spec === "AES_128" ? 16 : typeof input["NumberOfBytes"] === "number" ? input["NumberOfBytes"] : 0;
      if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024) throw new KmsError("ValidationException", "Please specify either number of bytes or key spec.");
      const plaintext = randomBytes(bytes);
      return { CiphertextBlob: encrypt(key, plaintext, input["EncryptionContext"]).toString("base64"), Plaintext: plaintext.toString("base64"), KeyId: key.arn };
    },
  };

  const answer = (res: ServerResponse, status: number, body: unknown) => sendJson(res, status, body ?? {}, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() });

  const http: LoopbackHttp = await startLoopbackHttp((request, res) => {
    const target = request.headers["x-amz-target"];
    const operation = typeof target === "string" && target.startsWith("TrentService.") ? target.slice("TrentService.".length) : "";
    const failure = verifySigV4(request, { credentials: new Map([[credentials.accessKeyId, credentials.secretAccessKey]]), region, service: "kms" });
    requests.push({ operation, signed: failure === null });
    if (failure) return answer(res, failure.type === "MissingAuthenticationTokenException" ? 403 : 400, { __type: failure.type, message: failure.message });
    try {
      if (request.method !== "POST") throw new KmsError("UnknownOperationException", "");
      const handler = operations[operation];
      if (!handler) throw new KmsError("UnknownOperationException", "");
      let input: Record<string, unknown>;
      try {
        input = request.body.byteLength === 0 ? {} : (JSON.parse(request.body.toString("utf8")) as Record<string, unknown>);
      } catch {
        throw new KmsError("SerializationException", "Start of structure or map found where not expected.");
      }
      answer(res, 200, handler(input));
    } catch (error) {
      if (!(error instanceof KmsError)) throw error;
      answer(res, error.status, { __type: error.type, message: error.message });
    }
  });

  const info = (key: Key): AwsKmsKeyInfo => ({ keyId: key.id, arn: key.arn, enabled: key.enabled, backingKeys: key.backing.length });
  return {
    endpoint: http.origin,
    region,
    credentials,
    createKey: () => info(createKey()),
    createAlias: (aliasName, keyId) => void operations["CreateAlias"]!({ AliasName: aliasName, TargetKeyId: keyId }),
    disableKey: (keyId) => void (resolve(keyId).enabled = false),
    enableKey: (keyId) => void (resolve(keyId).enabled = true),
    rotateKey: (keyId) => void resolve(keyId).backing.push(randomBytes(32)),
    key(keyId) {
      try {
        return info(resolve(keyId));
      } catch {
        return undefined;
      }
    },
    stall: (on) => http.stall(on),
    requests,
    close: () => http.close(),
  };
}
