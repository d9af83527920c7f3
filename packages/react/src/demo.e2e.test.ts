import { type ChildProcess, spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AxeBuilder } from "@axe-core/playwright";
import { type Browser, type BrowserContext, type Page, chromium } from "playwright-core";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";

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
  let context: BrowserContext;
  let page: Page;
  /** Native dialogs (confirm/alert) the page opened: there must be none. */
  const nativeDialogs: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), "wallet-auth-ui-"));
  const account = privateKeyToAccount(generatePrivateKey());
  const violations: string[] = [];

  const shot = async (name: string, on: Page = page) => {
    await on.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    const axe = await new AxeBuilder({ page: on }).analyze();
    for (const v of axe.violations) if (v.impact === "serious" || v.impact === "critical") violations.push(`${name}: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.target.join(" ")}`);
  };
  /** Nothing wider than the screen: the page never scrolls sideways. */
  const overflow = async (name: string, on: Page = page) => {
    const { scroll, width } = await on.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    if (scroll > width) overflows.push(`${name}: ${scroll}px on a ${width}px screen`);
  };
  const overflows: string[] = [];
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

  /** A page in `context` with two EIP-6963 wallets announced; personal_sign is a real viem account in Node. */
  const walletPage = async (ctx: BrowserContext) => {
    const p = await ctx.newPage();
    p.on("dialog", (dialog) => {
      nativeDialogs.push(dialog.type());
      void dialog.dismiss().catch(() => undefined);
    });
    return p;
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = spawn(process.execPath, [main, "serve"], {
      env: { ...process.env, PORT: "0", WALLET_AUTH_DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", NODE_ENV: "development", LOG_LEVEL: "warn", WALLET_AUTH_RATE_LIMIT_IP: "100000/1m", WALLET_AUTH_RATE_LIMIT_USER: "100000/1m" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
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
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    await context.exposeFunction("__walletSign", (hex: string) => account.signMessage({ message: { raw: hex as `0x${string}` } }));
    await context.addInitScript((address: string) => {
      const icon = (color: string) => `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="${color}"/></svg>`)}`;
      const provider = (rejects: boolean) => ({
        request: async ({ method, params }: { method: string; params?: unknown[] }) => {
          if (method === "eth_requestAccounts" || method === "eth_accounts") return [address];
          if (method === "eth_chainId") return "0x1";
          if (method === "personal_sign") {
            if (rejects) throw Object.assign(new Error("User rejected the request."), { code: 4001 });
            return (window as unknown as { __walletSign(h: string): Promise<string> }).__walletSign(String(params?.[0]));
          }
          throw new Error("unsupported");
        },
      });
      const wallets = [
        { info: { uuid: "test-wallet-uuid", name: "Test Wallet", rdns: "test.wallet", icon: icon("#3b82f6") }, provider: provider(false) },
        { info: { uuid: "second-wallet-uuid", name: "Second Wallet", rdns: "second.wallet", icon: icon("#f97316") }, provider: provider(true) },
      ];
      const announce = () => {
        for (const w of wallets) window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze(w) }));
      };
      window.addEventListener("eip6963:requestProvider", announce);
      announce();
    }, account.address);
    page = await walletPage(context);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  });

  const signIn = async (userId: string, options: { stale?: boolean; minutes?: string } = {}) => {
    await page.getByLabel("User id").fill(userId);
    if (options.minutes) await page.getByLabel("Session (minutes)").fill(options.minutes);
    if (options.stale) await page.getByLabel(/Verified a while ago/).check();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Signed in as").waitFor();
  };

  it("walks sign-in, a step-up add (dialog, no native confirm), rename, balances, two wallets, alerts, filtered audit export, bot token, privacy, deletion", async () => {
    const exchange = await newExchangeAccount();
    // A real alert for the person to see: their audited request from 127.0.0.1 (learnt as their address),
    // then one from 127.0.0.2, which the new-IP detector reports as access.new_ip.
    expect(await auditedCallFrom("127.0.0.1", "user_ui")).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await auditedCallFrom("127.0.0.2", "user_ui")).toBe(200);
    await page.goto(url);
    await shot("01-sign-in-1440-light");
    // Verified two hours ago: adding a key asks to verify again.
    await signIn("user_ui", { stale: true });
    // After sign-in the focus is on the page's heading, not <body>.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Your trading accounts");

    const form = page.getByRole("form", { name: "Add an exchange key" });
    await form.getByTestId("venue-guide").getByRole("link", { name: /Create a key on Binance/ }).waitFor();
    await form.getByLabel(/^Label/).fill("Main account");
    await form.getByLabel(/^API key/i).fill(exchange.apiKey);
    await form.getByLabel(/^Secret key|^API secret/i).fill(exchange.secret);
    await form.getByRole("button", { name: "Add credential" }).click();
    const stepUp = page.getByRole("dialog", { name: "Verify it's you" });
    await stepUp.waitFor();
    await shot("02a-step-up-dialog-1440-light");
    await stepUp.getByRole("button", { name: "Verify and continue" }).click();
    await page.getByText(/Stored and validated: Main account/).waitFor({ timeout: 20_000 });
    expect(nativeDialogs).toEqual([]);
    expect(await form.getByLabel(/^Secret key|^API secret/i).inputValue()).toBe("");
    await page.getByTestId("credential").getByText("Active").waitFor();
    // Focus on the new card.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("credential");
    expect(await page.content()).not.toContain(exchange.secret);
    await shot("02-credential-added-1440-light");

    const card = page.getByTestId("credential");
    await card.getByRole("button", { name: "Rename" }).click();
    await card.getByLabel("New label").fill("Main account (spot)");
    await card.getByLabel("New label").press("Enter");
    await card.getByText("Renamed to Main account (spot).").waitFor();
    await sectionShot("02c-credential-card-1440-light", "#credentials");

    await page.getByRole("cell", { name: "BTC" }).first().waitFor({ timeout: 20_000 });
    await expect.poll(async () => page.getByTestId("total-usd").textContent(), { timeout: 15_000 }).toMatch(/^\$\d/);
    await page.getByTestId("history-chart").waitFor({ timeout: 15_000 });
    await sectionShot("03-balances-1440-light", "#balances");

    // Every announced wallet is offered, each with its icon; a rejected signature says so.
    await page.getByRole("button", { name: "Connect Second Wallet" }).click();
    await page.locator("#wallets").getByText("You rejected the request in your wallet.").waitFor();
    await page.getByRole("button", { name: "Connect Test Wallet" }).click();
    await page.getByTestId("wallet").first().waitFor();
    expect(await page.getByTestId("wallet").first().getAttribute("data-address")).toBe(account.address);
    expect(await page.locator("#wallets img.wa-wallet-icon").count()).toBe(2);
    await sectionShot("04-wallets-1440-light", "#wallets");
    await page.locator("#alerts").getByText("Access from a new IP address").waitFor({ timeout: 15_000 });
    await sectionShot("05-alerts-1440-light", "#alerts");

    // Audit: filter by event type and export exactly that.
    await page.locator("#audit").scrollIntoViewIfNeeded();
    await page.getByTestId("audit-table").getByText("Key added").first().waitFor();
    await page.getByLabel("Event type").selectOption("credential.create");
    await expect.poll(async () => page.getByTestId("audit-table").locator("tbody tr").count()).toBe(1);
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export NDJSON" }).click();
    const file = await (await download).path();
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { action: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.action))).toEqual(new Set(["credential.create"]));
    await sectionShot("06-audit-filtered-1440-light", "#audit");
    await page.getByRole("button", { name: "Clear filters" }).click();

    await page.locator("#tokens").getByLabel("Label").fill("grid bot");
    await page.getByLabel("credentials:read").check();
    await page.getByRole("button", { name: "Create token" }).click();
    const token = await page.getByTestId("new-token").locator("code").textContent();
    expect(token).toMatch(/^wab_/);
    await page.getByRole("button", { name: "Done" }).click();

    const privacyDownload = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download my data" }).click();
    expect((await privacyDownload).suggestedFilename()).toBe("wallet-auth-export.json");
    await sectionShot("07-privacy-1440-light", "#privacy");

    // Delete: a dialog that says what happens; Escape keeps the key; focus goes to the list after.
    await card.getByRole("button", { name: "Delete", exact: true }).click();
    const confirm = page.getByRole("alertdialog");
    await confirm.waitFor();
    await shot("08a-delete-dialog-1440-light");
    await page.keyboard.press("Escape");
    await confirm.waitFor({ state: "hidden" });
    await card.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete for good" }).click();
    await page.getByText("No credentials yet. Add a read-only key above.").waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("credential-list");
    expect(nativeDialogs).toEqual([]);
    expect(violations).toEqual([]);
  }, 240_000);

  it("a reload keeps the session, a second tab shares it, and signing out reaches every tab", async () => {
    await page.goto(url);
    if (await page.getByLabel("User id").isVisible().catch(() => false)) await signIn("user_tabs");
    await page.getByText("Signed in as").waitFor();
    await page.reload();
    await page.getByText("Signed in as").waitFor({ timeout: 15_000 });
    await page.getByRole("heading", { name: "Exchange credentials" }).waitFor();
    const second = await walletPage(context);
    await second.goto(url);
    await second.getByText("Signed in as").waitFor({ timeout: 15_000 });
    await second.getByRole("heading", { name: "Exchange credentials" }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await second.getByText("You signed out in another tab.").waitFor({ timeout: 10_000 });
    await second.getByLabel("User id").waitFor();
    await second.close();
  }, 120_000);

  for (const width of [1440, 375]) {
    for (const scheme of ["light", "dark"] as const) {
      it(`every screen at ${width} px in ${scheme}: axe finds nothing serious, nothing is wider than the screen`, async () => {
        // Its own browser context: no session or kept form state from an earlier pass (they are shared across tabs by design).
        const own = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        onTestFinished(() => own.close().catch(() => undefined));
        const p = await walletPage(own);
        await p.setViewportSize({ width, height: 900 });
        await p.emulateMedia({ colorScheme: scheme });
        const tag = `${width}-${scheme}`;
        await p.goto(url);
        if (await p.getByLabel("User id").isVisible().catch(() => false)) {
          await p.getByLabel("User id").fill(`user_${width}_${scheme}`);
          await p.getByRole("button", { name: "Sign in" }).click();
        }
        await p.getByText("Signed in as").waitFor();
        await shot(`10-sign-in-done-${tag}`, p).catch(() => undefined);
        // A key with a long label without spaces: it must wrap or ellipsise, never widen the page.
        const acct = await newExchangeAccount();
        const form = p.getByRole("form", { name: "Add an exchange key" });
        await form.getByLabel(/^API key/i).waitFor({ timeout: 60_000 });
        await form.getByLabel(/^Label/).fill("Averyveryverylonglabelwithoutanyspacesthatwouldwidenthepageonaphone");
        await form.getByLabel(/^API key/i).fill(acct.apiKey);
        await form.getByLabel(/^Secret key|^API secret/i).fill(acct.secret);
        await form.getByRole("button", { name: "Add credential" }).click();
        await p.getByTestId("credential").first().waitFor({ timeout: 20_000 });
        await p.getByRole("cell", { name: "BTC" }).first().waitFor({ timeout: 20_000 });
        await p.locator("#audit").getByTestId("audit-table").waitFor();
        await shot(`11-dashboard-${tag}`, p);
        await overflow(`dashboard ${tag}`, p);
        for (const [name, selector] of [["credentials", "#credentials"], ["balances", "#balances"], ["wallets", "#wallets"], ["audit", "#audit"], ["privacy", "#privacy"]] as const) {
          const section = p.locator(selector);
          await section.scrollIntoViewIfNeeded();
          await section.screenshot({ path: join(SCREENSHOTS, `12-${name}-${tag}.png`) });
        }
        await p.getByTestId("credential").first().getByRole("button", { name: "Delete", exact: true }).click();
        await p.getByRole("alertdialog").waitFor();
        await shot(`13-delete-dialog-${tag}`, p);
        await overflow(`delete dialog ${tag}`, p);
        await p.keyboard.press("Escape");
        await p.getByRole("button", { name: "Sign out" }).click();
        await p.getByLabel("User id").waitFor();
        await shot(`14-signed-out-${tag}`, p);
        await overflow(`sign-in ${tag}`, p);
        await p.close();
        expect(violations).toEqual([]);
        expect(overflows).toEqual([]);
      }, 120_000);
    }
  }

  it("a short session warns, then ends cleanly and shows the sign-in again", async () => {
    await page.goto(url);
    if (await page.getByRole("button", { name: "Sign out" }).isVisible().catch(() => false)) await page.getByRole("button", { name: "Sign out" }).click();
    await signIn("user_short", { minutes: "0.1" });
    await page.getByText(/Your session ends in/).waitFor();
    await page.getByText("Your session ended. Sign in again to continue.").waitFor({ timeout: 20_000 });
    await shot("15-session-expired-1440-light");
    expect(violations).toEqual([]);
  }, 60_000);
});
