// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { createElement as h } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type SeenRequest, apiError, fakeApi, fixtures, ok, renderWithApi } from "../test-support/fakeApi.js";
import { ConnectWallet, WalletList, WalletPicker } from "./WalletList.js";

afterEach(cleanup);

const ADDRESS = "0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B";

describe("ConnectWallet and WalletList", () => {
  it("links a wallet by Sign-In with Ethereum: asks the wallet for the account, signs the server's message, shows it linked", async () => {
    const user = userEvent.setup();
    let linked = false;
    const api = fakeApi({
      "GET /v1/wallets": () => ok(linked ? [fixtures.wallet({ address: ADDRESS, label: null })] : []),
      "POST /v1/wallets/challenge": ok({ message: "app.test wants you to sign in with your Ethereum account", nonce: "n1", expiresAt: new Date(Date.now() + 300_000).toISOString() }),
      "POST /v1/wallets": () => ((linked = true), ok(fixtures.wallet({ address: ADDRESS, label: null }), 201)),
    });
    const request = vi.fn(async ({ method }: { method: string; params?: unknown[] }) => (method === "eth_chainId" ? "0x1" : method === "eth_requestAccounts" ? [ADDRESS] : `0x${"11".repeat(65)}`));
    renderWithApi(h(WalletList, null, h(ConnectWallet, { request, providerName: "Test Wallet" })), api);
    await screen.findByText("No wallets linked yet.");
    await user.click(screen.getByRole("button", { name: "Connect Test Wallet" }));
    expect(await screen.findByText("Linked 0xAb58…eC9B.")).toBeTruthy();
    expect(await screen.findByRole("listitem", { name: "Wallet 0xAb58…eC9B" })).toBeTruthy();
    expect(api.calls("POST /v1/wallets/challenge")[0]?.body).toEqual({ address: ADDRESS, chainId: "eip155:1" });
    const sign = request.mock.calls.find(([a]) => a.method === "personal_sign")![0];
    // personal_sign gets the message as hex of its UTF-8 bytes, and the address.
    expect(Buffer.from(String(sign.params![0]).slice(2), "hex").toString()).toBe("app.test wants you to sign in with your Ethereum account");
    expect(sign.params![1]).toBe(ADDRESS);
    expect((api.calls("POST /v1/wallets")[0]?.body as { signature: string }).signature).toBe(`0x${"11".repeat(65)}`);
  });

  it("a rejected wallet signature says that it was rejected (not a connection problem), without the wallet's error text", async () => {
    const user = userEvent.setup();
    const api = fakeApi({ "GET /v1/wallets": ok([]), "POST /v1/wallets/challenge": ok({ message: "m", nonce: "n", expiresAt: new Date().toISOString() }) });
    const request = async ({ method }: { method: string }) => {
      if (method === "eth_requestAccounts") return [ADDRESS];
      throw Object.assign(new Error("MetaMask Tx Signature: User denied message signature. at inpage.js:1"), { code: 4001 });
    };
    renderWithApi(h(ConnectWallet, { request }), api);
    await user.click(screen.getByRole("button", { name: "Connect wallet" }));
    expect((await screen.findByRole("alert")).textContent).toBe("You rejected the request in your wallet. Nothing was linked. Click connect again and approve the signature to link it.");
    expect(document.body.textContent).not.toContain("MetaMask");
  });

  it("a signature the server does not accept says to request a new message", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      "GET /v1/wallets": ok([]),
      "POST /v1/wallets/challenge": ok({ message: "m", nonce: "n", expiresAt: new Date().toISOString() }),
      "POST /v1/wallets": apiError(400, "WALLET_VERIFICATION_FAILED", "The wallet could not be verified."),
    });
    renderWithApi(h(ConnectWallet, { request: async ({ method }) => (method === "eth_chainId" ? "0x1" : method === "eth_requestAccounts" ? [ADDRESS] : "0x12") }), api);
    await user.click(screen.getByRole("button", { name: "Connect wallet" }));
    expect((await screen.findByRole("alert")).textContent).toBe("The wallet signature could not be verified. Connect again and sign the new message in your wallet.");
  });

  it("without a wallet in the browser the connect button is disabled", () => {
    renderWithApi(h(ConnectWallet, { request: null }), fakeApi({}));
    expect((screen.getByRole("button", { name: "Connect wallet" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("makes a wallet primary and unlinks only after a confirmation", async () => {
    const user = userEvent.setup();
    let wallets = [fixtures.wallet(), fixtures.wallet({ id: "wal_02", address: ADDRESS, label: "Hot", isPrimary: false })];
    const api = fakeApi({
      "GET /v1/wallets": () => ok(wallets),
      "POST /v1/wallets/wal_02/primary": () => ((wallets = wallets.map((w) => ({ ...w, isPrimary: w.id === "wal_02" }))), ok(wallets[1])),
      "DELETE /v1/wallets/wal_01": (_r: SeenRequest) => ((wallets = wallets.filter((w) => w.id !== "wal_01")), { status: 204 }),
    });
    renderWithApi(h(WalletList), api);
    const hot = await screen.findByRole("listitem", { name: "Hot 0xAb58…eC9B" });
    await user.click(within(hot).getByRole("button", { name: "Make primary" }));
    expect(await within(hot).findByText("primary")).toBeTruthy();
    const ledger = screen.getByRole("listitem", { name: /^Ledger/ });
    await user.click(within(ledger).getByRole("button", { name: "Unlink" }));
    expect(api.calls("DELETE /v1/wallets/wal_01")).toHaveLength(0);
    const dialog = await screen.findByRole("alertdialog");
    expect(dialog.textContent).toContain("The wallet and its funds are not touched");
    await user.click(within(dialog).getByRole("button", { name: "Unlink for good" }));
    await waitFor(() => expect(screen.queryByRole("listitem", { name: /^Ledger/ })).toBeNull());
    expect(screen.queryByRole("listitem", { name: /^Ledger/ })).toBeNull();
  });
});

describe("WalletPicker", () => {
  it("offers every EIP-6963 wallet with its icon and name, not only the first one", async () => {
    const icon = "data:image/svg+xml;base64,PHN2Zy8+";
    const announce = (uuid: string, name: string) => () =>
      window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: { info: { uuid, name, rdns: `test.${uuid}`, icon }, provider: { request: async () => "0x1" } } }));
    const first = announce("u1", "Rabby");
    const second = announce("u2", "Frame");
    window.addEventListener("eip6963:requestProvider", first);
    window.addEventListener("eip6963:requestProvider", second);
    try {
      renderWithApi(h(WalletPicker), fakeApi({}));
      expect(await screen.findByRole("button", { name: "Connect Rabby" })).toBeTruthy();
      expect(screen.getByRole("button", { name: "Connect Frame" })).toBeTruthy();
      expect(document.querySelectorAll("img.wa-wallet-icon")).toHaveLength(2);
      expect(await screen.findAllByText("on Ethereum")).toHaveLength(2);
    } finally {
      window.removeEventListener("eip6963:requestProvider", first);
      window.removeEventListener("eip6963:requestProvider", second);
    }
  });

  it("a wallet on an unsupported chain says so and offers the switch instead of a link that would fail", async () => {
    const request = vi.fn(async ({ method }: { method: string }) => (method === "eth_chainId" ? "0x38" : null));
    renderWithApi(h(ConnectWallet, { request, providerName: "Test Wallet" }), fakeApi({}));
    expect((await screen.findByRole("alert")).textContent).toContain("Your wallet is on a chain this server does not support.");
    expect((screen.getByRole("button", { name: "Connect Test Wallet" }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.setup().selectOptions(screen.getByLabelText("Chain"), "eip155:8453");
    expect(request).toHaveBeenCalledWith({ method: "wallet_switchEthereumChain", params: [{ chainId: "0x2105" }] });
    await waitFor(() => expect((screen.getByRole("button", { name: "Connect Test Wallet" }) as HTMLButtonElement).disabled).toBe(false));
  });
});
