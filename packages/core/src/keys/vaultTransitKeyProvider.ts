import { randomBytes } from "node:crypto";
import { WalletAuthError } from "../errors/index.js";
import type { KeyProvider, KeyWrapContext } from "./KeyProvider.js";
import { type KeyProviderRefusal, keyProviderRefused, keyProviderUnavailable } from "./keyProviderErrors.js";

const KIND = "vault-transit";
const KEY_BYTES = 32;

/** Options of {@link createVaultTransitKeyProvider}. */
export interface VaultTransitKeyProviderOptions {
  /** Vault or OpenBao base URL (`VAULT_ADDR`), e.g. `https://vault.internal:8200`. */
  address: string;
  /** A token whose policy allows `update` on the mount's `encrypt/`, `decrypt/`, `rewrap/` paths and `read` on `keys/<name>`. */
  token: string;
  /** The transit key's name. It must have been created with `derived=true` (checked on first use). */
  keyName: string;
  /** Where the transit engine is mounted; default `transit`. */
  mount?: string | undefined;
  /** Vault Enterprise / OpenBao namespace (`X-Vault-Namespace`), if any. */
  namespace?: string | undefined;
  /** Per-request deadline in ms; default 5000. */
  timeoutMs?: number | undefined;
  /** The fetch to use (tests); default the global one. */
  fetch?: typeof fetch | undefined;
}

interface VaultAnswer {
  status: number;
  data: Record<string, unknown> | undefined;
  errors: string[];
}

// The derivation context Vault feeds to its KDF: the same key id and purpose must be given to open.
function contextOf({ keyId, purpose }: KeyWrapContext): string {
  return Buffer.from(`wallet-auth/${purpose}/${keyId}`, "utf8").toString("base64");
}

function refusalOf(status: number, errors: readonly string[]): KeyProviderRefusal {
  if (status === 403 || status === 401) return "access-denied";
  if (status === 404) return "key-not-found";
  const text = errors.join(" ").toLowerCase();
  if (/disallowed by policy|too old|min_decryption_version/.test(text)) return "key-version-retired";
  if (/not found/.test(text)) return "key-not-found";
  if (/authentication failed|invalid ciphertext|unable to decrypt|invalid base64/.test(text)) return "invalid-ciphertext";
  return "invalid-request";
}

/**
 * A {@link KeyProvider} over Vault's (or OpenBao's) transit engine HTTP API: `POST
 * /v1/<mount>/encrypt|decrypt|rewrap/<name>` with `X-Vault-Token`, ciphertexts `vault:v<N>:...`.
 * Each ring key is bound to its key id through transit's key-derivation `context`, so the
 * transit key must be `derived`; the provider checks that once (`GET /v1/<mount>/keys/<name>`)
 * and refuses a non-derived key, whose context Vault would ignore.
 *
 * Nothing is cached: every call is one request. Timeouts and 5xx are `KEY_PROVIDER_UNAVAILABLE`;
 * 4xx answers are `KEY_PROVIDER_REFUSED` with a stable reason (Vault's text stays in `cause`).
 *
 * @example
 * ```ts
 * import { loadKeyRing } from "@wallet-auth/core";
 * import { createVaultTransitKeyProvider } from "@wallet-auth/core/vault";
 * const provider = createVaultTransitKeyProvider({ address: "https://vault:8200", token, keyName: "wallet-auth" });
 * const keyRing = await loadKeyRing({ provider }); // WALLET_AUTH_WRAPPED_KEYS, WALLET_AUTH_PRIMARY_KEY_ID
 * ```
 */
