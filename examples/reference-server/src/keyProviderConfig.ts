import { type KeyProvider, type KeyRing, isWalletAuthError, loadKeyRing, parseWrappedKeys } from "@wallet-auth/core";
import { z } from "zod";

/** Where the key ring's keys come from (`WALLET_AUTH_KEY_PROVIDER`). */
export type KeyProviderConfig =
  | { kind: "env" }
  | { kind: "vault-transit"; address: string; token: string; keyName: string; mount: string; namespace: string | undefined; timeoutMs: number }
  | { kind: "aws-kms"; keyId: string; region: string; endpoint: string | undefined; timeoutMs: number };

const httpUrl = z.string().refine((v) => URL.canParse(v) && /^https?:\/\//.test(v), "must be an http(s) URL");
const schema = z.object({
  WALLET_AUTH_KEY_PROVIDER: z.enum(["env", "vault-transit", "aws-kms"], { message: "must be env, vault-transit or aws-kms" }).default("env"),
  WALLET_AUTH_KMS_TIMEOUT_MS: z.coerce.number().int("must be whole milliseconds").min(100, "must be 100-60000").max(60_000, "must be 100-60000").default(5_000),
  VAULT_ADDR: httpUrl.optional(),
  VAULT_TOKEN: z.string().regex(/^\S+$/, "must be a Vault token").optional(),
  VAULT_NAMESPACE: z.string().regex(/^[A-Za-z0-9_./-]{1,128}$/, "must be a Vault namespace path").optional(),
  WALLET_AUTH_VAULT_TRANSIT_KEY: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, "must be a transit key name (A-Z a-z 0-9 _ . -)").optional(),
  WALLET_AUTH_VAULT_TRANSIT_MOUNT: z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "must be a mount path like transit").optional(),
  WALLET_AUTH_AWS_KMS_KEY_ID: z.string().regex(/^[A-Za-z0-9:/_+=,.@-]{1,2048}$/, "must be a KMS key id, key ARN or alias").optional(),
  AWS_REGION: z.string().regex(/^[a-z]{2}(-[a-z0-9]+){1,4}$/, "must be an AWS region like eu-west-1").optional(),
  WALLET_AUTH_AWS_KMS_ENDPOINT: httpUrl.optional(),
});

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/**
 * Validates the key-provider variables (only those; `loadConfig` calls it once). Nothing is
 * contacted here: a reachable, enabled KMS key is checked when the ring is opened.
 *
 * @param env - The environment with empty strings removed.
 * @returns The settings, or the one line naming the first bad variable (never its value).
 */
export function parseKeyProviderConfig(
  env: Record<string, string | undefined>,
  development: boolean,
  options: { /** `keys wrap`: the provider settings only (the wrapped ring is what is being made). */ settingsOnly?: boolean } = {},
): { config: KeyProviderConfig } | { error: string } {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: `${String(issue.path[0])}: ${issue.message}` };
  }
  const v = parsed.data;
  const kind = v.WALLET_AUTH_KEY_PROVIDER;
  if (kind === "env") {
    if (options.settingsOnly) return { config: { kind } };
    if (env.WALLET_AUTH_WRAPPED_KEYS !== undefined) return { error: "WALLET_AUTH_WRAPPED_KEYS: needs WALLET_AUTH_KEY_PROVIDER=vault-transit or aws-kms" };
    if (!development && env.WALLET_AUTH_KEYS === undefined) return { error: "WALLET_AUTH_KEYS: required when NODE_ENV=production (development defaults are refused)" };
    return { config: { kind } };
  }
  const ringError = options.settingsOnly ? null : wrappedRingError(env, kind);
  if (ringError !== null) return { error: ringError };
  if (kind === "vault-transit") {
    for (const name of ["VAULT_ADDR", "VAULT_TOKEN", "WALLET_AUTH_VAULT_TRANSIT_KEY"] as const) {
      if (v[name] === undefined) return { error: `${name}: required when WALLET_AUTH_KEY_PROVIDER=vault-transit` };
    }
    const address = new URL(v.VAULT_ADDR!);
    if (!development && address.protocol !== "https:" && !LOOPBACK.test(address.hostname)) return { error: "VAULT_ADDR: must be https:// when NODE_ENV=production (http only to a local Vault Agent)" };
    return {
      config: { kind, address: v.VAULT_ADDR!, token: v.VAULT_TOKEN!, keyName: v.WALLET_AUTH_VAULT_TRANSIT_KEY!, mount: v.WALLET_AUTH_VAULT_TRANSIT_MOUNT ?? "transit", namespace: v.VAULT_NAMESPACE, timeoutMs: v.WALLET_AUTH_KMS_TIMEOUT_MS },
    };
  }
  for (const name of ["WALLET_AUTH_AWS_KMS_KEY_ID", "AWS_REGION"] as const) {
    if (v[name] === undefined) return { error: `${name}: required when WALLET_AUTH_KEY_PROVIDER=aws-kms` };
  }
  if (!development && v.WALLET_AUTH_AWS_KMS_ENDPOINT?.startsWith("http:")) return { error: "WALLET_AUTH_AWS_KMS_ENDPOINT: must be https:// when NODE_ENV=production" };
  return { config: { kind, keyId: v.WALLET_AUTH_AWS_KMS_KEY_ID!, region: v.AWS_REGION!, endpoint: v.WALLET_AUTH_AWS_KMS_ENDPOINT, timeoutMs: v.WALLET_AUTH_KMS_TIMEOUT_MS } };
}

