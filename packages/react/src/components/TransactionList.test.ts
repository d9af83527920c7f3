// @vitest-environment happy-dom
import { cleanup, screen, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { createElement as h } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { type SeenRequest, fakeApi, fixtures, ok, renderWithApi } from "../test-support/fakeApi.js";
import { TransactionList } from "./TransactionList.js";

afterEach(cleanup);

const tx = (id: string, over: Record<string, unknown> = {}) => ({ id, type: "trade", asset: "BTC", amount: "0.01000000", fee: "0.00001", feeAsset: "BTC", status: "ok", occurredAt: new Date().toISOString(), txid: null, ...over });

describe("TransactionList", () => {
  it("shows the chosen source's transactions with the session token, exact amounts, and pages to older ones", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      "GET /v1/credentials": ok([fixtures.credential()]),
      "GET /v1/wallets": ok([fixtures.wallet()]),
      "GET /v1/credentials/cred_01/transactions": (r: SeenRequest) => (r.query.get("cursor") === "c2" ? ok(fixtures.page([tx("t2", { type: "deposit", asset: "USDT", amount: "250", fee: null })])) : ok(fixtures.page([tx("t1")], "c2"))),
      "GET /v1/wallets/wal_01/transactions": ok(fixtures.page([tx("w1", { type: "transfer", asset: "ETH", amount: "-0.5", fee: null })])),
    });
    renderWithApi(h(TransactionList), api);
    const first = (await screen.findByRole("cell", { name: "0.01000000" })).closest("tr")!;
    expect(within(first).getAllByRole("cell").slice(1).map((c) => c.textContent)).toEqual(["trade", "BTC", "0.01000000", "0.00001 BTC", "ok"]);
    expect(api.calls("GET /v1/credentials/cred_01/transactions")[0]?.authorization).toBe("Bearer session-token");
    await user.click(screen.getByRole("button", { name: "Older transactions" }));
    expect(await screen.findByRole("cell", { name: "250" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Older transactions" })).toBeNull();
    await user.selectOptions(screen.getByLabelText("Source"), "wallet:wal_01");
    expect(await screen.findByRole("cell", { name: "-0.5" })).toBeTruthy();
  });
});
