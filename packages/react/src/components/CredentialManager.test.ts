// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { createElement as h } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type SeenRequest, apiError, fakeApi, fixtures, ok, renderWithApi, reverificationNeeded } from "../test-support/fakeApi.js";
import { CredentialManager } from "./CredentialManager.js";

afterEach(cleanup);

const NEW_SECRET = "s3cr3t-value-never-shown";

/** The credential list answers `list` until a write happened, then `after`. */
function credentialApi(extra: Record<string, Parameters<typeof fakeApi>[0][string]> = {}) {
  let current = [fixtures.credential()];
  const api = fakeApi({
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

describe("CredentialManager", () => {
  it("shows each credential with its status, key hint and security indicators", async () => {
    const api = fakeApi({ "GET /v1/credentials": ok([fixtures.credential(), fixtures.credential({ id: "cred_02", label: "Old key", status: "invalid", exchange: "okx", expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString() })]) });
    renderWithApi(h(CredentialManager), api);
    const main = await screen.findByRole("listitem", { name: "Main account on binance" });
    expect(within(main).getByText("active")).toBeTruthy();
    expect(within(main).getByText(/key …9F3A/)).toBeTruthy();
    expect(within(main).getByText("permissions: read")).toBeTruthy();
    const old = screen.getByRole("listitem", { name: "Old key on okx" });
    expect(within(old).getByText("invalid")).toBeTruthy();
    expect(within(old).getByText("expires in 3 days").className).toContain("wa-warn");
    // An invalid key cannot simply be enabled: only the check or a new key brings it back.
    expect(within(old).queryByRole("button", { name: "Enable" })).toBeNull();
  });

  it("adds a credential from the keyboard; the secret is gone from the form, the page and the query client afterwards", async () => {
    const user = userEvent.setup();
    let stored = false;
    let renamed = false;
    const api = fakeApi({
      "GET /v1/credentials": () => ok(stored ? [fixtures.credential({ label: "Spot", keyHint: renamed ? "B56B" : "WXYZ" })] : []),
      "POST /v1/credentials": () => ((stored = true), ok(fixtures.credential({ label: "Spot", keyHint: "WXYZ" }), 201)),
    });
    const { queryClient } = renderWithApi(h(CredentialManager), api);
    await screen.findByText(/No credentials yet/);
    await user.click(screen.getByLabelText("Label"));
    await user.keyboard("Spot");
    await user.tab();
    await user.keyboard("AKIA-WXYZ");
    await user.tab();
    await user.keyboard(NEW_SECRET);
    await user.keyboard("{Enter}");
    expect(await screen.findByText("Stored and validated: Spot (key …WXYZ).")).toBeTruthy();
    expect(api.calls("POST /v1/credentials")[0]?.body).toEqual({ exchange: "binance", label: "Spot", apiKey: "AKIA-WXYZ", secret: NEW_SECRET });
    expect((screen.getByLabelText("API secret") as HTMLInputElement).value).toBe("");
    await waitFor(() => expect(everythingHeld(queryClient)).not.toContain(NEW_SECRET));
    // Once the key is replaced (elsewhere, or by this page), the note about the old key goes.
    renamed = true;
    await queryClient.invalidateQueries();
    await waitFor(() => expect(screen.queryByText("Stored and validated: Spot (key …WXYZ).")).toBeNull());
  });

  it("asks for the passphrase only for exchanges that need one, with the exchange's hint", async () => {
    const user = userEvent.setup();
    renderWithApi(h(CredentialManager), fakeApi({ "GET /v1/credentials": ok([]) }));
    expect(screen.queryByLabelText("Passphrase")).toBeNull();
    await user.selectOptions(screen.getByLabelText("Exchange"), "okx");
    expect(screen.getByLabelText("Passphrase")).toBeTruthy();
    expect(screen.getByText(/Keep the passphrase/)).toBeTruthy();
  });

  it("shows a refused key as the API's message plus what to do next", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      "GET /v1/credentials": ok([]),
      "POST /v1/credentials": apiError(422, "CREDENTIAL_WITHDRAWAL_ENABLED", "This API key can withdraw funds. Create a key without withdrawal permission, or explicitly allow it."),
    });
    renderWithApi(h(CredentialManager), api);
    await user.type(screen.getByLabelText("Label"), "Risky");
    await user.type(screen.getByLabelText("API key"), "KEY1");
    await user.type(screen.getByLabelText("API secret"), NEW_SECRET);
    await user.click(screen.getByRole("button", { name: "Add credential" }));
    const result = await screen.findByTestId("credential-result");
    await waitFor(() => expect(result.textContent).toContain("This API key can withdraw funds."));
    expect(result.textContent).toContain("Create a key without withdrawal permission on the exchange.");
  });

  it("renames a credential in place (no step-up) and returns focus to the Rename button", async () => {
    const user = userEvent.setup();
    const reverify = vi.fn(async () => true);
    const api = credentialApi();
    renderWithApi(h(CredentialManager), api, { reverify });
    const row = await screen.findByRole("listitem", { name: "Main account on binance" });
    const rename = within(row).getByRole("button", { name: "Rename" });
    await user.click(rename);
    expect(rename.getAttribute("aria-expanded")).toBe("true");
    const input = within(row).getByLabelText("New label");
    expect(document.activeElement).toBe(input);
    await user.clear(input);
    await user.keyboard("Long-term holdings{Enter}");
    expect(await screen.findByRole("listitem", { name: "Long-term holdings on binance" })).toBeTruthy();
    expect(api.calls("PATCH /v1/credentials/cred_01").map((r) => r.body)).toEqual([{ label: "Long-term holdings" }]);
    expect(screen.getByText("Renamed to Long-term holdings.")).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Rename"));
    expect(reverify).not.toHaveBeenCalled();
  });

  it("a refused rename keeps the form open with the API's message", async () => {
    const user = userEvent.setup();
    const api = credentialApi({ "PATCH /v1/credentials/cred_01": apiError(400, "INVALID_INPUT", "The request is invalid.") });
    renderWithApi(h(CredentialManager), api);
    const row = await screen.findByRole("listitem", { name: "Main account on binance" });
    await user.click(within(row).getByRole("button", { name: "Rename" }));
    await user.click(within(row).getByRole("button", { name: "Save label" }));
    // Same label: nothing is sent.
    expect(api.calls("PATCH /v1/credentials/cred_01")).toHaveLength(0);
    await user.click(within(row).getByRole("button", { name: "Rename" }));
    await user.type(within(row).getByLabelText("New label"), " 2{Enter}");
    expect((await within(row).findByRole("alert")).textContent).toBe("The request is invalid. Check the highlighted fields.");
    expect(within(row).getByLabelText("New label")).toBeTruthy();
  });

  it("replaces the key: a reverification answer prompts to verify again, then the same request is retried; no secret is kept", async () => {
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
    const row = await screen.findByRole("listitem", { name: "Main account on binance" });
    await user.click(within(row).getByRole("button", { name: "Replace key" }));
    const form = within(row).getByRole("form", { name: "Replace the key of Main account" });
    await user.type(within(form).getByLabelText("New API key"), "KEY-NEW9");
    await user.type(within(form).getByLabelText("New API secret"), NEW_SECRET);
    await user.click(within(form).getByRole("button", { name: "Save new key" }));
    expect(await within(row).findByText("Key replaced and validated: now key …NEW9.")).toBeTruthy();
    expect(reverify).toHaveBeenCalledTimes(1);
    const sent = api.calls("PATCH /v1/credentials/cred_01").map((r) => r.body);
    expect(sent).toEqual([
      { apiKey: "KEY-NEW9", secret: NEW_SECRET },
      { apiKey: "KEY-NEW9", secret: NEW_SECRET },
    ]);
    expect(await within(row).findByText("binance · key …NEW9")).toBeTruthy();
    await waitFor(() => expect(everythingHeld(queryClient)).not.toContain(NEW_SECRET));
  });

  it("replacing the key when the person declines to verify again shows what to do, and the old key stays", async () => {
    const user = userEvent.setup();
    const reverify = vi.fn(async () => false);
    const api = credentialApi({ "PATCH /v1/credentials/cred_01": reverificationNeeded() });
    renderWithApi(h(CredentialManager), api, { reverify });
    const row = await screen.findByRole("listitem", { name: "Main account on binance" });
    await user.click(within(row).getByRole("button", { name: "Replace key" }));
    await user.type(within(row).getByLabelText("New API key"), "KEY-NEW9");
    await user.type(within(row).getByLabelText("New API secret"), NEW_SECRET);
    await user.click(within(row).getByRole("button", { name: "Save new key" }));
    expect((await within(row).findByRole("alert")).textContent).toBe("You are not allowed to do this. Verify your identity again, or ask for access.");
    expect(api.calls("PATCH /v1/credentials/cred_01")).toHaveLength(1);
    expect(within(row).getByText("binance · key …9F3A")).toBeTruthy();
    expect((within(row).getByLabelText("New API secret") as HTMLInputElement).value).toBe("");
  });

  it("deletes only after a confirmation", async () => {
    const user = userEvent.setup();
    let gone = false;
    const api = fakeApi({
      "GET /v1/credentials": () => ok(gone ? [] : [fixtures.credential()]),
      "DELETE /v1/credentials/cred_01": () => ((gone = true), { status: 204 }),
    });
    renderWithApi(h(CredentialManager), api);
    const row = await screen.findByRole("listitem", { name: "Main account on binance" });
    await user.click(within(row).getByRole("button", { name: "Delete" }));
    expect(api.calls("DELETE /v1/credentials/cred_01")).toHaveLength(0);
    await user.click(within(row).getByRole("button", { name: "Keep" }));
    await user.click(within(row).getByRole("button", { name: "Delete" }));
    await user.click(within(screen.getByRole("group", { name: "Confirm deletion" })).getByRole("button", { name: "Delete for good" }));
    expect(await screen.findByText(/No credentials yet/)).toBeTruthy();
    expect(api.calls("DELETE /v1/credentials/cred_01")).toHaveLength(1);
  });
});
