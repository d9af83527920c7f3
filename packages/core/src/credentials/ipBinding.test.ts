import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, fixedKey, manualClock, ring, TestClock } from "@wallet-auth/testing/scenarios";
import { AlertDetectors } from "../alerts/AlertDetectors.js";
import { AlertService } from "../alerts/AlertService.js";
import { type LoopbackVenue, startLoopbackVenue } from "@wallet-auth/testing/venues";
import { AuditTrail } from "../audit/AuditTrail.js";
import { createCcxtExchangeGateway } from "../ccxt/CcxtExchangeGateway.js";
import { createMemoryStore } from "../memory/createMemoryStore.js";
import { Redacted } from "../secret/Redacted.js";
import { CredentialService } from "./CredentialService.js";
import { ipBindingOf } from "./ipBinding.js";

describe("ipBindingOf", () => {
  const rec = (ipRestricted: boolean | "unknown", allowedIps: string[] | null) => ({ ipRestricted, allowedIps });
  it("a key is bound only when its venue allowlist admits every egress address", () => {
    expect(ipBindingOf(rec(true, ["203.0.113.7", "198.51.100.1"]), ["203.0.113.7"])).toBe("bound");
    expect(ipBindingOf(rec(true, ["203.0.113.0/24"]), ["203.0.113.7"])).toBe("bound");
    expect(ipBindingOf(rec(true, ["2001:db8::/64"]), ["2001:db8::/64"])).toBe("bound");
    expect(ipBindingOf(rec(true, ["203.0.113.7"]), ["203.0.113.7", "203.0.113.8"])).toBe("other-addresses");
    expect(ipBindingOf(rec(true, ["192.0.2.1"]), ["203.0.113.7"])).toBe("other-addresses");
    expect(ipBindingOf(rec(false, []), ["203.0.113.7"])).toBe("unbound");
    expect(ipBindingOf(rec("unknown", null), ["203.0.113.7"])).toBe("unknown");
    expect(ipBindingOf(null, [])).toBe("unknown");
    // No egress addresses configured: any allowlist is a binding.
    expect(ipBindingOf(rec(true, ["192.0.2.1"]), [])).toBe("bound");
  });
});

describe("requireIpBinding: keys not bound to the product's egress addresses are refused (real ccxt, loopback OKX and Coinbase)", () => {
  let okx: LoopbackVenue;
  const bound = { apiKey: "okx-bound", secret: "okx-bound-secret", password: "p1" };
  const elsewhere = { apiKey: "okx-elsewhere", secret: "okx-elsewhere-secret", password: "p2" };
  const open = { apiKey: "okx-open", secret: "okx-open-secret", password: "p3" };
  beforeAll(async () => {
    okx = await startLoopbackVenue("okx", {
      accounts: [
        { credentials: bound, permissions: { ips: ["127.0.0.1", "203.0.113.7"] } },
        // The stand-in sees 127.0.0.1; the list lacks the product's public address.
        { credentials: elsewhere, permissions: { ips: ["127.0.0.1", "192.0.2.1"] } },
        { credentials: open, permissions: { ips: [] } },
      ],
    });
  }, 60_000);
  afterAll(() => okx?.close());

  const service = (requireIpBinding: boolean) => {
    const clock = new TestClock();
    const store = createMemoryStore({ clock });
    const exchanges = createCcxtExchangeGateway({ urls: { okx: okx.origin }, enableRateLimit: false, timeoutMs: 5000 });
    const audit = new AuditTrail({ hashKey: Redacted.make(fixedKey(9)), clock });
    const svc = new CredentialService({ store, keyRing: ring(), fingerprintKey: Redacted.make(fixedKey(5)), exchanges, audit, clock, policy: { requireIpBinding, egressIps: ["203.0.113.7"] } });
    return { store, svc };
  };
  const ctx = { userId: "user_ip_binding" };

  it("with requireIpBinding, a key with no allowlist or one lacking the egress address is refused with CREDENTIAL_IP_UNBOUND and nothing is stored; a bound key is stored", async () => {
    const { store, svc } = service(true);
    const unbound = await failure(svc.create(ctx, { exchange: "okx", label: "open", ...open }));
    expect([unbound.code, unbound.reason]).toEqual(["CREDENTIAL_IP_UNBOUND", "unbound"]);
    const other = await failure(svc.create(ctx, { exchange: "okx", label: "elsewhere", ...elsewhere }));
    expect([other.code, other.reason]).toEqual(["CREDENTIAL_IP_UNBOUND", "other-addresses"]);
    expect(store.countRows("api_credentials")).toBe(0);
    const view = await svc.create(ctx, { exchange: "okx", label: "bound", ...bound });
    expect(view.keyPermissions).toMatchObject({ ipRestricted: true, allowedIps: ["127.0.0.1", "203.0.113.7"] });
    expect(store.countRows("api_credentials")).toBe(1);
  });

  it("without requireIpBinding, an unbound key is stored (its record shows ipRestricted false)", async () => {
    const { svc } = service(false);
    const view = await svc.create(ctx, { exchange: "okx", label: "open", ...open });
    expect(view.keyPermissions).toMatchObject({ ipRestricted: false });
  });
});

describe("permission drift: IP binding lost and internal transfers gained (real ccxt, loopback Bybit)", () => {
  let bybit: LoopbackVenue;
  const key = { apiKey: "bybit-drift", secret: "bybit-drift-secret" };
  beforeAll(async () => {
    bybit = await startLoopbackVenue("bybit", { credentials: key, permissions: { ips: ["127.0.0.1", "203.0.113.7"] } });
  }, 60_000);
  afterAll(() => bybit?.close());

  it("a bound key whose allowlist is removed at the venue (and which gained transfers) is marked invalid under requireIpBinding and raises credential.ip_binding_lost and credential.transfer_enabled", async () => {
    const clock = manualClock();
    const audit = new AuditTrail({ hashKey: Redacted.make(fixedKey(9)), clock });
    const store = audit.track(createMemoryStore({ clock }));
    const kinds: string[] = [];
    const alerts = new AlertService({ store, audit, clock, sinks: [{ name: "mem", send: async (a) => (kinds.push(a.kind), { delivered: true, attempts: 1 }) }] });
    const detectors = new AlertDetectors({ alerts, store, clock });
    detectors.attach(audit);
    const exchanges = createCcxtExchangeGateway({ urls: { bybit: bybit.origin }, enableRateLimit: false, timeoutMs: 5000 });
    const svc = new CredentialService({ store, keyRing: ring(), fingerprintKey: Redacted.make(fixedKey(5)), exchanges, audit, clock, policy: { requireIpBinding: true, egressIps: ["203.0.113.7"] } });
    const created = await svc.create({ userId: "user_drift" }, { exchange: "bybit", label: "bound", ...key });
    expect(created.keyPermissions).toMatchObject({ ipRestricted: true, internalTransfer: false });

    // At the venue: the IP list removed, internal transfers switched on.
    bybit.addAccount({ credentials: key, permissions: { ips: [], transfer: true } });
    clock.advance(2 * 3_600_000);
    expect(await svc.checkPermissionDrift({ olderThanMs: 3_600_000 })).toMatchObject({ checked: 1, invalid: 1 });
    expect((await svc.get({ userId: "user_drift" }, created.id)).status).toBe("invalid");
    await detectors.idle();
    expect(kinds.sort()).toEqual(["credential.ip_binding_lost", "credential.transfer_enabled"]);
  });
});
