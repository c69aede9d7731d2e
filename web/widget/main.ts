/**
 * webim.js, the script a site adds:
 *   <script src="https://api.example/webim.js" data-api="https://api.example/" data-domain="example.com" async></script>
 * Optional: data-transport="jsonp" (never try CORS), data-websocket="off", data-title, data-nick, data-color.
 */
import { Widget, type WidgetConfig } from "./widget.js";

declare global {
  interface Window {
    /** The widget on this page, once; a second copy of the script does nothing. */
    webim?: Widget;
  }
}

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  return document.querySelector<HTMLScriptElement>("script[data-domain][src*='webim']");
}

function configFrom(script: HTMLScriptElement | null): WidgetConfig {
  const data = script?.dataset ?? {};
  // Without data-api the API is where the script came from: the service serves webim.js itself.
  let api = data.api || (script?.src ? new URL("./", script.src).href : `${location.origin}/`);
  if (!api.endsWith("/")) api += "/";
  return {
    api,
    domain: (data.domain || location.hostname).toLowerCase(),
    transport: data.transport === "jsonp" ? "jsonp" : "cors",
    websocket: data.websocket !== "off",
    title: data.title || "Chat with us",
    nick: data.nick || undefined,
    color: data.color || undefined,
  };
}

function start(config: WidgetConfig) {
  if (window.webim) return;
  const widget = new Widget(config);
  window.webim = widget;
  widget.mount();
}

const config = configFrom(findScript());
if (document.body) start(config);
else document.addEventListener("DOMContentLoaded", () => start(config), { once: true });
