/**
 * The widget and the console in a real browser, against the local stack: a visitor on the demo shop
 * (its own origin) and an agent in the console, each in a browser context of their own. Every test
 * has a site of its own, registered for the demo shop's origin, so tests never share an agent.
 */
import type { Browser, BrowserContext, Request } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { createSite } from "../support/sites.js";
import { AgentConsole, expectText, launch, newPage, screenshot, VisitorTab } from "./browser.js";

const baseUrl = inject("baseUrl");
const demoUrl = inject("demoUrl");
const PASSWORD = "alice-pw";

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function context(): Promise<BrowserContext> {
  const created = await browser.newContext();
  contexts.push(created);
  return created;
}

async function newSite(label: string, leaveMessage?: string): Promise<string> {
  return createSite(label, {
    origins: [demoUrl],
    agents: [{ id: "alice", nick: "Alice", password: PASSWORD }],
    ...(leaveMessage ? { leaveMessage } : {}),
  });
}

function shopUrl(domain: string, path = "/", extra = ""): string {
  return `${demoUrl}${path}?domain=${domain}${extra}`;
}

async function offersWebSocket(domain: string): Promise<boolean> {
  const answer = (await (await fetch(`${baseUrl}/webim/online?domain=${domain}`)).json()) as {
    connection?: { websocket?: string };
  };
  return typeof answer.connection?.websocket === "string";
}

/** Calls the widget made with fetch or XHR to the API: none when it speaks JSONP. */
function watchApiFetches(tab: VisitorTab): string[] {
  const seen: string[] = [];
  tab.page.on("request", (request: Request) => {
    if (["fetch", "xhr"].includes(request.resourceType()) && request.url().startsWith(`${baseUrl}/webim/`))
      seen.push(request.url());
  });
  return seen;
}