/** What is wrong with the wrapped ring's variables beside provider `kind`, or `null`. */
function wrappedRingError(env: Record<string, string | undefined>, kind: string): string | null {
  // A wrapped ring never falls back to plaintext keys: both at once is a configuration error.
  if (env.WALLET_AUTH_KEYS !== undefined) return `WALLET_AUTH_KEYS: must be unset when WALLET_AUTH_KEY_PROVIDER=${kind} (the ring's keys come wrapped, in WALLET_AUTH_WRAPPED_KEYS)`;
  if (env.WALLET_AUTH_WRAPPED_KEYS === undefined) return `WALLET_AUTH_WRAPPED_KEYS: required when WALLET_AUTH_KEY_PROVIDER=${kind}`;
  try {
    parseWrappedKeys(env.WALLET_AUTH_WRAPPED_KEYS);
    return null;
  } catch (error) {
    const details = isWalletAuthError(error) ? error.details : undefined;
    const where = details?.["position"] ? ` at entry ${String(details["position"])}` : "";
    return `WALLET_AUTH_WRAPPED_KEYS: must be id:<wrapped key>[:YYYY-MM-DD] entries separated by commas (${String(details?.["problem"] ?? "malformed-entry")}${where})`;
  }
}

/** The configured provider (its client library loads only here), or `null` for plaintext keys from the environment. */
export async function createKeyProvider(config: KeyProviderConfig | undefined): Promise<KeyProvider | null> {
  if (config === undefined || config.kind === "env") return null;
  if (config.kind === "vault-transit") {
    const { createVaultTransitKeyProvider } = await import("@wallet-auth/core/vault");
    return createVaultTransitKeyProvider(config);
  }
  const { createAwsKmsKeyProvider } = await import("@wallet-auth/core/aws-kms");
  // Credentials: the SDK's default chain (AWS_ACCESS_KEY_ID/..., web identity, instance role).
  return createAwsKmsKeyProvider(config);
}

/**
 * Opens the key ring: plaintext keys from `WALLET_AUTH_KEYS` (the default), or the wrapped keys
 * of `WALLET_AUTH_WRAPPED_KEYS` unwrapped by the configured provider, which is closed again at
 * once (the ring needs it only at start-up; the unwrapped bytes are zeroed by `loadKeyRing`).
 *
 * @throws WalletAuthError `KEY_PROVIDER_REFUSED` (disabled key, wrong context, denied),
 * `KEY_PROVIDER_UNAVAILABLE` (timeout, unreachable), `KEY_RING_INVALID`.
 */
export async function openKeyRing(config: KeyProviderConfig | undefined, env: NodeJS.ProcessEnv): Promise<KeyRing> {
  const provider = await createKeyProvider(config);
  if (provider === null) return loadKeyRing({ env });
  try {
    return await loadKeyRing({ provider, env });
  } finally {
    await provider.close();
  }
}
