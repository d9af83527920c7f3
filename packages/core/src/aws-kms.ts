/**
 * The AWS KMS key provider: the key ring's keys stored wrapped by a KMS key under an encryption
 * context, unwrapped once at start-up (see `loadKeyRing`). `@aws-sdk/client-kms` (an optional
 * peer dependency) is imported on the provider's first call, never by importing this entry.
 *
 * @module
 */
export { awsEncryptionContext, createAwsKmsKeyProvider, type AwsKmsKeyProviderOptions } from "./keys/awsKmsKeyProvider.js";
export type { KeyProvider, KeyWrapContext } from "./keys/KeyProvider.js";
