import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { type LoopbackHttp, sendJson, startLoopbackHttp } from "./loopbackHttp.js";

/** Options of {@link startVaultTransit}. */
export interface StartVaultTransitOptions {
  /** The one token accepted in `X-Vault-Token`; default a random `hvs.` token. */
  token?: string;
  /** Where transit is mounted; default `transit`. */
  mount?: string;
}

/** One transit key as the stand-in keeps it. */
export interface VaultTransitKeyInfo {
  name: string;
  derived: boolean;
  latestVersion: number;
  minDecryptionVersion: number;
}

/** A running transit stand-in. */
export interface VaultTransitStandIn {
  /** `VAULT_ADDR`. */
  readonly address: string;
  /** `VAULT_TOKEN`. */
  readonly token: string;
  /** Creates an `aes256-gcm96` key (derived by default), as `POST /v1/<mount>/keys/:name` does. */
  createKey(name: string, options?: { derived?: boolean }): void;
  /** Adds a key version, as `POST /v1/<mount>/keys/:name/rotate` does; returns the new version. */
  rotateKey(name: string): number;
  /** Refuses to decrypt versions below `version`, as `POST /v1/<mount>/keys/:name/config` does. */
  setMinDecryptionVersion(name: string, version: number): void;
  /** The token stops working (every call answers 403 "permission denied"). */
  revokeToken(): void;
  key(name: string): VaultTransitKeyInfo | undefined;
  /** While `true`, requests are never answered (a Vault that hangs). */
  stall(on: boolean): void;
  /** Every request so far: method and path (never a body). */
  readonly requests: readonly { method: string; path: string }[];
  close(): Promise<void>;
}

interface Key {
  derived: boolean;
  versions: Buffer[];
  created: number[];
  minDecryptionVersion: number;
}

const CIPHERTEXT = /^vault:v(\d+):([A-Za-z0-9+/]+={0,2})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

class VaultError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function decodeBase64(value: unknown, field: string): Buffer {
  if (typeof value !== "string" || !BASE64.test(value)) throw new VaultError(400, `failed to base64-decode ${field}`);
  return Buffer.from(value, "base64");
}

/**
 * Starts a loopback stand-in for Vault's transit secrets engine on 127.0.0.1: the real HTTP API
 * (`X-Vault-Token`; `POST /v1/transit/encrypt|decrypt|rewrap/:name`, `keys/:name`,
 * `keys/:name/rotate`, `keys/:name/config`; `{"data": ...}` answers, `{"errors": [...]}` failures),
 * real AES-256-GCM per key version, ciphertexts `vault:v<N>:<base64(nonce|ciphertext|tag)>`,
 * and derived keys (HKDF-SHA256 of the version key over the request's `context`, which is then
 * required). Unlike Vault, `encrypt` never creates a missing key (Vault may, given the `create`
 * capability).
 *
 * @example
 * ```ts
 * import { startVaultTransit } from "@wallet-auth/testing/kms";
 * const vault = await startVaultTransit();
 * vault.createKey("wallet-auth");
 * // VAULT_ADDR=vault.address VAULT_TOKEN=vault.token
 * await vault.close();
 * ```
 */
