// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { createElement as h } from "react";
import { afterEach, describe, expect, it } from "vitest";
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
    await screen.findByRole("cell", { name: "credential.create" });
    await user.selectOptions(screen.getByLabelText("Outcome"), "denied");
    expect(await screen.findByRole("cell", { name: "denied" })).toBeTruthy();
    await user.type(screen.getByLabelText("Action"), "credential.create");
    await waitFor(() => expect(api.calls("GET /v1/audit").at(-1)?.query.get("action")).toBe("credential.create"));
    expect(api.calls("GET /v1/audit").at(-1)?.query.get("outcome")).toBe("denied");
    await user.click(await screen.findByRole("button", { name: "Older events" }));
    expect(await screen.findByRole("cell", { name: "wallet.link" })).toBeTruthy();
    expect(api.calls("GET /v1/audit").at(-1)?.query.get("cursor")).toBe("cur_2");
    expect(within(screen.getByTestId("audit-table")).getAllByRole("row")).toHaveLength(3);
  });

  it("an export answered 401 signs the component out", async () => {
    const user = userEvent.setup();
    renderWithApi(h(AuditLogTable), fakeApi({ "GET /v1/audit": ok(fixtures.page([fixtures.auditEvent()])), "GET /v1/audit/export": unauthenticated() }));
    await user.click(await screen.findByRole("button", { name: "Export CSV" }));
    expect((await screen.findByRole("alert")).textContent).toBe("You are signed out. Sign in again to continue.");
    expect(screen.queryByRole("button", { name: "Export CSV" })).toBeNull();
  });
});
