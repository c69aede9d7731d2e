/**
 * The browser side of the e2e tests: Debian's Chromium driven by playwright-core (which never
 * downloads a browser of its own), and the two people of a conversation: a visitor on the demo
 * shop and an agent in the console.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";
import { CHROMIUM } from "./chromium.js";
export const SCREENSHOTS = join(import.meta.dirname, "../../test-results/e2e");
const WAIT_MS = 15_000;

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Each page fails fast: a missing element is a failure within WAIT_MS, not Playwright's 30 s. */
export async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Waits until the locator's text (all matches, joined) contains `expected`. */
export async function expectText(locator: Locator, expected: string, timeout = WAIT_MS): Promise<void> {
  await expect.poll(async () => (await locator.allTextContents()).join("\n"), { timeout, interval: 100 }).toContain(expected);
}

/** Dialogs (alert, confirm) a page opened: an injected script would show up here. */
export function watchDialogs(page: Page): string[] {
  const seen: string[] = [];
  page.on("dialog", (dialog) => {
    seen.push(dialog.message());
    void dialog.dismiss();
  });
  return seen;
}

/** DEBUG_E2E=1: each visitor tab's console, errors and API calls on the test's output. */
function traceTab(page: Page): void {
  const tag = Math.random().toString(36).slice(2, 6);
  page.on("console", (message) => console.log(tag, "console", message.text()));
  page.on("pageerror", (error) => console.log(tag, "page error", error.message));
  page.on("requestfailed", (request) => console.log(tag, "failed", request.url().slice(0, 160), request.failure()?.errorText));
  page.on("requestfinished", async (request) => {
    if (!request.url().includes("/webim/")) return;
    const response = await request.response();
    const body = await response?.text().catch(() => "");
    console.log(tag, request.method(), request.url().slice(0, 160), response?.status(), body?.slice(0, 200));
  });
}

/** A visitor's tab on the demo shop. Playwright's CSS locators pierce the widget's open shadow root. */
export class VisitorTab {
  readonly dialogs: string[];

  constructor(readonly page: Page) {
    this.dialogs = watchDialogs(page);
    if (process.env.DEBUG_E2E) traceTab(page);
  }

  static async open(context: BrowserContext, url: string): Promise<VisitorTab> {
    const tab = new VisitorTab(await newPage(context));
    await tab.page.setViewportSize({ width: 1100, height: 760 });
    await tab.page.goto(url);
    await tab.launcher.waitFor({ timeout: WAIT_MS });
    return tab;
  }

  get launcher() {
    return this.page.locator("webim-widget .wi-launcher");
  }
  get badge() {
    return this.page.locator("webim-widget .wi-badge");
  }
  get box() {
    return this.page.locator("webim-widget .wi-box");
  }
  get subtitle() {
    return this.page.locator("webim-widget .wi-sub");
  }
  get title() {
    return this.page.locator("webim-widget .wi-title");
  }
  get notice() {
    return this.page.locator("webim-widget .wi-notice");
  }
  /** The site's own notice in the conversation (a message `from` the site's domain). */
  get siteNote() {
    return this.page.locator("webim-widget .wi-note");
  }
  /** The class of each line of the conversation a person sees, top to bottom. */
  visibleLines(): Promise<string[]> {
    return this.page.locator("webim-widget .wi-log > li:visible").evaluateAll((lines) => lines.map((line) => line.className));
  }
  get banner() {
    return this.page.locator("webim-widget .wi-banner");
  }
  get bubbles() {
    return this.page.locator("webim-widget .wi-bubble");
  }
  get typing() {
    return this.page.locator("webim-widget .wi-typing");
  }
  get input() {
    return this.page.locator("webim-widget .wi-input");
  }

  /** The transport the widget ended up with (`cors`, or `jsonp` after choosing or falling back). */
  transport(): Promise<string | undefined> {
    return this.page.evaluate(() => (window as unknown as { webim?: { transport: string } }).webim?.transport);
  }

  /** How packets reach the widget: `websocket` or `poll`. */
  channel(): Promise<string | undefined> {
    return this.page.evaluate(() => (window as unknown as { webim?: { channel: string } }).webim?.channel);
  }

  async openChat(): Promise<void> {
    if (await this.box.isHidden()) await this.launcher.click();
    await this.box.waitFor({ state: "visible" });
  }

  async waitOnline(): Promise<void> {
    await expect.poll(() => this.page.locator("webim-widget .wi-send").isEnabled(), { timeout: WAIT_MS }).toBe(true);
  }

  /** Types and sends with Enter, then waits until the message is stored (not "sending…"). */
  async send(body: string): Promise<void> {
    await this.openChat();
    await this.waitOnline();
    await this.input.fill(body);
    await this.input.press("Enter");
    const sent = this.page.locator("webim-widget .wi-msg.wi-mine[data-state=sent]", { hasText: body });
    await expect.poll(() => sent.count(), { timeout: WAIT_MS }).toBeGreaterThan(0);
  }
}

/** An agent signed in to the console. */
export class AgentConsole {
  readonly dialogs: string[];

  constructor(readonly page: Page) {
    this.dialogs = watchDialogs(page);
  }

  static async signIn(context: BrowserContext, baseUrl: string, domain: string, username: string, password: string) {
    const agent = new AgentConsole(await newPage(context));
    const page = agent.page;
    await page.setViewportSize({ width: 1100, height: 700 });
    await page.goto(`${baseUrl}/console?domain=${encodeURIComponent(domain)}`);
    await page.fill("input[name=username]", username);
    await page.fill("input[name=password]", password);
    await page.click("button[type=submit]");
    await page.locator(".c-app").waitFor({ timeout: WAIT_MS });
    await expectText(page.locator(".c-conn"), "Connected");
    return agent;
  }

  visitor(nickOrId?: string): Locator {
    const all = this.page.locator(".c-visitors .c-buddy");
    return nickOrId ? all.filter({ hasText: nickOrId }) : all;
  }
  get bubbles() {
    return this.page.locator(".c-log .c-bubble");
  }
  get typing() {
    return this.page.locator(".c-typing");
  }
  get facts() {
    return this.page.locator(".c-facts");
  }
  get input() {
    return this.page.locator(".c-compose textarea");
  }

  async openFirstVisitor(): Promise<void> {
    await this.visitor().first().waitFor({ timeout: WAIT_MS });
    await this.visitor().first().click();
    await this.page.locator(".c-chat-head").waitFor();
  }

  async send(body: string): Promise<void> {
    await this.input.fill(body);
    await this.input.press("Enter");
    const sent = this.page.locator(".c-msg.c-mine[data-state=sent]", { hasText: body });
    await expect.poll(() => sent.count(), { timeout: WAIT_MS }).toBeGreaterThan(0);
  }

  async setShow(show: "available" | "away" | "dnd"): Promise<void> {
    await this.page.selectOption(".c-me select", show);
  }
}
