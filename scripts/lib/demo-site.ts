/**
 * The demo shop of the local stack: a tiny site on its own origin (not the API's), with the widget
 * embedded the way a real site embeds it, so that a whole conversation can be tried in two windows
 * (the shop here, the agent console on the API). `?transport=jsonp` and `?websocket=off` set the
 * widget's data-transport and data-websocket; `?domain=` embeds it for another site (the browser
 * tests give each test a site of its own).
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";

export interface DemoSite {
  url: string;
  stop(): Promise<void>;
}

export interface DemoSiteOptions {
  port: number;
  /** The API's base URL, without a trailing slash. */
  apiBase: string;
  domain: string;
  root: string;
}

const PAGES: Record<string, { title: string; content: string }> = {
  "/": {
    title: "Teas",
    content: `<h1>Our teas</h1>
      <div class="products">
        <div class="product"><h2>Dragon Well</h2><p>A green tea from Hangzhou, roasted in the pan.</p><p class="price">€14.00 / 100 g</p></div>
        <div class="product"><h2>Darjeeling First Flush</h2><p>Light, floral, picked in early spring.</p><p class="price">€18.50 / 100 g</p></div>
        <div class="product"><h2>Lapsang Souchong</h2><p>Smoked over pine: a campfire in a cup.</p><p class="price">€11.00 / 100 g</p></div>
        <div class="product"><h2>Genmaicha</h2><p>Sencha with roasted brown rice.</p><p class="price">€9.50 / 100 g</p></div>
      </div>
      <p>Questions about brewing or shipping? Chat with us, bottom right.</p>`,
  },
  "/cart": {
    title: "Cart",
    content: `<h1>Your cart</h1><p>Dragon Well, 100 g: €14.00</p><p>The chat follows you from page to page.</p>`,
  },
};

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function widgetTag(options: DemoSiteOptions, query: URLSearchParams): string {
  const attributes: Record<string, string> = {
    src: `${options.apiBase}/webim.js`,
    "data-api": `${options.apiBase}/`,
    "data-domain": /^[a-z0-9.-]{1,253}$/.test(query.get("domain") ?? "") ? (query.get("domain") ?? "") : options.domain,
  };
  if (query.get("transport") === "jsonp") attributes["data-transport"] = "jsonp";
  if (query.get("websocket") === "off") attributes["data-websocket"] = "off";
  const text = Object.entries(attributes)
    .map(([name, value]) => `${name}="${escapeAttribute(value)}"`)
    .join(" ");
  return `<script ${text} async></script>`;
}

export async function startDemoSite(options: DemoSiteOptions): Promise<DemoSite> {
  const template = readFileSync(join(options.root, "web/demo/shop.html"), "utf8");
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://demo.invalid");
    const page = PAGES[url.pathname];
    if (request.method !== "GET" || !page) {
      response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Not Found");
      return;
    }
    const html = template
      .replace("{{TITLE}}", page.title)
      .replace("{{CONTENT}}", page.content)
      .replace("{{WIDGET}}", widgetTag(options, url.searchParams));
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(html);
  };

  // Both loopback addresses: `localhost` is the registered origin, 127.0.0.1 is another origin
  // (one the site did not register, to try the widget's fallback to JSONP).
  const servers: Server[] = [];
  for (const host of ["127.0.0.1", "::1"]) {
    const server = createServer(handle);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port, host, () => resolve());
      });
      servers.push(server);
    } catch (error) {
      // A machine without IPv6 has only the first.
      if (host === "127.0.0.1") throw error;
    }
  }
  return {
    url: `http://localhost:${options.port}`,
    stop: () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      ).then(() => undefined),
  };
}
