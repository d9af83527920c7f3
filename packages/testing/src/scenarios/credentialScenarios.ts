/**
 * Credential-service scenarios shared by the memory store's tests and the PostgreSQL adapter's
 * (PGlite and a real server). Test-only: imports vitest, not exported by the package.
 */
import { inspect } from "node:util";
import { expect } from "vitest";
import { type CredentialCreateInput, isWalletAuthError, type RequestContext } from "@wallet-auth/core";
import type { Harness } from "./credentialHarness.js";

export const PLANTED = { apiKey: "LEAKCANARYapikey0123456789", secret: "LEAKCANARY-secret-zYx987", password: "LEAKCANARY-pass-Mn4" };

/** Every encoding a leaked value could take in text we can search. */
function forms(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  return [value, bytes.toString("hex"), bytes.toString("base64").replace(/=+$/, ""), bytes.toString("base64url"), JSON.stringify(value).slice(1, -1)];
}

function render(value: unknown): string {
  if (value instanceof Error) {
    const e = value as Error & { details?: unknown; reason?: unknown };
    return [e.message, e.stack ?? "", JSON.stringify(e), inspect(e, { depth: 5 }), JSON.stringify(e.details ?? null), String(e.reason)].join("\n");
  }
  return JSON.stringify(value) + "\n" + inspect(value, { depth: 8 });
}

/**
 * Drives every credential operation with secrets planted in every field (successes and
 * failures), then searches returned objects, errors, captured stdout/stderr, audit rows and the
 * store's own dump for the secrets in text, hex and base64.
 */
export async function secretLeakScenario(h: Harness): Promise<void> {
  h.loop.addAccount({ apiKey: PLANTED.apiKey, secret: PLANTED.secret, permissions: { enableSpotAndMarginTrading: true } });
  const logged: string[] = [];
  const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const capture = (chunk: unknown): boolean => {
    logged.push(String(chunk));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  const seen: unknown[] = [];
  const attempt = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      seen.push(await fn());
    } catch (error) {
      seen.push(error);
    }
  };
  const svc = h.service();
  const ctx: RequestContext = { userId: "user_leak", ip: "203.0.113.5" };
  try {
    await attempt(() => svc.create(ctx, { exchange: "binance", label: "leak", ...PLANTED, unexpected: PLANTED.secret } as unknown as CredentialCreateInput));
    await attempt(() => svc.create(ctx, { exchange: "binance", label: "leak", apiKey: PLANTED.apiKey, secret: PLANTED.password }));
    await attempt(() => svc.create(ctx, { exchange: "binance", label: "leak", apiKey: PLANTED.apiKey + " ", secret: PLANTED.secret }));
    await attempt(() => svc.create(ctx, { exchange: "binance", label: "leak", ...PLANTED }));
    const id = (seen.at(-1) as { id?: string }).id ?? "missing";
    await attempt(() => svc.create({ userId: "user_other" }, { exchange: "binance", label: "dup", ...PLANTED }));
    await attempt(() => svc.list(ctx));
    await attempt(() => svc.get(ctx, id));
    await attempt(() => svc.update(ctx, id, { apiKey: PLANTED.apiKey, secret: PLANTED.password, password: PLANTED.password }));
    await attempt(() => svc.revalidate(ctx, id));
    h.loop.setMode("rate-limited");
    await attempt(() => svc.revalidate(ctx, id));
    h.loop.setMode("ok");
    await attempt(() => svc.use(ctx, id, (s) => s.apiKey.length));
    await attempt(async () => (await svc.lease(ctx, id)).close());
    await attempt(() => h.exchanges.validate({ exchange: "binance", secret: { apiKey: PLANTED.apiKey, secret: PLANTED.password } }));
    await attempt(() => svc.disable(ctx, id));
    await attempt(() => svc.use(ctx, id, () => 1));
  } finally {
    process.stdout.write = originals.out;
    process.stderr.write = originals.err;
  }
  expect(seen.some((s) => s instanceof Error)).toBe(true);
  expect(seen.some((s) => !(s instanceof Error))).toBe(true);
  const events = [...(await h.events("user_leak")), ...(await h.events("user_other"))];
  expect(events.length).toBeGreaterThan(5);
  const haystacks = [...seen.map(render), ...logged, render(events), await h.dump()];
  for (const planted of Object.values(PLANTED)) {
    for (const form of forms(planted)) {
      for (const text of haystacks) expect(text.includes(form), `a form of a planted secret leaked`).toBe(false);
    }
  }
}

/** A failing audit write leaves no credential row (create and its event are one transaction). */
export async function atomicCreateScenario(h: Harness): Promise<void> {
  const key = { apiKey: "ATOMICkeyPLANTED000111", secret: "atomic-secret-planted" };
  h.loop.addAccount({ ...key, permissions: { enableSpotAndMarginTrading: true } });
  const svc = h.service();
  const ctx: RequestContext = { userId: "user_atomic" };
  const before = await h.countCredentials();
  h.failingAudit.on = true;
  let code: string | undefined;
  try {
    await svc.create(ctx, { exchange: "binance", label: "atomic", ...key });
  } catch (error) {
    code = isWalletAuthError(error) ? error.code : "not coded";
  } finally {
    h.failingAudit.on = false;
  }
  expect(code).toBe("AUDIT_UNAVAILABLE");
  expect(await h.countCredentials()).toBe(before);
  await svc.create(ctx, { exchange: "binance", label: "atomic", ...key });
  expect(await h.countCredentials()).toBe(before + 1);
}
