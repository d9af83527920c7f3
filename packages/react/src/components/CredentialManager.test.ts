// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { createElement as h } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type SeenRequest, apiError, fakeApi, fixtures, ok, renderWithApi, reverificationNeeded } from "../test-support/fakeApi.js";
import type { VenueDto } from "@wallet-auth/core/client";
import { CredentialManager } from "./CredentialManager.js";

afterEach(() => {
  cleanup();
  // The form keeps its non-secret draft (exchange, label) for the tab's session.
  sessionStorage.clear();
});

const NEW_SECRET = "s3cr3t-value-never-shown";

/** The credential list answers `list` until a write happened, then `after`. */
function credentialApi(extra: Record<string, Parameters<typeof fakeApi>[0][string]> = {}) {
  let current = [fixtures.credential()];
  const api = fakeApi({
    "GET /v1/venues": venues,
    "GET /v1/credentials": () => ok(current),
    "PATCH /v1/credentials/cred_01": (r: SeenRequest) => {
      const body = r.body as { label?: string; apiKey?: string };
      current = [fixtures.credential({ ...(body.label ? { label: body.label } : {}), ...(body.apiKey ? { keyHint: body.apiKey.slice(-4) } : {}) })];
      return ok(current[0]);
    },
    ...extra,
  });
  return api;
}

/** Everything the page and the query client hold, as text. */
function everythingHeld(queryClient: { getMutationCache(): { getAll(): { state: unknown }[] }; getQueryCache(): { getAll(): { state: unknown }[] } }) {
  return document.body.innerHTML + JSON.stringify(queryClient.getMutationCache().getAll().map((m) => m.state)) + JSON.stringify(queryClient.getQueryCache().getAll().map((q) => q.state));
}

const venue = (over: Partial<VenueDto> = {}): VenueDto => ({
  id: "binance",
  displayName: "Binance",
  fields: [
    { name: "apiKey", label: "API key", format: "64 letters and digits", required: true },
    { name: "secret", label: "Secret key", format: "64 letters and digits", required: true },
  ],
  requiredFields: ["apiKey", "secret"],
  keyPageUrl: "https://www.binance.com/en/my/settings/api-management",
  enablePermissions: ["Enable Reading"],
  leaveOffPermissions: ["Enable Withdrawals"],
  reportsPermissions: true,
  supportsGeneratedKeys: true,
  supportsIpAllowlist: true,
  egressIps: ["203.0.113.7"],
  ...over,
});
const okxVenue = venue({
  id: "okx",
  displayName: "OKX",
  fields: [
    { name: "apiKey", label: "API key", format: "a UUID", required: true },
    { name: "secret", label: "Secret key", format: "32 hex digits", required: true },
    { name: "password", label: "Passphrase", format: "the passphrase you chose", required: true },
  ],
  requiredFields: ["apiKey", "secret", "password"],
  enablePermissions: ["Read"],
  leaveOffPermissions: ["Withdraw"],
});
const venues = ok([venue(), okxVenue]);

