// @vitest-environment happy-dom
/**
 * Every component through the real provider against a fake `fetch` answering the API's JSON:
 * loading, empty, error (the API's generic message plus what to do next, never library text),
 * data, session expiring (a warning), and signed out after a 401 in the middle of use.
 */
import { cleanup, screen, waitFor } from "@testing-library/react";
import { type ReactElement, createElement as h } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { type Handler, fakeApi, fixtures, ok, renderWithApi, storeDown, unauthenticated } from "../test-support/fakeApi.js";
import { AlertsPanel } from "./AlertsPanel.js";
import { AuditLogTable } from "./AuditLogTable.js";
import { BalanceHistoryChart } from "./BalanceHistoryChart.js";
import { BalanceTable } from "./BalanceTable.js";
import { BotTokens } from "./BotTokens.js";
import { CredentialManager } from "./CredentialManager.js";
import { SecurityStatus } from "./SecurityStatus.js";
import { TransactionList } from "./TransactionList.js";
import { WalletList } from "./WalletList.js";

afterEach(cleanup);

type Mode = "pending" | "empty" | "error" | "network" | "data";

/** The answers every component may ask for, with data. */
const dataRoutes = (): Record<string, Handler> => ({
  "GET /v1/credentials": ok([fixtures.credential()]),
  "GET /v1/wallets": ok([fixtures.wallet()]),
  "GET /v1/balances": ok(fixtures.balances()),
  "GET /v1/balances/history": ok(fixtures.page([fixtures.snapshot(120, "30100.00"), fixtures.snapshot(60, "30600.00"), fixtures.snapshot(5, "31800.50")])),
  "GET /v1/audit": ok(fixtures.page([fixtures.auditEvent()])),
  "GET /v1/alerts": ok(fixtures.page([fixtures.alert()])),
  "GET /v1/tokens": ok([fixtures.token()]),
  "GET /v1/credentials/cred_01/transactions": ok(
    fixtures.page([{ id: "tx_1", type: "deposit", asset: "USDT", amount: "250.00", fee: null, feeAsset: null, status: "ok", occurredAt: new Date().toISOString(), txid: null }]),
  ),
});

interface Case {
  name: string;
  ui: () => ReactElement;
  /** The route whose answer decides the state under test. */
  route: string;
  empty: unknown;
  loading: string;
  emptyText: RegExp;
  /** Text a person sees only when the data arrived. */
  dataText: string | RegExp;
}

const cases: Case[] = [
  { name: "CredentialManager", ui: () => h(CredentialManager), route: "GET /v1/credentials", empty: [], loading: "Loading credentials…", emptyText: /No credentials yet/, dataText: "Main account" },
  { name: "BalanceTable", ui: () => h(BalanceTable), route: "GET /v1/balances", empty: { sources: [], totalUsd: null }, loading: "Loading balances…", emptyText: /No sources yet/, dataText: "$31,800.50" },
  {
    name: "BalanceHistoryChart",
    ui: () => h(BalanceHistoryChart),
    route: "GET /v1/balances/history",
    empty: fixtures.page([]),
    loading: "Loading the history…",
    emptyText: /No snapshots in the last 7 days yet/,
    dataText: /3 snapshots, latest \$31,800\.50, lowest \$30,100\.00, highest \$31,800\.50/,
  },
  { name: "WalletList", ui: () => h(WalletList), route: "GET /v1/wallets", empty: [], loading: "Loading wallets…", emptyText: /No wallets linked yet/, dataText: "0x5B38…ddC4" },
  { name: "AuditLogTable", ui: () => h(AuditLogTable), route: "GET /v1/audit", empty: fixtures.page([]), loading: "Loading the audit log…", emptyText: /No events match/, dataText: "Key added" },
  { name: "BotTokens", ui: () => h(BotTokens), route: "GET /v1/tokens", empty: [], loading: "Loading tokens…", emptyText: /No bot tokens/, dataText: "grid bot" },
  { name: "AlertsPanel", ui: () => h(AlertsPanel), route: "GET /v1/alerts", empty: fixtures.page([]), loading: "Loading alerts…", emptyText: /No alerts\./, dataText: "Access from a new IP address" },
  { name: "SecurityStatus", ui: () => h(SecurityStatus), route: "GET /v1/credentials", empty: [], loading: "Checking your account…", emptyText: /Nothing to check yet/, dataText: /1 thing needs your attention/ },
  {
    name: "TransactionList",
    ui: () => h(TransactionList),
    route: "GET /v1/credentials/cred_01/transactions",
    empty: fixtures.page([]),
    loading: "Loading transactions…",
    emptyText: /No transactions for this source yet/,
    dataText: "250.00",
  },
];