export function createVaultTransitKeyProvider(options: VaultTransitKeyProviderOptions): KeyProvider {
  const base = typeof options?.address === "string" && URL.canParse(options.address) ? new URL(options.address) : null;
  if (base === null || !/^https?:$/.test(base.protocol)) throw new WalletAuthError("INVALID_INPUT", { reason: "vault-address", details: { field: "address" } });
  if (typeof options.token !== "string" || options.token.length === 0) throw new WalletAuthError("INVALID_INPUT", { reason: "vault-token", details: { field: "token" } });
  if (typeof options.keyName !== "string" || !/^[A-Za-z0-9_.-]{1,128}$/.test(options.keyName)) throw new WalletAuthError("INVALID_INPUT", { reason: "vault-key-name", details: { field: "keyName" } });
  const mount = (options.mount ?? "transit").replace(/^\/+|\/+$/g, "");
  if (!/^[A-Za-z0-9_.\/-]{1,128}$/.test(mount)) throw new WalletAuthError("INVALID_INPUT", { reason: "vault-mount", details: { field: "mount" } });
  const timeoutMs = options.timeoutMs ?? 5000;
  const doFetch = options.fetch ?? fetch;
  const token = options.token;
  const root = base.toString().replace(/\/+$/, "");
  const keyName = encodeURIComponent(options.keyName);
  let keyChecked: Promise<void> | null = null;

  async function call(method: "GET" | "POST", path: string, body?: Record<string, unknown>): Promise<VaultAnswer> {
    let response: Response;
    try {
      response = await doFetch(`${root}/v1/${mount}/${path}`, {
        method,
        headers: {
          "X-Vault-Token": token,
          ...(options.namespace ? { "X-Vault-Namespace": options.namespace } : {}),
          ...(body ? { "content-type": "application/json" } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
    } catch (error) {
      const name = (error as { name?: string } | null)?.name;
      throw keyProviderUnavailable(KIND, name === "TimeoutError" || name === "AbortError" ? "timeout" : "unreachable", error);
    }
    let parsed: { data?: Record<string, unknown>; errors?: unknown } = {};
    try {
      parsed = (await response.json()) as typeof parsed;
    } catch (error) {
      if ((error as { name?: string } | null)?.name === "TimeoutError") throw keyProviderUnavailable(KIND, "timeout", error);
      /* an empty or non-JSON body: judged by its status below */
    }
    const errors = Array.isArray(parsed?.errors) ? parsed.errors.filter((e): e is string => typeof e === "string") : [];
    if (response.status === 429) throw keyProviderUnavailable(KIND, "throttled");
    // 503 is also what a sealed Vault answers.
    if (response.status >= 500) throw keyProviderUnavailable(KIND, "service-error", new Error(`vault ${response.status}: ${errors.join("; ")}`));
    if (response.status >= 400) throw keyProviderRefused(KIND, refusalOf(response.status, errors), new Error(`vault ${response.status}: ${errors.join("; ")}`));
    return { status: response.status, data: parsed?.data, errors };
  }

  function ensureDerivedKey(): Promise<void> {
    keyChecked ??= call("GET", `keys/${keyName}`).then(({ data }) => {
      if (data?.["derived"] !== true) throw keyProviderRefused(KIND, "invalid-request", new Error("the transit key is not derived: its context would be ignored"));
    });
    // A failed check (an outage) is retried on the next call rather than remembered.
    keyChecked.catch(() => (keyChecked = null));
    return keyChecked;
  }

  function ciphertextOf(data: Record<string, unknown> | undefined): string {
    const ciphertext = data?.["ciphertext"];
    if (typeof ciphertext !== "string" || !/^vault:v\d+:[A-Za-z0-9+/=]+$/.test(ciphertext)) throw keyProviderRefused(KIND, "invalid-request", new Error("no ciphertext in the answer"));
    return ciphertext;
  }

  async function encrypt(key: Uint8Array, context: KeyWrapContext): Promise<string> {
    if (!(key instanceof Uint8Array) || key.byteLength !== KEY_BYTES) throw new WalletAuthError("INVALID_INPUT", { reason: "key-length" });
    await ensureDerivedKey();
    const { data } = await call("POST", `encrypt/${keyName}`, { plaintext: Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("base64"), context: contextOf(context) });
    return ciphertextOf(data);
  }

  return {
    kind: KIND,
    wrap: encrypt,
    async unwrap(wrapped, context) {
      await ensureDerivedKey();
      const { data } = await call("POST", `decrypt/${keyName}`, { ciphertext: wrapped, context: contextOf(context) });
      const plaintext = data?.["plaintext"];
      const key = typeof plaintext === "string" ? Buffer.from(plaintext, "base64") : null;
      if (key === null || key.byteLength !== KEY_BYTES) {
        key?.fill(0);
        throw keyProviderRefused(KIND, "invalid-ciphertext", new Error("the unwrapped key is not 32 bytes"));
      }
      return key;
    },
    async rewrap(wrapped, context) {
      await ensureDerivedKey();
      const { data } = await call("POST", `rewrap/${keyName}`, { ciphertext: wrapped, context: contextOf(context) });
      return ciphertextOf(data);
    },
    async generate(context) {
      const key = randomBytes(KEY_BYTES);
      try {
        return await encrypt(key, context);
      } finally {
        key.fill(0);
      }
    },
    async close() {
      /* fetch keeps no connection we own */
    },
  };
}
