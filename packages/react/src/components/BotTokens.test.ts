// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { createElement as h } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { fakeApi, fixtures, ok, renderWithApi } from "../test-support/fakeApi.js";
import { BotTokens } from "./BotTokens.js";

afterEach(cleanup);

const TOKEN = "wab_Zx81_the-whole-token-shown-once";

describe("BotTokens", () => {
  it("creates a token with the chosen scopes and credentials, shows it once; after Done it is nowhere", async () => {
    const user = userEvent.setup();
    let tokens = [] as ReturnType<typeof fixtures.token>[];
    const api = fakeApi({
      "GET /v1/tokens": () => ok(tokens),
      "GET /v1/credentials": ok([fixtures.credential()]),
      "POST /v1/tokens": () => {
        tokens = [fixtures.token({ id: "tok_9", label: "grid bot", prefix: "wab_Zx81" })];
        return ok({ token: TOKEN, view: tokens[0] }, 201);
      },
    });
    const { queryClient } = renderWithApi(h(BotTokens), api);
    await screen.findByText("No bot tokens.");
    await user.type(screen.getByLabelText("Label"), "grid bot");
    await user.click(screen.getByRole("checkbox", { name: "balances:read" }));
    await user.click(screen.getByRole("checkbox", { name: "Main account" }));
    await user.click(screen.getByRole("button", { name: "Create token" }));
    const shown = await screen.findByTestId("new-token");
    expect(within(shown).getByText(TOKEN)).toBeTruthy();
    expect(within(shown).getByText("Copy this token now: it is shown only once.")).toBeTruthy();
    expect(api.calls("POST /v1/tokens")[0]?.body).toEqual({ label: "grid bot", scopes: ["balances:read"], credentialIds: ["cred_01"] });
    await user.click(within(shown).getByRole("button", { name: "Done" }));
    expect(await screen.findByRole("listitem")).toBeTruthy();
    await waitFor(() => expect(document.body.innerHTML + JSON.stringify(queryClient.getMutationCache().getAll().map((m) => m.state))).not.toContain(TOKEN));
  });

  it("revokes a token", async () => {
    const user = userEvent.setup();
    let revoked = false;
    const api = fakeApi({
      "GET /v1/tokens": () => ok([fixtures.token(revoked ? { revokedAt: new Date().toISOString() } : {})]),
      "GET /v1/credentials": ok([]),
      "DELETE /v1/tokens/tok_01": () => ((revoked = true), ok(fixtures.token({ revokedAt: new Date().toISOString() }))),
    });
    renderWithApi(h(BotTokens), api);
    await user.click(await screen.findByRole("button", { name: "Revoke" }));
    expect(await screen.findByText("revoked")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Revoke" })).toBeNull();
  });
});
