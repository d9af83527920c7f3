// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { createElement as h } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { fakeApi, fixtures, ok, renderWithApi } from "../test-support/fakeApi.js";
import { BalanceHistoryChart } from "./BalanceHistoryChart.js";

afterEach(cleanup);

const routes = () => ({
  "GET /v1/credentials": ok([fixtures.credential()]),
  "GET /v1/wallets": ok([fixtures.wallet()]),
  "GET /v1/balances": ok(fixtures.balances()),
  "GET /v1/balances/history": (r: { query: URLSearchParams }) =>
    ok(
      fixtures.page(
        r.query.get("source") === "wallet:wal_01"
          ? [fixtures.snapshot(30, "1500.00", "ETH")]
          : // Two assets at one time add up to one point.
            [fixtures.snapshot(120, "30000.00"), fixtures.snapshot(120, "100.00", "USDT"), fixtures.snapshot(10, "31000.00")],
      ),
    ),
});

describe("BalanceHistoryChart", () => {
  it("sums the assets of each snapshot into one point and describes the line in words and as a table", async () => {
    const user = userEvent.setup();
    renderWithApi(h(BalanceHistoryChart), fakeApi(routes()));
    const figure = await screen.findByRole("figure", { name: /2 snapshots, latest \$31,000\.00, lowest \$30,100\.00, highest \$31,000\.00/ });
    await user.click(within(figure).getByText("Show as a table"));
    const cells = within(figure).getAllByRole("cell").map((c) => c.textContent);
    expect(cells.filter((t) => t?.startsWith("$"))).toEqual(["$30,100.00", "$31,000.00"]);
  });

  it("the range picker is a keyboard radio group; a new range asks the API from the new start", async () => {
    const user = userEvent.setup();
    const api = fakeApi(routes());
    renderWithApi(h(BalanceHistoryChart), api);
    await screen.findByRole("figure");
    const group = screen.getByRole("group", { name: "Range" });
    const sevenDays = within(group).getByRole("radio", { name: "7 days" }) as HTMLInputElement;
    expect(sevenDays.checked).toBe(true);
    sevenDays.focus();
    await user.keyboard("{ArrowRight}");
    const thirty = within(group).getByRole("radio", { name: "30 days" }) as HTMLInputElement;
    await waitFor(() => expect(thirty.checked).toBe(true));
    await screen.findByRole("figure", { name: /last 30 days/ });
    const starts = api.calls("GET /v1/balances/history").map((r) => Date.now() - new Date(r.query.get("from")!).getTime());
    expect(Math.round(starts.at(-1)! / 86_400_000)).toBe(30);
    expect(starts.some((ms) => Math.round(ms / 86_400_000) === 7)).toBe(true);
  });

  it("offers credentials and wallets as sources; choosing one shows its history", async () => {
    const user = userEvent.setup();
    const api = fakeApi(routes());
    renderWithApi(h(BalanceHistoryChart), api);
    await screen.findByRole("figure");
    const select = screen.getByLabelText("Source");
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual(["Main account (binance)", "Ledger (0x5B38…ddC4)"]);
    await user.selectOptions(select, "wallet:wal_01");
    expect(await screen.findByRole("figure", { name: /1 snapshot, latest \$1,500\.00\./ })).toBeTruthy();
    expect(api.calls("GET /v1/balances/history").at(-1)?.query.get("source")).toBe("wallet:wal_01");
  });

  it("with neither credential nor wallet, says how to get a history and asks nothing", async () => {
    const api = fakeApi({ ...routes(), "GET /v1/credentials": ok([]), "GET /v1/wallets": ok([]) });
    renderWithApi(h(BalanceHistoryChart), api);
    expect(await screen.findByText("Add a credential or link a wallet to see its history.")).toBeTruthy();
    expect(api.calls("GET /v1/balances/history")).toHaveLength(0);
  });
});
