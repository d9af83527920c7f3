import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, fixedKey, ring, TestClock } from "@wallet-auth/testing/scenarios";
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
