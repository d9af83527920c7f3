import { z } from "zod";
import { parseInput } from "../validation/index.js";
import { parseEip155ChainId } from "./caip2.js";
import { isRfc3986Uri, isSiweDomain, isSiweStatement, matchesSiweRule } from "./siweGrammar.js";

/** How this deployment presents Sign-In with Ethereum messages. */
export interface SiweSettings {
  /**
   * RFC 3986 authority the user signs in to, e.g. `"app.example.com"`, `"app.example.com:8443"`,
   * `"[::1]:3000"` or `"user@host"`.
   */
  domain: string;
  /** The `URI:` line, an RFC 3986 URI, e.g. `"https://app.example.com/wallets"`. */
  uri: string;
  /** Human text shown by the wallet: one line of EIP-4361 statement characters (no `` ` ``, `<`, `>`, `{`, `|`, `}`...). */
  statement?: string | undefined;
  /** RFC 3986 scheme shown before the domain (`"https"`); omitted when absent. */
  scheme?: string | undefined;
  /** Allowed CAIP-2 chain ids, e.g. `["eip155:1", "eip155:8453"]` (at least one). */
  chainIds: readonly string[];
}

const isEip155 = (id: string) => {
  try {
    parseEip155ChainId(id);
    return true;
  } catch {
    return false;
  }
};

/** The zod rule for {@link SiweSettings}: every field follows the EIP-4361 grammar. */
export const siweSettingsSchema = z.strictObject({
  domain: z.string().max(512).refine(isSiweDomain),
  uri: z.string().max(2048).refine(isRfc3986Uri),
  statement: z.string().max(1024).refine(isSiweStatement).optional(),
  scheme: z
    .string()
    .max(64)
    .refine((s) => matchesSiweRule("scheme", s))
    .optional(),
  chainIds: z.array(z.string().max(32).refine(isEip155)).min(1).max(256),
});

/**
 * Checks Sign-In with Ethereum settings when a service is built, so a typo fails at start-up
 * (naming the field) instead of on the first challenge with a library's message.
 *
 * @param settings - The settings as configured (untrusted: may be missing).
 * @returns A frozen copy.
 * @throws WalletAuthError `INVALID_INPUT` whose `details.fields` names the field, e.g. `["siwe.domain"]` or `["siwe"]` when absent.
 * @example
 * ```ts
 * import { checkSiweSettings } from "@wallet-auth/core";
 * checkSiweSettings({ domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] });
 * ```
 */
export function checkSiweSettings(settings: unknown): SiweSettings {
  const parsed = parseInput(siweSettingsSchema, settings, "siwe");
  return Object.freeze({ ...parsed, chainIds: Object.freeze([...parsed.chainIds]) });
}
