// @vitest-environment happy-dom
import { cleanup, screen, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { createElement as h } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { apiError, fakeApi, fixtures, ok, renderWithApi } from "../test-support/fakeApi.js";
import { BalanceTable } from "./BalanceTable.js";

afterEach(cleanup);

describe("BalanceTable", () => {
  it("shows every asset per source under its credential's label, exact decimals, and the total", async () => {
    const balances = fixtures.balances();
    balances.sources.push({ source: { type: "wallet", walletId: "wal_01" }, error: { code: "CHAIN_UNAVAILABLE", message: "The chain is unavailable. Try again later." } });
    renderWithApi(h(BalanceTable), fakeApi({ "GET /v1/balances": ok(balances), "GET /v1/credentials": ok([fixtures.credential()]), "GET /v1/wallets": ok([fixtures.wallet()]) }));
    const btc = (await screen.findByRole("cell", { name: "BTC" })).closest("tr")!;
    expect(within(btc).getAllByRole("cell").map((c) => c.textContent)).toEqual(["Main account", "BTC", "0.50000000", "0.01000000", "0.51000000", "$30,600.00", "1 min ago"]);
    expect(screen.getByTestId("total-usd").textContent).toBe("$31,800.50");
    // One source failing does not hide the others.
    expect(screen.getByRole("row", { name: /Ledger The chain is unavailable/ })).toBeTruthy();
  });

  it("refresh is a button; a rate limit answers in a live region with when to try again", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      "GET /v1/balances": ok(fixtures.balances()),
      "GET /v1/credentials": ok([fixtures.credential()]),
      "GET /v1/wallets": ok([]),
      "POST /v1/balances/refresh": apiError(429, "RATE_LIMITED", "Too many requests. Try again later."),
    });
    renderWithApi(h(BalanceTable), api);
    await screen.findByRole("cell", { name: "BTC" });
    screen.getByRole("button", { name: "Refresh now" }).focus();
    await user.keyboard("{Enter}");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("Too many requests. Try again later. Wait a minute, then try again.");
    expect(alert.parentElement?.getAttribute("aria-live")).toBe("polite");
    expect(api.calls("POST /v1/balances/refresh")).toHaveLength(1);
  });
});
