// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { createElement as h } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type SeenRequest, fakeApi, fixtures, ok, renderWithApi, unauthenticated } from "../test-support/fakeApi.js";
import { AuditLogTable } from "./AuditLogTable.js";

afterEach(cleanup);

describe("AuditLogTable", () => {
  it("filters by action and outcome (sent to the API) and pages to older events", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      "GET /v1/audit": (r: SeenRequest) =>
        r.query.get("cursor")
          ? ok(fixtures.page([fixtures.auditEvent({ id: "evt_old", action: "wallet.link" })]))
          : ok(fixtures.page([fixtures.auditEvent({ outcome: (r.query.get("outcome") as "denied" | null) ?? "success" })], "cur_2")),
    });
    renderWithApi(h(AuditLogTable), api);
    await screen.findByRole("cell", { name: "Key added" });
    await user.selectOptions(screen.getByLabelText("Outcome"), "denied");
    expect(await screen.findByRole("cell", { name: "refused" })).toBeTruthy();
    await user.selectOptions(screen.getByLabelText("Event type"), "credential.create");
    await waitFor(() => expect(api.calls("GET /v1/audit").at(-1)?.query.get("action")).toBe("credential.create"));
    expect(api.calls("GET /v1/audit").at(-1)?.query.get("outcome")).toBe("denied");
    await user.click(await screen.findByRole("button", { name: "Older events" }));
    expect(await screen.findByRole("cell", { name: "Wallet linked" })).toBeTruthy();
    expect(api.calls("GET /v1/audit").at(-1)?.query.get("cursor")).toBe("cur_2");
    expect(within(screen.getByTestId("audit-table")).getAllByRole("row")).toHaveLength(3);
  });

  it("export sends exactly the filters the table shows (event type, outcome, date range)", async () => {
    const user = userEvent.setup();
    const api = fakeApi({ "GET /v1/audit": ok(fixtures.page([fixtures.auditEvent()])), "GET /v1/audit/export": ok("seq,action") });
    const created = vi.fn(() => "blob:x");
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: () => undefined });
    renderWithApi(h(AuditLogTable), api);
    await screen.findByRole("cell", { name: "Key added" });
    await user.selectOptions(screen.getByLabelText("Event type"), "wallet.link");
    await user.selectOptions(screen.getByLabelText("Outcome"), "failure");
    await user.type(screen.getByLabelText("From"), "2026-12-01T10:00");
    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    await waitFor(() => expect(api.calls("GET /v1/audit/export")).toHaveLength(1));
    const q = api.calls("GET /v1/audit/export")[0]!.query;
    expect({ format: q.get("format"), action: q.get("action"), outcome: q.get("outcome"), from: q.get("from") }).toEqual({
      format: "csv",
      action: "wallet.link",
      outcome: "failure",
      from: new Date("2026-12-01T10:00").toISOString(),
    });
    expect(api.calls("GET /v1/audit").at(-1)?.query.get("from")).toBe(new Date("2026-12-01T10:00").toISOString());
  });

  it("an export answered 401 signs the component out", async () => {
    const user = userEvent.setup();
    renderWithApi(h(AuditLogTable), fakeApi({ "GET /v1/audit": ok(fixtures.page([fixtures.auditEvent()])), "GET /v1/audit/export": unauthenticated() }));
    await user.click(await screen.findByRole("button", { name: "Export CSV" }));
    expect((await screen.findByRole("alert")).textContent).toBe("You are signed out. Sign in again to continue.");
    expect(screen.queryByRole("button", { name: "Export CSV" })).toBeNull();
  });
});
