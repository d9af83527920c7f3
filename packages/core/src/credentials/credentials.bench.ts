/**
 * Cost of handing a secret to a bot: `CredentialService.use()` (decrypt + one audited
 * transaction per call), a lease's `use()` (decrypt only; audited once per lease) and the
 * baseline, a raw `keyRing.open` of the same sealed record, in the same run.
 *
 * Run: `npx vitest bench --run packages/core/src/credentials/credentials.bench.ts` (repo root).
 * Live validation is off here (no exchange involved): the gateway only answers `describe`.
 */
import { afterAll, bench, describe } from "vitest";
import { AuditTrail } from "../audit/AuditTrail.js";
import { KeyRing } from "../crypto/KeyRing.js";
import { createMemoryStore } from "../memory/createMemoryStore.js";
import { offlineExchanges } from "@wallet-auth/testing/scenarios";
import { Redacted } from "../secret/Redacted.js";
import { CredentialService } from "./CredentialService.js";
import { credentialContext } from "./secretEnvelope.js";


const keyRing = KeyRing.fromKeys({ keys: [{ id: "bench", key: new Uint8Array(32).fill(3) }], primaryKeyId: "bench" });
const store = createMemoryStore();
const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(4)) });
const service = new CredentialService({ store, keyRing, fingerprintKey: Redacted.make(new Uint8Array(32).fill(5)), exchanges: offlineExchanges, audit, policy: { validateOnCreate: false } });
const ctx = { userId: "user_bench" };
const view = await service.create(ctx, { exchange: "binance", label: "bench", apiKey: "BENCHKEY0000000000000000000000000000000000000000000000000000000", secret: "x".repeat(64) });
const record = await store.credentials.get(ctx.userId, view.id);
if (record === null) throw new Error("setup failed");
const sealed = record.sealedSecret;
const context = credentialContext(ctx.userId, view.id, "binance");
const lease = await service.lease(ctx, view.id, { ttlMs: 15 * 60_000 });
let sink = 0;

afterAll(async () => {
  const summary = await lease.close();
  console.log(`lease uses: ${summary.uses}, audit rows total: ${store.countRows("audit_events")}`);
});

describe("secret hand-out", () => {
  bench("baseline: keyRing.open", () => {
    const bytes = keyRing.open(sealed, context);
    sink += bytes[0] ?? 0;
    bytes.fill(0);
  });
  bench("lease.use (decrypt, no audit row)", async () => {
    sink += await lease.use((s) => s.apiKey.length);
  });
  bench("service.use (decrypt + audited transaction)", async () => {
    sink += await service.use(ctx, view.id, (s) => s.apiKey.length);
  });
});