describe("CredentialManager", () => {
  it("shows each credential with its exchange, status pill, permission badges, IP binding and expiry", async () => {
    const api = fakeApi({
      "GET /v1/venues": venues,
      "GET /v1/credentials": ok([
        fixtures.credential({
          keyPermissions: { read: true, spotTrade: true, margin: false, futures: false, internalTransfer: false, withdraw: false, ipRestricted: true, allowedIps: ["203.0.113.7"], expiresAt: null, account: "sub" },
        }),
        fixtures.credential({ id: "cred_02", label: "Old key", status: "invalid", exchange: "okx", expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }),
      ]),
    });
    renderWithApi(h(CredentialManager), api);
    const main = await screen.findByRole("listitem", { name: "Main account on Binance" });
    expect(within(main).getByText("Active")).toBeTruthy();
    expect(within(main).getByText(/Binance · key …9F3A · sub-account/)).toBeTruthy();
    const badges = within(within(main).getByRole("list", { name: "Key permissions" })).getAllByRole("listitem").map((b) => b.textContent);
    expect(badges).toEqual(["read: on", "trade: on", "margin: off", "futures: off", "transfer: off", "withdraw: off"]);
    expect(within(main).getByText("bound to 203.0.113.7")).toBeTruthy();
    const old = screen.getByRole("listitem", { name: "Old key on OKX" });
    expect(within(old).getByText("Invalid key")).toBeTruthy();
    expect(within(old).getByText("in 3 days").className).toContain("wa-warn");
    // An invalid key cannot simply be enabled: only the check or a new key brings it back.
    expect(within(old).queryByRole("button", { name: "Enable" })).toBeNull();
  });

  it("the form has exactly the fields the venue needs, marked required, with where to create the key, what to leave off and the IPs to allow", async () => {
    const user = userEvent.setup();
    renderWithApi(h(CredentialManager), fakeApi({ "GET /v1/venues": venues, "GET /v1/credentials": ok([]) }));
    const guide = screen.getByTestId("venue-guide");
    await within(guide).findByRole("link", { name: /Create a key on Binance/ });
    expect(screen.queryByLabelText(/Passphrase/)).toBeNull();
    expect(within(guide).getByRole("link", { name: /Create a key on Binance/ }).getAttribute("href")).toBe("https://www.binance.com/en/my/settings/api-management");
    expect(guide.textContent).toContain("Leave off: Enable Withdrawals.");
    expect(within(guide).getByRole("button", { name: "Copy IP address 203.0.113.7" })).toBeTruthy();
    await user.selectOptions(screen.getByLabelText("Exchange"), "okx");
    const passphrase = screen.getByLabelText(/Passphrase/) as HTMLInputElement;
    expect(passphrase.required).toBe(true);
    expect(passphrase.type).toBe("password");
    expect(screen.getByText("the passphrase you chose")).toBeTruthy();
  });

  it("adds a credential from the keyboard; the secret is gone from the form, the page and the query client; focus goes to the new card", async () => {
    const user = userEvent.setup();
    let stored = false;
    let renamed = false;
    const api = fakeApi({
      "GET /v1/venues": venues,
      "GET /v1/credentials": () => ok(stored ? [fixtures.credential({ label: "Spot", keyHint: renamed ? "B56B" : "WXYZ" })] : []),
      "POST /v1/credentials": () => ((stored = true), ok(fixtures.credential({ label: "Spot", keyHint: "WXYZ" }), 201)),
    });
    const { queryClient } = renderWithApi(h(CredentialManager), api);
    await screen.findByText(/No credentials yet/);
    await screen.findByRole("link", { name: /Create a key on Binance/ });
    await user.click(screen.getByLabelText(/^Label/));
    await user.keyboard("Spot");
    await user.tab();
    await user.keyboard("AKIA-WXYZ");
    await user.tab();
    await user.keyboard(NEW_SECRET);
    await user.keyboard("{Enter}");
    expect(await screen.findByText("Stored and validated: Spot (key …WXYZ).")).toBeTruthy();
    expect(api.calls("POST /v1/credentials")[0]?.body).toEqual({ exchange: "binance", label: "Spot", apiKey: "AKIA-WXYZ", secret: NEW_SECRET });
    expect((screen.getByLabelText(/Secret key/) as HTMLInputElement).value).toBe("");
    await waitFor(() => expect(document.activeElement?.getAttribute("data-credential-id")).toBe("cred_01"));
    await waitFor(() => expect(everythingHeld(queryClient)).not.toContain(NEW_SECRET));
    renamed = true;
    await queryClient.invalidateQueries();
    await waitFor(() => expect(screen.queryByText("Stored and validated: Spot (key …WXYZ).")).toBeNull());
  });

  it("a withdraw-enabled key says exactly that (not that the exchange refused the key); label and API key stay, the secret is cleared", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      "GET /v1/venues": venues,
      "GET /v1/credentials": ok([]),
      "POST /v1/credentials": apiError(422, "CREDENTIAL_WITHDRAWAL_ENABLED", "This API key can withdraw funds. Create a key without withdrawal permission, or explicitly allow it."),
    });
    renderWithApi(h(CredentialManager), api);
    await screen.findByRole("link", { name: /Create a key on Binance/ });
    await user.type(screen.getByLabelText(/^Label/), "Risky");
    await user.type(screen.getByLabelText(/^API key/), "KEY1");
    await user.type(screen.getByLabelText(/Secret key/), NEW_SECRET);
    await user.click(screen.getByRole("button", { name: "Add credential" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("This key can withdraw funds, so it was not stored. On the exchange, turn withdrawals off for this key (or create a new key without them), then add it again.");
    expect(alert.textContent).not.toMatch(/refused|rejected/);
    expect((screen.getByLabelText(/^Label/) as HTMLInputElement).value).toBe("Risky");
    expect((screen.getByLabelText(/^API key/) as HTMLInputElement).value).toBe("KEY1");
    expect((screen.getByLabelText(/Secret key/) as HTMLInputElement).value).toBe("");
  });

  it("a field the API names in error.fields is marked, gets its message under it, and the focus", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      "GET /v1/venues": venues,
      "GET /v1/credentials": ok([]),
      "POST /v1/credentials": apiError(400, "INVALID_INPUT", "The request is invalid.", {}),
    });
    // The router puts `fields` inside `error`.
    const withFields = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await api.fetch(input, init);
      if (res.status !== 400) return res;
      return new Response(JSON.stringify({ error: { code: "INVALID_INPUT", message: "The request is invalid.", requestId: "r1", fields: ["apiKey"] } }), { status: 400 });
    }) as typeof fetch;
    renderWithApi(h(CredentialManager), { ...api, fetch: withFields });
    await screen.findByRole("link", { name: /Create a key on Binance/ });
    await user.type(screen.getByLabelText(/^Label/), "Spot");
    await user.type(screen.getByLabelText(/^API key/), "bad key");
    await user.type(screen.getByLabelText(/Secret key/), NEW_SECRET);
    await user.click(screen.getByRole("button", { name: "Add credential" }));
    const apiKey = screen.getByLabelText(/^API key/) as HTMLInputElement;
    await waitFor(() => expect(apiKey.getAttribute("aria-invalid")).toBe("true"));
    await waitFor(() => expect(document.activeElement).toBe(apiKey));
    const describedBy = apiKey.getAttribute("aria-describedby")!.split(" ");
    expect(describedBy.map((id) => document.getElementById(id)?.textContent)).toContain("Not accepted: check this value.");
    expect((screen.getByLabelText(/^Label/) as HTMLInputElement).getAttribute("aria-invalid")).toBeNull();
  });

  it("step-up is a dialog (no window.confirm): after verifying, the same request is retried and the key stored; nothing typed is lost on the way", async () => {
    const user = userEvent.setup();
    const confirm = vi.fn(() => true);
    window.confirm = confirm;
    const reverify = vi.fn(async () => true);
    let stored = false;
    const api = fakeApi({
      "GET /v1/venues": venues,
      "GET /v1/credentials": () => ok(stored ? [fixtures.credential({ label: "Spot" })] : []),
      "POST /v1/credentials": (_r: SeenRequest, nth: number) => (nth === 0 ? reverificationNeeded() : ((stored = true), ok(fixtures.credential({ label: "Spot" }), 201))),
    });
    renderWithApi(h(CredentialManager), api, { reverify });
    await screen.findByRole("link", { name: /Create a key on Binance/ });
    await user.type(screen.getByLabelText(/^Label/), "Spot");
    await user.type(screen.getByLabelText(/^API key/), "KEY-9F3A");
    await user.type(screen.getByLabelText(/Secret key/), NEW_SECRET);
    await user.click(screen.getByRole("button", { name: "Add credential" }));
    const dialog = await screen.findByRole("dialog", { name: "Verify it's you" });
    expect(reverify).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole("button", { name: "Verify and continue" }));
    expect(await screen.findByText("Stored and validated: Spot (key …9F3A).")).toBeTruthy();
    expect(reverify).toHaveBeenCalledTimes(1);
    expect(confirm).not.toHaveBeenCalled();
    const sent = api.calls("POST /v1/credentials").map((r) => r.body);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("cancelling the step-up is quiet: no error, the label and API key kept, only the secret cleared", async () => {
    const user = userEvent.setup();
    const api = fakeApi({ "GET /v1/venues": venues, "GET /v1/credentials": ok([]), "POST /v1/credentials": reverificationNeeded() });
    renderWithApi(h(CredentialManager), api, { reverify: async () => true });
    await screen.findByRole("link", { name: /Create a key on Binance/ });
    await user.type(screen.getByLabelText(/^Label/), "Spot");
    await user.type(screen.getByLabelText(/^API key/), "KEY-9F3A");
    await user.type(screen.getByLabelText(/Secret key/), NEW_SECRET);
    await user.click(screen.getByRole("button", { name: "Add credential" }));
    await screen.findByRole("dialog", { name: "Verify it's you" });
    await user.keyboard("{Escape}");
    expect(await screen.findByText(/Not stored: verification cancelled/)).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect((screen.getByLabelText(/^Label/) as HTMLInputElement).value).toBe("Spot");
    expect((screen.getByLabelText(/^API key/) as HTMLInputElement).value).toBe("KEY-9F3A");
    expect((screen.getByLabelText(/Secret key/) as HTMLInputElement).value).toBe("");
    expect(api.calls("POST /v1/credentials")).toHaveLength(1);
  });

  it("renames a credential in place (no step-up) and returns focus to the Rename button", async () => {
    const user = userEvent.setup();
    const reverify = vi.fn(async () => true);
    const api = credentialApi();
    renderWithApi(h(CredentialManager), api, { reverify });
    const row = await screen.findByRole("listitem", { name: "Main account on Binance" });
    const rename = within(row).getByRole("button", { name: "Rename" });
    await user.click(rename);
    expect(rename.getAttribute("aria-expanded")).toBe("true");
    const input = within(row).getByLabelText("New label");
    expect(document.activeElement).toBe(input);
    await user.clear(input);
    await user.keyboard("Long-term holdings{Enter}");
    expect(await screen.findByRole("listitem", { name: "Long-term holdings on Binance" })).toBeTruthy();
    expect(api.calls("PATCH /v1/credentials/cred_01").map((r) => r.body)).toEqual([{ label: "Long-term holdings" }]);
    expect(screen.getByText("Renamed to Long-term holdings.")).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Rename"));
    expect(reverify).not.toHaveBeenCalled();
  });

  it("replaces the key through the step-up dialog, retried once verified; no secret is kept", async () => {
    const user = userEvent.setup();
    const reverify = vi.fn(async () => true);
    let replaced = false;
    const api = credentialApi({
      "PATCH /v1/credentials/cred_01": (r: SeenRequest, nth: number) => {
        if (nth === 0) return reverificationNeeded();
        replaced = true;
        return ok(fixtures.credential({ keyHint: (r.body as { apiKey: string }).apiKey.slice(-4) }));
      },
      "GET /v1/credentials": () => ok([fixtures.credential(replaced ? { keyHint: "NEW9" } : {})]),
    });
    const { queryClient } = renderWithApi(h(CredentialManager), api, { reverify });
    const row = await screen.findByRole("listitem", { name: "Main account on Binance" });
    await user.click(within(row).getByRole("button", { name: "Replace key" }));
    const form = within(row).getByRole("form", { name: "Replace the key of Main account" });
    await user.type(within(form).getByLabelText("New API key"), "KEY-NEW9");
    await user.type(within(form).getByLabelText("New API secret"), NEW_SECRET);
    await user.click(within(form).getByRole("button", { name: "Save new key" }));
    await user.click(within(await screen.findByRole("dialog", { name: "Verify it's you" })).getByRole("button", { name: "Verify and continue" }));
    expect(await within(row).findByText("Key replaced and validated: now key …NEW9.")).toBeTruthy();
    expect(reverify).toHaveBeenCalledTimes(1);
    expect(api.calls("PATCH /v1/credentials/cred_01").map((r) => r.body)).toEqual([
      { apiKey: "KEY-NEW9", secret: NEW_SECRET },
      { apiKey: "KEY-NEW9", secret: NEW_SECRET },
    ]);
    await waitFor(() => expect(everythingHeld(queryClient)).not.toContain(NEW_SECRET));
  });

  it("deletes only after a dialog that spells out the consequence; Escape keeps it; focus goes to the list after", async () => {
    const user = userEvent.setup();
    let gone = false;
    const api = fakeApi({
      "GET /v1/venues": venues,
      "GET /v1/credentials": () => ok(gone ? [] : [fixtures.credential()]),
      "DELETE /v1/credentials/cred_01": () => ((gone = true), { status: 204 }),
    });
    renderWithApi(h(CredentialManager), api);
    const row = await screen.findByRole("listitem", { name: "Main account on Binance" });
    await user.click(within(row).getByRole("button", { name: "Delete" }));
    expect((await screen.findByRole("alertdialog")).textContent).toContain("bot tokens using it stop working");
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(api.calls("DELETE /v1/credentials/cred_01")).toHaveLength(0);
    await user.click(within(row).getByRole("button", { name: "Delete" }));
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Delete for good" }));
    expect(await screen.findByText(/No credentials yet/)).toBeTruthy();
    expect(api.calls("DELETE /v1/credentials/cred_01")).toHaveLength(1);
    await waitFor(() => expect(document.activeElement?.getAttribute("data-testid")).toBe("credential-list"));
  });
});