describe("a visitor and an agent", () => {
  it("chat both ways, and each sees the other typing", async () => {
    const domain = await newSite("chat");
    const agent = await AgentConsole.signIn(await context(), baseUrl, domain, "alice", PASSWORD);
    const visitor = await VisitorTab.open(await context(), shopUrl(domain));

    await visitor.openChat();
    await expectText(visitor.subtitle, "Online");
    await expectText(visitor.notice, "How can we help you?");
    await visitor.send("Hello, is the Dragon Well in stock?");

    // The console lists the new visitor with one unread message and the page they are on.
    await expectText(agent.visitor(), "1");
    await expectText(agent.visitor(), `${demoUrl}/?domain=${domain}`);
    await screenshot(agent.page, "agent-new-visitor");
    await agent.openFirstVisitor();
    await expectText(agent.bubbles, "Hello, is the Dragon Well in stock?");
    await expectText(agent.facts, `${demoUrl}/?domain=${domain}`);

    await agent.input.pressSequentially("Let me look");
    await expectText(visitor.typing, "Alice is typing");
    await agent.send("Yes, we have 40 tins left.");
    await expectText(visitor.bubbles, "Yes, we have 40 tins left.");
    await expect.poll(() => visitor.typing.isHidden()).toBe(true);

    await visitor.input.pressSequentially("Gre");
    await expectText(agent.typing, "is typing");
    await visitor.send("Great, I will order two.");
    await expectText(agent.bubbles, "Great, I will order two.");

    await screenshot(visitor.page, "visitor");
    await screenshot(agent.page, "agent");
    expect(visitor.dialogs).toEqual([]);
    // Push when the service offers a WebSocket (`connection.websocket`), else the long poll.
    expect(await visitor.channel()).toBe((await offersWebSocket(domain)) ? "websocket" : "poll");
  });

  it.each([
    { transport: "cors", extra: "" },
    { transport: "jsonp", extra: "&transport=jsonp" },
  ])("keep the conversation over a reload and in a second tab ($transport)", async ({ transport, extra }) => {
    const domain = await newSite(`tabs-${transport}`);
    const agent = await AgentConsole.signIn(await context(), baseUrl, domain, "alice", PASSWORD);
    const visitorContext = await context();
    const first = await VisitorTab.open(visitorContext, shopUrl(domain, "/", extra));
    const fetches = watchApiFetches(first);

    await first.send("Do you ship to Norway?");
    await agent.openFirstVisitor();
    await expectText(agent.bubbles, "Do you ship to Norway?");
    await agent.send("We do, in 3 to 5 days.");
    await expectText(first.bubbles, "We do, in 3 to 5 days.");

    // A reload: the same visitor (token in localStorage), the box still open, the history shown.
    await first.page.reload();
    await first.box.waitFor({ state: "visible" });
    await expectText(first.bubbles, "Do you ship to Norway?");
    await expectText(first.bubbles, "We do, in 3 to 5 days.");

    // A second tab, on another page of the shop: the same conversation.
    const second = await VisitorTab.open(visitorContext, shopUrl(domain, "/cart", extra));
    await second.openChat();
    await expectText(second.bubbles, "Do you ship to Norway?");
    await expectText(second.bubbles, "We do, in 3 to 5 days.");

    // What one tab sends, the other shows; what the agent sends, both show.
    await second.send("Then I take the Genmaicha too.");
    await expectText(first.bubbles, "Then I take the Genmaicha too.");
    await expectText(agent.bubbles, "Then I take the Genmaicha too.");
    await agent.send("Noted!");
    await expectText(first.bubbles, "Noted!");
    await expectText(second.bubbles, "Noted!");
    await expect.poll(() => agent.visitor().count()).toBe(1);

    expect(await first.transport()).toBe(transport);
    expect(await second.transport()).toBe(transport);
    if (transport === "jsonp") expect(fetches).toEqual([]);
    await screenshot(second.page, `visitor-second-tab-${transport}`);
  });

  it("falls back to JSONP on a page whose origin the site did not register for CORS", async () => {
    const domain = await newSite("fallback");
    const agent = await AgentConsole.signIn(await context(), baseUrl, domain, "alice", PASSWORD);
    // Same shop, other origin: 127.0.0.1 is not among the site's origins.
    const visitor = await VisitorTab.open(await context(), shopUrl(domain).replace("//localhost:", "//127.0.0.1:"));

    await visitor.send("Hello from an unregistered origin");
    await agent.openFirstVisitor();
    await expectText(agent.bubbles, "Hello from an unregistered origin");
    await agent.send("Received.");
    await expectText(visitor.bubbles, "Received.");
    expect(await visitor.transport()).toBe("jsonp");
  });

  it("show a message body as text, never as HTML", async () => {
    const domain = await newSite("xss");
    const agent = await AgentConsole.signIn(await context(), baseUrl, domain, "alice", PASSWORD);
    const visitor = await VisitorTab.open(await context(), shopUrl(domain));
    const body = "<img src=x onerror=alert(1)>";

    await visitor.send(body);
    await agent.openFirstVisitor();
    await expectText(agent.bubbles, body);
    await agent.send(body);
    await expect.poll(() => visitor.bubbles.count()).toBe(2);

    expect(await visitor.bubbles.allTextContents()).toEqual([body, body]);
    expect(await visitor.page.locator("webim-widget img").count()).toBe(0);
    expect(await agent.page.locator(".c-log img").count()).toBe(0);
    expect(visitor.dialogs).toEqual([]);
    expect(agent.dialogs).toEqual([]);
  });
});