export async function startVaultTransit(options: StartVaultTransitOptions = {}): Promise<VaultTransitStandIn> {
  const token = options.token ?? `hvs.${randomBytes(18).toString("base64url")}`;
  const mount = options.mount ?? "transit";
  const keys = new Map<string, Key>();
  const requests: { method: string; path: string }[] = [];
  let revoked = false;

  const keyOf = (name: string): Key => {
    const key = keys.get(name);
    if (!key) throw new VaultError(400, "encryption key not found");
    return key;
  };
  const versionKey = (key: Key, version: number, context: unknown): Buffer => {
    const base = key.versions[version - 1]!;
    if (!key.derived) return base;
    if (context === undefined || context === "") {
      throw new VaultError(400, "missing 'context' for key derivation; the key was created using a derived key, which means additional, per-request information must be included in order to perform operations with the key");
    }
    return Buffer.from(hkdfSync("sha256", base, Buffer.alloc(0), decodeBase64(context, "context"), 32));
  };
  const encrypt = (key: Key, plaintext: Buffer, context: unknown): { ciphertext: string; key_version: number } => {
    const version = key.versions.length;
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", versionKey(key, version, context), nonce);
    const body = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { ciphertext: `vault:v${version}:${body.toString("base64")}`, key_version: version };
  };
  const decrypt = (key: Key, ciphertext: unknown, context: unknown): Buffer => {
    const match = typeof ciphertext === "string" ? CIPHERTEXT.exec(ciphertext) : null;
    if (!match) throw new VaultError(400, "invalid ciphertext: no prefix");
    const version = Number(match[1]);
    if (version < key.minDecryptionVersion) throw new VaultError(400, "ciphertext or signature version is disallowed by policy (too old)");
    if (version < 1 || version > key.versions.length) throw new VaultError(400, "invalid ciphertext: version is too new");
    const blob = Buffer.from(match[2]!, "base64");
    if (blob.byteLength < 28) throw new VaultError(400, "invalid ciphertext: too short");
    try {
      const decipher = createDecipheriv("aes-256-gcm", versionKey(key, version, context), blob.subarray(0, 12), { authTagLength: 16 });
      decipher.setAuthTag(blob.subarray(blob.byteLength - 16));
      return Buffer.concat([decipher.update(blob.subarray(12, blob.byteLength - 16)), decipher.final()]);
    } catch (error) {
      if (error instanceof VaultError) throw error;
      throw new VaultError(400, "cipher: message authentication failed");
    }
  };
  const createKey = (name: string, derived: boolean) => {
    if (!keys.has(name)) keys.set(name, { derived, versions: [randomBytes(32)], created: [Math.floor(Date.now() / 1000)], minDecryptionVersion: 1 });
  };
  const rotateKey = (name: string) => {
    const key = keyOf(name);
    key.versions.push(randomBytes(32));
    key.created.push(Math.floor(Date.now() / 1000));
    return key.versions.length;
  };
  const setMin = (name: string, version: number) => {
    const key = keyOf(name);
    if (!Number.isInteger(version) || version < 1 || version > key.versions.length) throw new VaultError(400, "cannot set min decryption version to a value greater than the latest version");
    key.minDecryptionVersion = version;
  };
  const info = (name: string, key: Key) => ({
    name,
    type: "aes256-gcm96",
    derived: key.derived,
    kdf: key.derived ? "hkdf_sha256" : undefined,
    keys: Object.fromEntries(key.created.map((t, i) => [String(i + 1), t])),
    latest_version: key.versions.length,
    min_available_version: 0,
    min_decryption_version: key.minDecryptionVersion,
    min_encryption_version: 0,
    supports_encryption: true,
    supports_decryption: true,
    supports_derivation: true,
    deletion_allowed: false,
    exportable: false,
  });

  const http: LoopbackHttp = await startLoopbackHttp(({ method, url, headers, body }, res) => {
    const path = new URL(url, "http://x").pathname;
    requests.push({ method, path });
    try {
      if (revoked || headers["x-vault-token"] !== token) throw new VaultError(403, "permission denied");
      const prefix = `/v1/${mount}/`;
      if (!path.startsWith(prefix)) throw new VaultError(404, "no handler for route");
      const rest = path.slice(prefix.length).split("/").map(decodeURIComponent);
      const write = method === "POST" || method === "PUT";
      let input: Record<string, unknown> = {};
      if (write && body.byteLength > 0) {
        try {
          input = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
        } catch {
          throw new VaultError(400, "failed to parse JSON input");
        }
      }
      const [op, name, sub] = rest as [string, string | undefined, string | undefined];
      if (!name) throw new VaultError(404, "no handler for route");
      if (op === "keys" && sub === undefined && method === "GET") {
        const key = keys.get(name);
        if (!key) return sendJson(res, 404, { errors: [] });
        return sendJson(res, 200, { data: info(name, key) });
      }
      if (!write) throw new VaultError(405, "unsupported operation");
      if (op === "keys" && sub === undefined) {
        createKey(name, input["derived"] === true || input["derived"] === "true");
        return sendJson(res, 204, undefined);
      }
      if (op === "keys" && sub === "rotate") {
        rotateKey(name);
        return sendJson(res, 200, { data: info(name, keyOf(name)) });
      }
      if (op === "keys" && sub === "config") {
        if (input["min_decryption_version"] !== undefined) setMin(name, Number(input["min_decryption_version"]));
        return sendJson(res, 200, { data: info(name, keyOf(name)) });
      }
      if (sub !== undefined) throw new VaultError(404, "no handler for route");
      const key = keyOf(name);
      if (op === "encrypt") return sendJson(res, 200, { data: encrypt(key, decodeBase64(input["plaintext"], "plaintext"), input["context"]) });
      if (op === "decrypt") {
        const plaintext = decrypt(key, input["ciphertext"], input["context"]);
        return sendJson(res, 200, { data: { plaintext: plaintext.toString("base64") } });
      }
      if (op === "rewrap") {
        const plaintext = decrypt(key, input["ciphertext"], input["context"]);
        try {
          return sendJson(res, 200, { data: encrypt(key, plaintext, input["context"]) });
        } finally {
          plaintext.fill(0);
        }
      }
      throw new VaultError(404, "no handler for route");
    } catch (error) {
      if (error instanceof VaultError) return sendJson(res, error.status, { errors: [error.message] });
      throw error;
    }
  });

  return {
    address: http.origin,
    token,
    createKey: (name, opts = {}) => createKey(name, opts.derived ?? true),
    rotateKey,
    setMinDecryptionVersion: setMin,
    revokeToken: () => {
      revoked = true;
    },
    key(name) {
      const key = keys.get(name);
      return key && { name, derived: key.derived, latestVersion: key.versions.length, minDecryptionVersion: key.minDecryptionVersion };
    },
    stall: (on) => http.stall(on),
    requests,
    close: () => http.close(),
  };
}