function apiFor(c: Case, mode: Mode) {
  const routes = dataRoutes();
  if (c.name === "SecurityStatus" && mode === "empty") routes["GET /v1/alerts"] = ok(fixtures.page([]));
  // The portfolio keeps a row per owned source: "no sources" means no credentials and no wallets.
  if (c.name === "BalanceTable" && mode === "empty") Object.assign(routes, { "GET /v1/credentials": ok([]), "GET /v1/wallets": ok([]) });
  const answer: Record<Mode, Handler> = {
    pending: "pending",
    empty: ok(c.empty),
    error: storeDown(),
    network: routes[c.route]!,
    data: routes[c.route]!,
  };
  routes[c.route] = answer[mode];
  const api = fakeApi(routes);
  if (mode !== "network") return api;
  // A failure below the API (the connection dropped): the library's text must not reach the page.
  const failing = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input).includes(c.route.split(" ")[1]!)) throw new TypeError("fetch failed: connect ECONNREFUSED 10.0.0.5:5432 at TCPConnectWrap.afterConnect");
    return api.fetch(input, init);
  }) as typeof fetch;
  return { ...api, fetch: failing };
}

describe.each(cases)("$name", (c) => {
  it("loading: says what it is loading, marked busy", async () => {
    renderWithApi(c.ui(), apiFor(c, "pending"));
    const note = await screen.findByText(c.loading);
    expect(note.getAttribute("aria-busy")).toBe("true");
  });

  it("empty: says there is nothing yet and how to get some", async () => {
    renderWithApi(c.ui(), apiFor(c, "empty"));
    expect(await screen.findByText(c.emptyText)).toBeTruthy();
  });

  it("error: the API's generic message and what to do next, announced; no stack", async () => {
    renderWithApi(c.ui(), apiFor(c, "error"));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("The service is having trouble storing data. Nothing was changed; try again in a few minutes.");
  });

  it("network failure: a plain message, none of the library's text", async () => {
    renderWithApi(c.ui(), apiFor(c, "network"));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("The service could not be reached. Check your connection, then try again.");
    expect(document.body.textContent).not.toMatch(/ECONNREFUSED|10\.0\.0\.5|TCPConnectWrap/);
  });

  it("data: shows it", async () => {
    renderWithApi(c.ui(), apiFor(c, "data"));
    expect(await screen.findByText(c.dataText)).toBeTruthy();
  });

  it("session expiring: a polite warning above the data, which stays usable", async () => {
    renderWithApi(c.ui(), apiFor(c, "data"), { sessionExpiresAt: Date.now() + 90_000 });
    expect(await screen.findByText(c.dataText)).toBeTruthy();
    const warning = screen.getByRole("status");
    expect(warning.textContent).toBe("Your session ends in 2 minutes. Finish what you are doing, then sign in again.");
    expect(screen.queryByText(/You are signed out/)).toBeNull();
  });

  it("signed out: a 401 in the middle of use replaces the data by a signed-out notice and stops asking the API", async () => {
    let signedIn = true;
    const routes = dataRoutes();
    const api = fakeApi(Object.fromEntries(Object.entries(routes).map(([k, v]) => [k, (r, n) => (signedIn ? (typeof v === "function" ? v(r, n) : v) : unauthenticated())])));
    const { queryClient } = renderWithApi(c.ui(), api);
    expect(await screen.findByText(c.dataText)).toBeTruthy();
    signedIn = false;
    await queryClient.invalidateQueries();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("You are signed out. Sign in again to continue.");
    await waitFor(() => expect(screen.queryByText(c.dataText)).toBeNull());
    // The section keeps its title, so the person knows what went away.
    expect(screen.getByRole("heading", { level: 2 })).toBeTruthy();
    const asked = api.seen.length;
    await queryClient.invalidateQueries();
    await new Promise((r) => setTimeout(r, 20));
    expect(api.seen.length).toBe(asked);
  });
});

describe("the session's end", () => {
  it("passing the end given to the provider signs every component out without a request", async () => {
    const api = fakeApi(dataRoutes());
    renderWithApi(h(CredentialManager), api, { sessionExpiresAt: Date.now() + 1_200 });
    expect(await screen.findByText("Main account")).toBeTruthy();
    expect(screen.getByRole("status").textContent).toMatch(/less than a minute/);
    expect((await screen.findByRole("alert", {}, { timeout: 3_000 })).textContent).toBe("You are signed out. Sign in again to continue.");
    expect(screen.queryByText("Main account")).toBeNull();
  });

  it("an app with its own session banner turns the notices off; the data still goes once signed out", async () => {
    renderWithApi(h(CredentialManager), fakeApi(dataRoutes()), { sessionExpiresAt: Date.now() + 1_200, sessionNotices: false });
    expect(await screen.findByText("Main account")).toBeTruthy();
    expect(screen.queryByRole("status")).toBeNull();
    await waitFor(() => expect(screen.queryByText("Main account")).toBeNull(), { timeout: 3_000 });
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("no warning while the end is further away than the warning window", async () => {
    renderWithApi(h(CredentialManager), fakeApi(dataRoutes()), { sessionExpiresAt: Date.now() + 10 * 60_000 });
    expect(await screen.findByText("Main account")).toBeTruthy();
    expect(screen.queryByRole("status")).toBeNull();
  });
});
