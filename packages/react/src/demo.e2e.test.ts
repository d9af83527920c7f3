import { type ChildProcess, spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AxeBuilder } from "@axe-core/playwright";
import { type Browser, type Page, chromium } from "playwright-core";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = "/usr/bin/chromium";
const main = fileURLToPath(new URL("../../../examples/reference-server/dist/main.js", import.meta.url));
const demo = fileURLToPath(new URL("../demo-dist/index.html", import.meta.url));
/** Screenshots of every screen, for a person to look at (gitignored). */
export const SCREENSHOTS = fileURLToPath(new URL("../../../artifacts/screenshots/", import.meta.url));

const ready = existsSync(CHROMIUM) && existsSync(main) && existsSync(demo);

describe.skipIf(!ready)("the demo UI in headless chromium (install chromium and build first)", () => {
  let server: ChildProcess;
  let url = "";
  let browser: Browser;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), "wallet-auth-ui-"));
  const account = privateKeyToAccount(generatePrivateKey());
  const violations: string[] = [];

  const shot = async (name: string) => {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    const axe = await new AxeBuilder({ page }).analyze();
    for (const v of axe.violations) if (v.impact === "serious" || v.impact === "critical") violations.push(`${name}: ${v.id} (${v.nodes.length})`);
  };
  /** One section up close (the full-page shots are too small to judge a component), axe-scanned on its own. */
  const sectionShot = async (name: string, selector: string) => {
    const section = page.locator(selector);
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
    const axe = await new AxeBuilder({ page }).include(selector).analyze();
    for (const v of axe.violations) if (v.impact === "serious" || v.impact === "critical") violations.push(`${name}: ${v.id} (${v.nodes.length})`);
  };
  /** An audited API call as `userId`, sent from `localAddress` (the loopback has all of 127/8). */
  const auditedCallFrom = async (localAddress: string, userId: string) => {
    const { token } = (await (await fetch(`${url}/dev/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId }) })).json()) as { token: string };
    const target = new URL(`${url}/api/v1/audit/export?format=ndjson&action=nothing.matches`);
    return new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, localAddress, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
  };
  const newExchangeAccount = async () =>
    (await (await fetch(`${url}/dev/exchange-account`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).json()) as { apiKey: string; secret: string };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = spawn(process.execPath, [main, "serve"], {
      env: { ...process.env, PORT: "0", WALLET_AUTH_DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", NODE_ENV: "development", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
      server.stdout!.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    // An injected EIP-1193 wallet (announced by EIP-6963) whose personal_sign is a real viem account in Node.
    await page.exposeFunction("__walletSign", (hex: string) => account.signMessage({ message: { raw: hex as `0x${string}` } }));
    await page.addInitScript((address: string) => {
      const provider = {
        request: async ({ method, params }: { method: string; params?: unknown[] }) => {
          if (method === "eth_requestAccounts" || method === "eth_accounts") return [address];
          if (method === "personal_sign") return (window as unknown as { __walletSign(h: string): Promise<string> }).__walletSign(String(params?.[0]));
          throw new Error("unsupported");
        },
      };
      const announce = () =>
        window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info: { uuid: "test-wallet-uuid", name: "Test Wallet", rdns: "test.wallet", icon: "data:," }, provider }) }));
      window.addEventListener("eip6963:requestProvider", announce);
      announce();
    }, account.address);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("walks sign-in, credential (add, rename, replace key), security status, balances, history ranges, transactions, wallet, alerts, audit export, bot token, deletion and session expiry", async () => {
    const exchange = await newExchangeAccount();
    // The demo's "verify it is you" prompt for step-up actions is a confirm dialog: say yes.
    page.on("dialog", (dialog) => void dialog.accept().catch(() => undefined));
    // A real alert for the person to see: their audited request from 127.0.0.1 (learnt as their address),
    // then one from 127.0.0.2, which the new-IP detector reports as access.new_ip.
    expect(await auditedCallFrom("127.0.0.1", "user_ui")).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await auditedCallFrom("127.0.0.2", "user_ui")).toBe(200);
    await page.goto(url);
    await shot("01-sign-in");
    await page.getByLabel("User id").fill("user_ui");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Signed in as").waitFor();

    await page.getByLabel("Label", { exact: true }).first().fill("Main account");
    await page.getByLabel("API key").fill(exchange.apiKey);
    await page.getByLabel("API secret").fill(exchange.secret);
    await page.getByRole("button", { name: "Add credential" }).click();
    await page.getByTestId("credential-result").getByText("Stored and validated").waitFor();
    expect(await page.getByLabel("API secret").inputValue()).toBe("");
    await page.getByTestId("credential").getByText("active").waitFor();
    expect(await page.content()).not.toContain(exchange.secret);
    await shot("02-credential-added");

    // Rename in place, then replace the key with another account's (a step-up action).
    const card = page.getByTestId("credential");
    await card.getByRole("button", { name: "Rename" }).click();
    await card.getByLabel("New label").fill("Main account (spot)");
    await card.getByLabel("New label").press("Enter");
    await card.getByText("Renamed to Main account (spot).").waitFor();
    const second = await newExchangeAccount();
    await card.getByRole("button", { name: "Replace key" }).click();
    const replaceForm = card.getByRole("form", { name: /Replace the key of/ });
    await replaceForm.getByLabel("New API key").fill(second.apiKey);
    await replaceForm.getByLabel("New API secret").fill(second.secret);
    await sectionShot("02b-replace-key-form", "#credentials");
    await replaceForm.getByRole("button", { name: "Save new key" }).click();
    await card.getByText(`Key replaced and validated: now key …${second.apiKey.slice(-4)}.`).waitFor({ timeout: 15_000 });
    expect(await page.content()).not.toContain(second.secret);
    await sectionShot("02c-credential-renamed-and-replaced", "#credentials");
    await sectionShot("02d-security-status", "#security");

    await page.getByRole("cell", { name: "BTC" }).first().waitFor();
    await expect.poll(async () => page.getByTestId("total-usd").textContent(), { timeout: 15_000 }).toMatch(/^\$\d/);
    await page.getByTestId("history-chart").waitFor({ timeout: 15_000 }).catch(async (error: unknown) => {
      await page.screenshot({ path: join(SCREENSHOTS, "debug-history.png"), fullPage: true });
      throw error;
    });
    await shot("03-balances-and-history");
    await sectionShot("03b-history-chart", "#balances");
    await page.getByRole("radio", { name: "24 hours" }).check({ force: true });
    await page.getByTestId("history-chart").getByText(/last 24 hours/).waitFor();
    await sectionShot("03c-history-chart-24h", "#balances");
    await page
      .locator("#transactions")
      .getByText(/No transactions for this source yet|Older transactions/)
      .or(page.getByTestId("transactions-table"))
      .or(page.locator("#transactions [role=alert]"))
      .first()
      .waitFor({ timeout: 15_000 });
    await sectionShot("03d-transactions", "#transactions");

    await page.getByRole("button", { name: "Connect Test Wallet" }).click();
    await page.getByTestId("wallet").getByText(account.address).waitFor();
    await shot("04-wallet-linked");
    await sectionShot("04b-wallets", "#wallets");
    await page.locator("#alerts").getByText("1 open alert.").waitFor({ timeout: 15_000 });
    await page.locator("#alerts").getByText("Access from a new IP address").waitFor();
    await sectionShot("04c-alerts", "#alerts");
    await page.getByRole("button", { name: 'Mark "Access from a new IP address" as seen' }).click();
    await page.locator("#alerts").getByText("No open alerts.").waitFor();
    await sectionShot("04d-alert-seen", "#alerts");

    await page.locator("#audit").scrollIntoViewIfNeeded();
    await page.getByTestId("audit-table").getByText("credential.create").first().waitFor();
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    expect((await download).suggestedFilename()).toBe("audit-log.csv");
    await shot("05-audit-log");

    await page.locator("#tokens").getByLabel("Label").fill("grid bot");
    await page.getByLabel("credentials:read").check();
    await page.getByRole("button", { name: "Create token" }).click();
    const token = await page.getByTestId("new-token").locator("code").textContent();
    expect(token).toMatch(/^wab_/);
    await shot("06-bot-token-shown-once");
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByTestId("token").getByRole("button", { name: "Revoke" }).click();
    await page.getByTestId("token").getByText("revoked").waitFor();
    expect(await page.content()).not.toContain(token!);

    await page.getByTestId("credential").getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("button", { name: "Delete for good" }).click();
    await page.getByText("No credentials yet. Add a read-only key above.").waitFor();
    await shot("07-credential-deleted");

    // A short session: the page warns, then ends it cleanly and shows the sign-in again.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Session (minutes)").fill("0.1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText(/Your session ends in/).waitFor();
    await page.getByText("Your session ended. Sign in again to continue.").waitFor({ timeout: 20_000 });
    await shot("08-session-expired");

    expect(violations).toEqual([]);
  }, 180_000);
});