describe("the widget", () => {
  it("counts unread messages on the button while the box is closed", async () => {
    const domain = await newSite("unread");
    const agent = await AgentConsole.signIn(await context(), baseUrl, domain, "alice", PASSWORD);
    const visitor = await VisitorTab.open(await context(), shopUrl(domain));
    await visitor.send("Is anyone there?");
    await visitor.page.locator("webim-widget .wi-close").click();
    await expect.poll(() => visitor.box.isHidden()).toBe(true);

    await agent.openFirstVisitor();
    await agent.send("Yes, hello!");
    await agent.send("How can I help?");

    await expectText(visitor.badge, "2");
    await screenshot(visitor.page, "visitor-unread");
    await visitor.launcher.click();
    await expect.poll(() => visitor.badge.isHidden()).toBe(true);
    await expectText(visitor.bubbles, "How can I help?");
  });

  it("shows the agent's availability: online, then away when the agent says so", async () => {
    const domain = await newSite("presence");
    const agent = await AgentConsole.signIn(await context(), baseUrl, domain, "alice", PASSWORD);
    const visitor = await VisitorTab.open(await context(), shopUrl(domain));
    await visitor.send("Hi");
    await expectText(visitor.title, "Alice");
    await expectText(visitor.subtitle, "Online");

    await agent.setShow("away");

    await expectText(visitor.subtitle, "Away");
    await expect
      .poll(() => visitor.page.locator("webim-widget .wi-launcher .wi-dot").getAttribute("data-availability"))
      .toBe("away");
  });

  it("shows the site's leave-a-message text when no agent is online, and still takes the message", async () => {
    const leaveMessage = "We are out picking tea. Leave a note and we will write back within a day.";
    const domain = await newSite("offline", leaveMessage);
    const visitor = await VisitorTab.open(await context(), shopUrl(domain));
    await visitor.openChat();

    await expectText(visitor.subtitle, "Offline");
    await expectText(visitor.notice, leaveMessage);
    // Another tab of the same visitor, its box closed.
    const other = await VisitorTab.open(visitor.page.context(), shopUrl(domain, "/cart"));
    await other.waitOnline();
    await visitor.send("Please call me back about a wholesale order.");

    // The service answers with the leave-message text as a message from the site itself: the box
    // says it once, as a line after the visitor's message, never as a bubble or an unread message.
    for (const tab of [visitor, other]) {
      await expectText(tab.siteNote, leaveMessage);
      await expectText(tab.bubbles, "Please call me back about a wholesale order.");
      expect(await tab.bubbles.allTextContents()).toEqual(["Please call me back about a wholesale order."]);
    }
    expect(await visitor.visibleLines()).toEqual(["wi-msg wi-mine", "wi-note"]);
    expect(await other.badge.isHidden()).toBe(true);
    await other.openChat();
    expect(await other.visibleLines()).toEqual(["wi-msg wi-mine", "wi-note"]);
    expect(await visitor.page.locator("webim-widget .wi-log").textContent()).not.toContain(domain);
    await screenshot(visitor.page, "visitor-offline");

    // The agent finds it on signing in.
    const agent = await AgentConsole.signIn(await context(), baseUrl, domain, "alice", PASSWORD);
    await agent.openFirstVisitor();
    await expectText(agent.bubbles, "Please call me back about a wholesale order.");
  });

  it("says when the service cannot be reached, and comes back with Retry", async () => {
    const domain = await newSite("unreachable");
    const page = await newPage(await context());
    await page.route(`${baseUrl}/webim/**`, (route) => route.abort("connectionrefused"));
    await page.goto(shopUrl(domain));
    const visitor = new VisitorTab(page);
    await visitor.openChat();

    await expectText(visitor.banner, "cannot be reached");
    expect(await page.locator("webim-widget .wi-send").isDisabled()).toBe(true);
    await screenshot(page, "visitor-unreachable");

    await page.unroute(`${baseUrl}/webim/**`);
    await page.locator("webim-widget .wi-banner button").click();
    await visitor.waitOnline();
    await expect.poll(() => visitor.banner.isHidden()).toBe(true);
  });
});

describe("the console", () => {
  it("refuses a wrong password with a clear message, and signs in with the right one", async () => {
    const domain = await newSite("signin");
    const page = await newPage(await context());
    await page.goto(`${baseUrl}/console?domain=${domain}`);
    await page.fill("input[name=username]", "alice");
    await page.fill("input[name=password]", "not-the-password");
    await page.click("button[type=submit]");
    await expectText(page.locator(".c-error"), "Wrong username or password.");

    await page.fill("input[name=password]", PASSWORD);
    await page.click("button[type=submit]");
    await expectText(page.locator(".c-me-name"), "Alice");
  });
});

describe("the pages' icons", () => {
  it("are inline: neither the console nor the demo shop asks for a /favicon.ico, and nothing answers 404", async () => {
    const domain = await newSite("icon");
    const page = await newPage(await context());
    const problems: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("favicon")) problems.push(`asked for ${request.url()}`);
    });
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    // Chromium's own fetch of /favicon.ico is no page request: its 404 shows only as a console error.
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });

    for (const url of [`${baseUrl}/console?domain=${domain}`, shopUrl(domain)]) {
      await page.goto(url);
      expect(await page.locator("link[rel=icon]").getAttribute("href")).toMatch(/^data:image\/svg\+xml,/);
      await page.waitForLoadState("networkidle");
    }

    expect(problems).toEqual([]);
  });
});

describe("the assets function", () => {
  it("serves webim.js as JavaScript with an ETag and a short cache", async () => {
    const response = await fetch(`${baseUrl}/webim.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/javascript/);
    expect(response.headers.get("cache-control")).toMatch(/max-age=300/);
    const etag = response.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(await response.text()).toContain("webim-widget");

    const again = await fetch(`${baseUrl}/webim.js`, { headers: { "If-None-Match": etag ?? "" } });
    expect(again.status).toBe(304);
  });

  it("serves the console page with a strict CSP, and its versioned files as immutable", async () => {
    const page = await fetch(`${baseUrl}/console`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await page.text();
    const script = /src="(console\.js\?v=[\w-]+)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const file = await fetch(`${baseUrl}/${script}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("cache-control")).toContain("immutable");
  });
});
