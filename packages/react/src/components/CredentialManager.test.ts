// @vitest-environment happy-dom
import { cleanup, screen } from "@testing-library/react";
import { createElement as h } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { fakeApi, fixtures, ok, renderWithApi } from "../test-support/fakeApi.js";
import { CredentialManager } from "./CredentialManager.js";

afterEach(cleanup);

describe("CredentialManager", () => {
  it("lists credentials", async () => {
    const api = fakeApi({ "GET /v1/credentials": ok([fixtures.credential()]) });
    renderWithApi(h(CredentialManager), api);
    expect(await screen.findByRole("listitem", { name: "Main account on binance" })).toBeTruthy();
  });
});
