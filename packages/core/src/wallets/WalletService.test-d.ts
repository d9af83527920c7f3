import { expectTypeOf, test } from "vitest";
import type { WalletChallengeOptions, WalletLinkOptions, WalletService, WalletUpdateOptions } from "../index.js";

declare const wallets: WalletService;
const ctx = { userId: "user_1" };

test("wallet methods take typed inputs inferred from their zod schemas", () => {
  expectTypeOf<WalletUpdateOptions>().toEqualTypeOf<{
    walletId: string;
    label?: string | null | undefined;
    metadata?: Parameters<WalletService["update"]>[1]["metadata"];
  }>();
  // The chain may be given as CAIP-2 or as an EIP-155 chain number (normalised to CAIP-2).
  expectTypeOf<WalletChallengeOptions>().toEqualTypeOf<{ address: string; chainId: string | number }>();
  expectTypeOf<WalletLinkOptions>().toHaveProperty("signature").toEqualTypeOf<string>();

  // @ts-expect-error a misspelt field does not compile
  void wallets.update(ctx, { walletId: "w", lable: "Cold" });
  // @ts-expect-error the id is a string, not a number
  void wallets.setPrimary(ctx, { walletId: 5 });
  // @ts-expect-error the chain id is required
  void wallets.challenge(ctx, { address: "0x0000000000000000000000000000000000000000" });
  // @ts-expect-error a signature is required
  void wallets.verifyAndLink(ctx, { message: "m" });
});
