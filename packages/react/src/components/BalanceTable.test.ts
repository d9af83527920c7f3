// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { createElement as h } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { type SeenRequest, apiError, fakeApi, fixtures, ok, renderWithApi } from "../test-support/fakeApi.js";
import { BalanceTable } from "./BalanceTable.js";

afterEach(cleanup);

describe("BalanceTable", () => {
  it("shows every asset per source under its credential's label, exact decimals, and the total", async () => {
    const balances = fixtures.balances();
    balances.sources.push({ source: { type: "wallet", walletId: "wal_01" }, error: { code: "CHAIN_UNAVAILABLE", message: "The chain is unavailable. Try again later." } });
    renderWithApi(h(BalanceTable), fakeApi({ "GET /v1/balances": ok(balances), "GET /v1/credentials": ok([fixtures.credential()]), "GET /v1/wallets": ok([fixtures.wallet()]) }));
    const btc = (await screen.findByRole("cell", { name: "BTC" })).closest("tr")!;
    expect(within(btc).getAllByRole("cell").map((c) => c.textContent)).toEqual(["Main account", "BTC", "0.50000000", "0.01000000", "$30,600.00", "1 min ago"]);
    expect(screen.getByTestId("total-usd").textContent).toBe("$31,800.50");
    // One source failing does not hide the others.
    expect(screen.getByRole("row", { name: /Ledger not readable The blockchain node is not answering/ })).toBeTruthy();
  });

  it("an invalid key keeps its row with why, its last known value and time, and the total says it leaves it out", async () => {
    const balances = fixtures.balances();
    const api = fakeApi({
      "GET /v1/balances": ok(balances),
      "GET /v1/credentials": ok([fixtures.credential(), fixtures.credential({ id: "cred_02", label: "Old key", status: "invalid" })]),
      "GET /v1/wallets": ok([]),
      "GET /v1/balances/history": (r: SeenRequest) => (r.query.get("source") === "exchange:cred_02" ? ok(fixtures.page([fixtures.snapshot(90, "1234.50"), fixtures.snapshot(90, "10.00", "USDT")])) : ok(fixtures.page([]))),
    });
    renderWithApi(h(BalanceTable), api);
    const row = await screen.findByTestId("source-problem");
    expect(row.textContent).toContain("Old key");
    expect(row.textContent).toContain("The exchange no longer accepts this key. Replace the key in Exchange credentials.");
    await waitFor(() => expect(row.textContent).toContain("$1,244.50"));
    expect(row.textContent).toContain("2 h ago");
    expect(screen.getByTestId("total-excludes").textContent).toContain("leaves out Old key");
  });

  it("refreshes each source on its own: one unreadable chain does not fail the others", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      "GET /v1/balances": ok(fixtures.balances()),
      "GET /v1/credentials": ok([fixtures.credential()]),
      "GET /v1/wallets": ok([fixtures.wallet()]),
      "POST /v1/balances/refresh": (r: SeenRequest) => ((r.body as { source: string }).source.startsWith("wallet:") ? apiError(503, "CHAIN_UNAVAILABLE", "The chain is unavailable. Try again later.") : ok([])),
    });
    renderWithApi(h(BalanceTable), api);
    await screen.findByRole("cell", { name: "BTC" });
    await user.click(screen.getByRole("button", { name: "Refresh all" }));
    await waitFor(() => expect(api.calls("POST /v1/balances/refresh").map((c) => (c.body as { source: string }).source).sort()).toEqual(["exchange:cred_01", "wallet:wal_01"]));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("The blockchain node is not answering.");
    expect(alert.closest("li")?.textContent).toContain("Ledger");
  });

  it("a refused refresh shows the Retry-After cooldown as a countdown on a disabled button", async () => {
    const user = userEvent.setup();
    const base = fakeApi({
      "GET /v1/balances": ok(fixtures.balances()),
      "GET /v1/credentials": ok([fixtures.credential()]),
      "GET /v1/wallets": ok([]),
      "POST /v1/balances/refresh": apiError(429, "RATE_LIMITED", "Too many requests. Try again later."),
    });
    const withRetryAfter = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await base.fetch(input, init);
      if (res.status !== 429) return res;
      return new Response(await res.text(), { status: 429, headers: { "content-type": "application/json", "retry-after": "42" } });
    }) as typeof fetch;
    renderWithApi(h(BalanceTable), { ...base, fetch: withRetryAfter });
    await screen.findByRole("cell", { name: "BTC" });
    await user.click(screen.getByRole("button", { name: "Refresh Main account" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("Too many requests in a short time. Try again in 42 s.");
    const button = await screen.findByRole("button", { name: "Refresh Main account" });
    await waitFor(() => expect(button.textContent).toMatch(/^Wait 4[12] s$/));
    expect((button as HTMLButtonElement).disabled).toBe(true);
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
    screen.getByRole("button", { name: "Refresh all" }).focus();
    await user.keyboard("{Enter}");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("Too many requests in a short time. Wait for the countdown, then try again.");
    expect(api.calls("POST /v1/balances/refresh")).toHaveLength(1);
  });
});
