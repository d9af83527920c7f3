/**
 * Loopback stand-ins for the key-management services a key ring can be wrapped by: Vault's
 * transit engine (its JSON API with `X-Vault-Token`) and AWS KMS (JSON 1.1 with SigV4 signatures
 * verified), each on 127.0.0.1, with switches for a disabled key, a retired key version, a
 * revoked token and a service that never answers.
 *
 * @module
 */
export { startVaultTransit, type StartVaultTransitOptions, type VaultTransitKeyInfo, type VaultTransitStandIn } from "./kms/vaultTransit.js";
export { startAwsKms, type AwsKmsKeyInfo, type AwsKmsStandIn, type StartAwsKmsOptions } from "./kms/awsKms.js";
export { verifySigV4, type SigV4Expectation, type SigV4Failure } from "./kms/sigV4.js";
