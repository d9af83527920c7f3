// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { createElement as h } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { fakeApi, fixtures, ok, renderWithApi } from "../test-support/fakeApi.js";
import { AlertsPanel } from "./AlertsPanel.js";
import { SecurityStatus } from "./SecurityStatus.js";

afterEach(cleanup);

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

describe("SecurityStatus", () => {
  it("names each credential needing attention and why, the age of every key, and the open alerts", async () => {
    const credentials = [
      fixtures.credential({ id: "c1", label: "Fresh", createdAt: daysAgo(3), lastValidatedAt: daysAgo(1) }),
      fixtures.credential({ id: "c2", label: "Ancient", createdAt: daysAgo(200), lastValidatedAt: daysAgo(1) }),
      fixtures.credential({ id: "c3", label: "Risky", createdAt: daysAgo(10), permissions: { read: true, trade: true, withdraw: true } }),
      fixtures.credential({ id: "c4", label: "Refused", status: "invalid", createdAt: daysAgo(10) }),
      fixtures.credential({ id: "c5", label: "Renewed", createdAt: daysAgo(300), lastValidatedAt: daysAgo(1) }),
    ];
    // c5's key was replaced two days ago: its age counts from then, so it is not "old".
    const renewals = fixtures.page([fixtures.auditEvent({ action: "credential.renew", targetId: "c5", occurredAt: daysAgo(2) }), fixtures.auditEvent({ action: "credential.renew", targetId: "c5", occurredAt: daysAgo(100) })]);
    const alerts = [fixtures.alert({ id: "a1", kind: "auth.failed_burst", severity: "high" }), fixtures.alert({ id: "a2", status: "resolved" })];
    const api = fakeApi({ "GET /v1/credentials": ok(credentials), "GET /v1/alerts": ok(fixtures.page(alerts)), "GET /v1/audit": ok(renewals) });
    renderWithApi(h(SecurityStatus), api);
    expect((await screen.findByTestId("security-summary")).textContent).toBe("4 things need your attention.");
    const flagged = within(screen.getByRole("list", { name: "Credentials needing attention" })).getAllByRole("listitem").map((li) => li.textContent);
    expect(flagged).toEqual([
      "Ancient (binance): the key is 200 days old: consider replacing it.",
      "Risky (binance): the key can withdraw funds: replace it with one that cannot.",
      "Refused (binance): the exchange refused the key: check it, or replace it.",
    ]);
    const ages = screen.getAllByRole("row").slice(1).map((r) => [within(r).getAllByRole("cell")[0]!.textContent, within(r).getAllByRole("cell")[2]!.textContent]);
    expect(ages).toEqual([["Fresh", "3 days"], ["Ancient", "200 days"], ["Risky", "10 days"], ["Refused", "10 days"], ["Renewed", "2 days"]]);
    expect(api.calls("GET /v1/audit")[0]?.query.get("action")).toBe("credential.renew");
    // Only the open alert counts.
    expect(within(screen.getByRole("list", { name: "Recent alerts" })).getAllByRole("listitem").map((li) => li.textContent)).toEqual([expect.stringMatching(/^high Several failed sign-ins in a short time/)]);
  });

  it("all good when nothing needs attention", async () => {
    renderWithApi(h(SecurityStatus), fakeApi({ "GET /v1/credentials": ok([fixtures.credential({ createdAt: daysAgo(5) })]), "GET /v1/alerts": ok(fixtures.page([])) }));
    expect((await screen.findByTestId("security-summary")).textContent).toBe("All good: nothing needs your attention.");
    expect(screen.getByText("No open alerts.")).toBeTruthy();
  });
});

describe("AlertsPanel", () => {
  it("lists open alerts first, most severe first, each with what to do", async () => {
    const alerts = [
      fixtures.alert({ id: "a1", kind: "access.new_ip", severity: "medium" }),
      fixtures.alert({ id: "a2", kind: "credential.withdraw_enabled", severity: "critical" }),
      fixtures.alert({ id: "a3", kind: "auth.failed_burst", severity: "high", status: "resolved" }),
      fixtures.alert({ id: "a4", kind: "something.new", severity: "low" }),
    ];
    renderWithApi(h(AlertsPanel), fakeApi({ "GET /v1/alerts": ok(fixtures.page(alerts)) }));
    const items = within(await screen.findByRole("list", { name: "Alerts" })).getAllByRole("listitem");
    expect(items.map((li) => li.getAttribute("aria-label"))).toEqual([
      "critical severity: A credential can withdraw funds",
      "medium severity: Access from a new IP address",
      "low severity: something.new",
      "high severity: Several failed sign-ins in a short time",
    ]);
    expect(within(items[0]!).getByText("Replace it with a key that cannot withdraw.")).toBeTruthy();
    expect(screen.getByText("3 open alerts.")).toBeTruthy();
  });

  it("marks an alert as seen, then as dealt with, and shows the list the API answers afterwards", async () => {
    const user = userEvent.setup();
    let status = "open";
    const api = fakeApi({
      "GET /v1/alerts": () => ok(fixtures.page([fixtures.alert({ id: "a1", kind: "access.new_ip", severity: "medium", status })])),
      "POST /v1/alerts/a1/acknowledge": () => ((status = "acknowledged"), ok(fixtures.alert({ id: "a1", status }))),
      "POST /v1/alerts/a1/resolve": () => ((status = "resolved"), ok(fixtures.alert({ id: "a1", status }))),
    });
    renderWithApi(h(AlertsPanel), api);
    await user.click(await screen.findByRole("button", { name: 'Mark "Access from a new IP address" as seen' }));
    await waitFor(() => expect(screen.getByText("No open alerts.")).toBeTruthy());
    expect(screen.queryByRole("button", { name: /as seen/ })).toBeNull();
    await user.click(screen.getByRole("button", { name: 'Mark "Access from a new IP address" as dealt with' }));
    await waitFor(() => expect(screen.queryByRole("button", { name: /dealt with/ })).toBeNull());
    expect(api.calls("POST /v1/alerts/a1/acknowledge")).toHaveLength(1);
    expect(api.calls("POST /v1/alerts/a1/resolve")).toHaveLength(1);
  });

  it("says what to do when marking fails, and keeps the button", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      "GET /v1/alerts": ok(fixtures.page([fixtures.alert({ id: "a1", kind: "access.new_ip", severity: "medium" })])),
      "POST /v1/alerts/a1/acknowledge": { status: 503, body: { error: { code: "STORE_UNAVAILABLE", message: "The data store is unavailable. Try again later.", requestId: "r1" } } },
    });
    renderWithApi(h(AlertsPanel), api);
    await user.click(await screen.findByRole("button", { name: /as seen/ }));
    expect((await screen.findByRole("alert")).textContent).toContain("The service is having trouble storing data.");
    expect(screen.getByRole("button", { name: /as seen/ })).toBeTruthy();
  });
});
