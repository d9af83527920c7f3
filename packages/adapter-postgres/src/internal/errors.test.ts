import { inspect } from "node:util";
import { WalletAuthError } from "@wallet-auth/core";
import { describe, expect, it } from "vitest";
import { toStoreError } from "./errors.js";

// What drivers attach to their errors: the SQL, the bound values and a detail that echoes them.
function driverError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(String(fields.message ?? "driver says no")), {
    query: "INSERT INTO api_credentials (sealed_secret) VALUES ($1)",
    params: ["SEALED-BLOB-VALUE"],
    detail: "Key (fingerprint)=(FINGERPRINT-VALUE) already exists.",
    ...fields,
  });
}

describe("toStoreError", () => {
  it("maps a fingerprint unique violation to CREDENTIAL_DUPLICATE and other unique violations to CONFLICT", () => {
    expect(toStoreError(driverError({ code: "23505", constraint: "api_credentials_fingerprint_key" })).code).toBe(
      "CREDENTIAL_DUPLICATE",
    );
    expect(toStoreError(driverError({ code: "23505", constraint: "wallets_namespace_address_key" })).code).toBe("CONFLICT");
  });

  it("maps foreign key, check and connection failures to their codes", () => {
    expect(toStoreError(driverError({ code: "23503" })).code).toBe("NOT_FOUND");
    expect(toStoreError(driverError({ code: "23514" })).code).toBe("INVALID_INPUT");
    expect(toStoreError(driverError({ code: "ECONNREFUSED" })).code).toBe("STORE_UNAVAILABLE");
    expect(toStoreError(driverError({ code: "57P01" })).code).toBe("STORE_UNAVAILABLE");
    expect(toStoreError(Object.assign(new Error("Knex: Timeout acquiring a connection."), { name: "KnexTimeoutError" })).code).toBe(
      "STORE_UNAVAILABLE",
    );
    expect(toStoreError(driverError({ code: "42P01" })).code).toBe("INTERNAL");
  });

  it("keeps SQL, bound values and driver detail out of the error and its cause", () => {
    const error = toStoreError(driverError({ code: "23505", constraint: "api_credentials_fingerprint_key", message: "duplicate key value" }));
    expect(error.message).toBe("This API key is already registered.");
    const everything = `${JSON.stringify(error)} ${inspect(error, { depth: 10, showHidden: true })}`;
    for (const leak of ["SEALED-BLOB-VALUE", "FINGERPRINT-VALUE", "INSERT INTO"]) expect(everything).not.toContain(leak);
    expect(error.cause).toMatchObject({ code: "23505", constraint: "api_credentials_fingerprint_key" });
  });

  it.each(["22P02", "22021", "22P05", "22001", "22007", "22008"])(
    "maps PostgreSQL's invalid-text state %s to INVALID_INPUT, never INTERNAL, without the SQL or the value",
    (code) => {
      const error = toStoreError(driverError({ code, message: 'insert into "audit_events" - invalid byte sequence for encoding "UTF8": 0x00 VALUE-ECHO' }));
      expect(error.code).toBe("INVALID_INPUT");
      const everything = `${JSON.stringify(error)} ${inspect(error, { depth: 10, showHidden: true })}`;
      for (const leak of ["audit_events", "VALUE-ECHO", "INSERT INTO", "SEALED-BLOB-VALUE"]) expect(everything).not.toContain(leak);
    },
  );

  it("passes wallet-auth errors through unchanged", () => {
    const original = new WalletAuthError("CONFLICT");
    expect(toStoreError(original)).toBe(original);
  });
});
