import { expectTypeOf, test } from "vitest";
import type { CredentialCreateInput, CredentialService } from "../index.js";

declare const credentials: CredentialService;
const ctx = { userId: "user_1" };

test("credential methods take typed inputs", () => {
  expectTypeOf<Parameters<CredentialService["create"]>[1]>().toEqualTypeOf<CredentialCreateInput>();
  // @ts-expect-error a misspelt field does not compile
  void credentials.create(ctx, { exchange: "binance", label: "main", apiKey: "k", secret: "s", expiresAtt: "2027-01-01" });
  // @ts-expect-error the secret is required
  void credentials.create(ctx, { exchange: "binance", label: "main", apiKey: "k" });
  // @ts-expect-error a misspelt field does not compile
  void credentials.update(ctx, "id", { lable: "renamed" });
  // @ts-expect-error allowWithdrawal is a boolean
  void credentials.update(ctx, "id", { allowWithdrawal: "yes" });
});
