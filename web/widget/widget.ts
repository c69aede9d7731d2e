/**
 * The visitor's chat: a button and a box in a shadow root, one Session to the service. Every text
 * from the network is set with textContent (web/shared/dom.ts), never parsed as HTML.
 */
import { clock, h, text, typingNotifier, wireComposer } from "../shared/dom.js";
import {
  type BuddyInfo,
  type LogItem,
  messageKey,
  type OnlineAnswer,
  type Packets,
  type RoutedAnswer,
  type SiteInfo,
} from "../shared/protocol.js";
import { Session, type SessionState } from "../shared/session.js";
import { ApiError, createTransport, type TransportKind } from "../shared/transport.js";
import css from "./style.css";

export interface WidgetConfig {
  /** Base URL of the API, ending with `/`. */
  api: string;
  domain: string;
  /** `cors` falls back to JSONP by itself when CORS is refused; `jsonp` never tries CORS. */
  transport: TransportKind;
  websocket: boolean;
  title: string;
  nick?: string | undefined;
  color?: string | undefined;
}

export type Availability = "available" | "away" | "offline";

type MessageState = "sending" | "sent" | "failed";

interface Shown {
  key: string;
  item: LogItem;
  mine: boolean;
  state: MessageState;
  element: HTMLLIElement;
}

const DEFAULT_LEAVE_MESSAGE = "No one is available right now. Leave a message and we will answer as soon as we can.";
const TYPING_SHOWN_MS = 8000;
/** How often an open chat box asks again which agents are available. */
const AVAILABILITY_REFRESH_MS = 30_000;
const MAX_BODY = 4000;

const CHAT_ICON =
  "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z";

/** localStorage and sessionStorage may be missing or throw (privacy modes): the widget then forgets, but works. */
function store(kind: "local" | "session") {
  const get = (): Storage | undefined => {
    try {
      return kind === "local" ? window.localStorage : window.sessionStorage;
    } catch {
      return undefined;
    }
  };
  return {
    get(key: string): string | undefined {
      try {
        return get()?.getItem(key) ?? undefined;
      } catch {
        return undefined;
      }
    },
    set(key: string, value: string | undefined): void {
      try {
        if (value === undefined) get()?.removeItem(key);
        else get()?.setItem(key, value);
      } catch {
        // full or refused: not fatal
      }
    },
  };
}

const local = store("local");
const perTab = store("session");

function svgIcon(path: string): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const shape = document.createElementNS(ns, "path");
  shape.setAttribute("d", path);
  svg.appendChild(shape);
  return svg;
}

function availabilityOf(buddy: BuddyInfo | undefined): Availability {
  if (buddy?.presence !== "online" || buddy.show === "invisible") return "offline";
  return buddy.show === "away" || buddy.show === "dnd" ? "away" : "available";
}

export class Widget {
  readonly host: HTMLElement;
  private readonly session: Session;
  private readonly keys: { token: string; agent: string; open: string };

  private me: OnlineAnswer["user"] | undefined;
  private agentId: string | undefined;
  private site: SiteInfo = {};
  /** The site's id: messages `from` it are the site's own notices (the leave-message text), not an agent's. */
  private siteDomain: string;
  private readonly buddies = new Map<string, BuddyInfo>();
  private readonly shown = new Map<string, Shown>();
  private readonly byElement = new WeakMap<Element, Shown>();
  private pendingSeq = 0;
  private unread = 0;
  private isOpen = false;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private availabilityTimer: ReturnType<typeof setInterval> | undefined;
  private connectingTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly typing = typingNotifier((on) => this.sendStatus(on));

  // The view.
  private readonly launcher: HTMLButtonElement;
  private readonly launcherDot: HTMLSpanElement;
  private readonly badge: HTMLSpanElement;
  private readonly box: HTMLElement;
  private readonly headDot: HTMLSpanElement;
  private readonly title: HTMLDivElement;
  private readonly subtitle: HTMLDivElement;
  private readonly banner: HTMLDivElement;
  private readonly bannerText: HTMLSpanElement;
  private readonly retryButton: HTMLButtonElement;
  private readonly log: HTMLOListElement;
  private readonly notice: HTMLLIElement;
  /** The site's notice in the conversation, after the visitor's message that brought it: one line, never a bubble. */
  private readonly siteNote: HTMLLIElement;
  private siteNoteKey: string | undefined;
  private siteNoteTime = 0;
  private readonly typingLine: HTMLDivElement;
  private readonly input: HTMLTextAreaElement;
  private readonly send: HTMLButtonElement;

  constructor(private readonly config: WidgetConfig) {
    this.siteDomain = config.domain;
    this.keys = {
      token: `webim:${config.domain}:visitor_token`,
      agent: `webim:${config.domain}:agent`,
      open: `webim:${config.domain}:open`,
    };

    this.host = document.createElement("webim-widget");
    this.host.setAttribute("style", "all: initial");
    const root = this.host.attachShadow({ mode: "open" });
    if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(h("style", {}, css));
    }

    this.launcherDot = h("span", { class: "wi-dot", "data-availability": "offline" });
    this.badge = h("span", { class: "wi-badge", hidden: true });
    this.launcher = h("button", { class: "wi-launcher", type: "button", "aria-label": config.title, "aria-expanded": "false" });
    this.launcher.append(svgIcon(CHAT_ICON), h("span", {}, config.title), this.launcherDot, this.badge);

    this.headDot = h("span", { class: "wi-dot", "data-availability": "offline" });
    this.title = h("div", { class: "wi-title" }, config.title);
    this.subtitle = h("div", { class: "wi-sub" }, "Connecting…");
    const close = h("button", { class: "wi-close", type: "button", "aria-label": "Close the chat" }, "×");
    this.bannerText = h("span");
    const retry = h("button", { type: "button" }, "Retry");
    this.retryButton = retry;
    this.banner = h("div", { class: "wi-banner", role: "status", hidden: true }, this.bannerText, retry);
    this.notice = h("li", { class: "wi-notice" });
    this.siteNote = h("li", { class: "wi-note" });
    this.log = h("ol", { class: "wi-log", "aria-live": "polite" }, this.notice);
    this.typingLine = h("div", { class: "wi-typing", hidden: true });
    this.input = h("textarea", {
      class: "wi-input",
      rows: "1",
      maxlength: String(MAX_BODY),
      placeholder: "Write a message…",
      "aria-label": "Your message",
    });
    this.send = h("button", { class: "wi-send", type: "submit" }, "Send");
    const compose = h("form", { class: "wi-compose" }, this.input, this.send);
    this.box = h(
      "section",
      { class: "wi-box", role: "dialog", "aria-label": config.title, hidden: true },
      h("header", { class: "wi-head" }, this.headDot, h("div", { class: "wi-head-text" }, this.title, this.subtitle), close),
      this.banner,
      this.log,
      this.typingLine,
      compose,
    );
    const wrapper = h("div", { class: "wi-root" }, this.box, this.launcher);
    if (config.color && typeof CSS !== "undefined" && CSS.supports("color", config.color)) {
      wrapper.style.setProperty("--wi-accent", config.color);
    }
    root.appendChild(wrapper);

    this.launcher.addEventListener("click", () => this.setOpen(!this.isOpen));
    close.addEventListener("click", () => this.setOpen(false));
    this.box.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.setOpen(false);
    });
    retry.addEventListener("click", () => this.session.retry());
    wireComposer(
      compose,
      this.input,
      () => this.submit(),
      () => this.typing.input(),
    );

    const transport = createTransport(config.transport);
    this.session = new Session({
      api: config.api,
      transport,
      ...(config.transport === "cors" ? { fallback: createTransport("jsonp") } : {}),
      websocket: config.websocket,
      onlineParams: () => ({
        domain: config.domain,
        visitor_token: local.get(this.keys.token),
        nick: config.nick,
        visitor_url: location.href.slice(0, 1000),
        visitor_referrer: document.referrer.slice(0, 1000) || undefined,
      }),
      onOnline: (answer) => this.onOnline(answer),
      onPackets: (packets) => this.onPackets(packets),
      onState: (state, error) => this.onState(state, error),
      onOnlineError: (error) => {
        // A token from another deployment or an old secret: start as a new visitor.
        if (error.message === "Not Authorized" && local.get(this.keys.token) !== undefined) {
          local.set(this.keys.token, undefined);
          return true;
        }
        return false;
      },
    });
    this.onState("connecting");
    this.renderNotice();
  }

  /** The transport in use now (CORS, or JSONP after a fallback). */
  get transport(): TransportKind {
    return this.session.transport.kind;
  }

  /** How packets arrive now: `websocket` when the service offers push, else `poll`. */
  get channel(): string {
    return this.session.channel;
  }

  mount(): void {
    (document.body ?? document.documentElement).appendChild(this.host);
    if (perTab.get(this.keys.open) === "1") this.setOpen(true);
    this.session.start();
    window.addEventListener("pagehide", () => this.session.leave());
    window.addEventListener("pageshow", (event) => {
      // Back from the back/forward cache: the ticket ended at pagehide.
      if (event.persisted) this.session.start();
    });
    // Messages that came while the tab was hidden with the box open are read once it shows again.
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && this.isOpen && this.unread > 0) {
        this.unread = 0;
        this.renderBadge();
      }
    });
    // Another tab of this visitor learned who their agent is (its first message was routed).
    window.addEventListener("storage", (event) => {
      if (event.key === this.keys.agent && event.newValue) this.setAgent(event.newValue);
    });
  }

  // -------------------------------------------------------------------------------------------
  // The session

  private async onOnline(answer: OnlineAnswer): Promise<void> {
    this.me = answer.user;
    if (answer.user.visitor_token) local.set(this.keys.token, answer.user.visitor_token);
    this.site = answer.site ?? {};
    this.siteDomain = answer.connection?.domain || answer.site?.domain || this.config.domain;
    this.buddies.clear();
    for (const buddy of answer.buddies ?? []) this.buddies.set(buddy.id, buddy);
    const agent = answer.user.agent ?? local.get(this.keys.agent);
    if (agent) this.setAgent(agent);

    if (this.agentId !== undefined) {
      try {
        const history = await this.session.call<LogItem[]>("history", { id: this.agentId, type: "unicast" }, "get");
        this.replaceHistory(Array.isArray(history) ? history : []);
      } catch {
        // The conversation still works; what came before shows on the next load.
      }
    }
    for (const item of answer.new_messages ?? []) this.receive(item, true);
    this.renderAvailability();
    this.renderNotice();
  }

  private async refreshAgents(): Promise<void> {
    if (this.session.state !== "online" || document.hidden || this.buddies.size === 0) return;
    try {
      const fresh = await this.session.call<BuddyInfo[]>("buddies", { ids: [...this.buddies.keys()].join(",") }, "get");
      for (const buddy of Array.isArray(fresh) ? fresh : []) this.buddies.set(buddy.id, buddy);
      this.renderAvailability();
      this.renderNotice();
    } catch {
      // The next refresh, or presence packets, will tell.
    }
  }

  private onPackets(packets: Packets): void {
    for (const presence of packets.presences ?? []) {
      const known = this.buddies.get(presence.from);
      const buddy: BuddyInfo = known ?? { id: presence.from, nick: presence.nick };
      buddy.nick = presence.nick || buddy.nick;
      if (presence.type === "offline") buddy.presence = "offline";
      else buddy.presence = "online";
      if (presence.show) buddy.show = presence.show;
      if (presence.status !== undefined) buddy.status = presence.status;
      this.buddies.set(buddy.id, buddy);
    }
    for (const status of packets.statuses ?? []) {
      if (status.to !== this.me?.id) continue;
      this.showTyping(status.show === "typing" ? status.nick || this.nickOf(status.from) : undefined);
    }
    for (const item of packets.messages ?? []) this.receive(item, true);
    this.renderAvailability();
    this.renderNotice();
  }

  private onState(state: SessionState, error?: ApiError): void {
    this.send.disabled = state !== "online";
    clearTimeout(this.connectingTimer);
    if (state === "online") {
      this.banner.hidden = true;
    } else if (state === "connecting") {
      // Said only when it takes a while: a page load usually connects before anyone could read it.
      this.connectingTimer = setTimeout(() => this.showBanner("Connecting…", "info"), 1500);
    } else if (state === "unreachable") {
      this.showBanner("The chat service cannot be reached. Retrying…", "error");
    } else {
      const message =
        error?.message === "Not Found"
          ? "Chat is not available on this site."
          : `The chat could not start: ${error?.message ?? "error"}.`;
      this.showBanner(message, "error");
    }
    this.renderAvailability();
    this.renderNotice();
  }

  private showBanner(message: string, kind: "info" | "error"): void {
    text(this.bannerText, message);
    this.retryButton.hidden = kind !== "error";
    this.banner.dataset.kind = kind;
    this.banner.hidden = false;
  }

  // -------------------------------------------------------------------------------------------
  // Messages

  private setAgent(id: string): void {
    if (this.agentId === id) return;
    this.agentId = id;
    local.set(this.keys.agent, id);
    this.renderAvailability();
  }

  private nickOf(id: string): string {
    return this.buddies.get(id)?.nick ?? id;
  }

  /** History replaces what was shown (it has the server's times); unsent messages stay at the end. */
  private replaceHistory(history: LogItem[]): void {
    for (const [key, shown] of this.shown) {
      if (shown.state === "sent") {
        shown.element.remove();
        this.shown.delete(key);
      }
    }
    for (const item of history) this.receive(item, false);
  }

  /** A message from the site itself (not from one of its agents): the service's leave-message notice. */
  private fromSite(item: LogItem): boolean {
    return item.from === this.siteDomain && item.from !== this.me?.id && !this.buddies.has(item.from);
  }

  private receive(item: LogItem, live: boolean): void {
    const me = this.me?.id;
    if (me === undefined || (item.from !== me && item.to !== me)) return;
    if (this.fromSite(item)) {
      this.showSiteNote(item);
      return;
    }
    const mine = item.from === me;
    if (!mine) {
      if (live) this.showTyping(undefined);
      if (this.agentId === undefined) this.setAgent(item.from);
    } else if (this.agentId === undefined && item.to) {
      this.setAgent(item.to);
    }
    const key = messageKey(item);
    if (this.shown.has(key)) return;
    this.show(key, item, mine, "sent");
    if (!mine && live && (!this.isOpen || document.hidden)) {
      this.unread++;
      this.renderBadge();
    }
  }

  /**
   * The site's notice goes after what is shown (the visitor's message that brought it, sent or still
   * being sent); a stored message older than it, arriving later (another tab's), goes before it.
   * It is the text the box shows on top when no one is online, so that one hides while this shows.
   */
  private showSiteNote(item: LogItem): void {
    const key = messageKey(item);
    if (key === this.siteNoteKey) return;
    this.siteNoteKey = key;
    this.siteNoteTime = item.timestamp;
    this.site.leave_message = item.body;
    text(this.siteNote, item.body);
    this.log.appendChild(this.siteNote);
    this.scrollDown();
  }

  private show(key: string, item: LogItem, mine: boolean, state: MessageState): Shown {
    const meta = h(
      "div",
      { class: "wi-meta" },
      `${mine ? "You" : item.nick || this.nickOf(item.from)} · ${clock(item.timestamp)}`,
    );
    const element = h(
      "li",
      { class: mine ? "wi-msg wi-mine" : "wi-msg wi-theirs", "data-state": state },
      h("div", { class: "wi-bubble" }, item.body),
      meta,
    );
    const shown: Shown = { key, item, mine, state, element };
    // In time order; messages being sent (or not sent) stay after every stored one.
    let before: Element | null = null;
    if (state === "sent") {
      before =
        Array.from(this.log.children).find((child) => {
          if (child === this.siteNote) return this.siteNoteTime > item.timestamp;
          const other = this.byElement.get(child);
          return other !== undefined && (other.state !== "sent" || other.item.timestamp > item.timestamp);
        }) ?? null;
    }
    this.log.insertBefore(element, before);
    this.shown.set(key, shown);
    this.byElement.set(element, shown);
    this.scrollDown();
    return shown;
  }

  private setState(shown: Shown, state: MessageState, error?: string): void {
    shown.state = state;
    shown.element.dataset.state = state;
    const meta = shown.element.querySelector(".wi-meta");
    if (!meta) return;
    if (state === "failed") {
      const retry = h("button", { class: "wi-retry", type: "button" }, "Retry");
      retry.addEventListener("click", () => this.deliver(shown));
      meta.replaceChildren(`Not sent${error ? `: ${error}` : ""}`, retry);
    } else {
      meta.replaceChildren(`You · ${clock(shown.item.timestamp)}${state === "sending" ? " · sending…" : ""}`);
    }
  }

  private submit(): void {
    const body = this.input.value.trim();
    // Not connected (the button is disabled too): the text stays in the box for later.
    if (body === "" || !this.me || this.session.state !== "online") return;
    this.input.value = "";
    this.typing.reset();
    const item: LogItem = {
      type: "unicast",
      from: this.me.id,
      to: this.agentId ?? "",
      nick: this.me.nick,
      body: body.slice(0, MAX_BODY),
      timestamp: this.session.now(),
    };
    const shown = this.show(`pending:${this.pendingSeq++}`, item, true, "sending");
    this.setState(shown, "sending");
    void this.deliver(shown);
  }

  private async deliver(shown: Shown): Promise<void> {
    this.setState(shown, "sending");
    try {
      // Never with `to`: the service routes every message to the visitor's agent, and chooses an
      // available one when that conversation is over (the visitor was away, the agent was removed).
      const answer = await this.session.call<RoutedAnswer | "ok">("message", {
        type: "unicast",
        body: shown.item.body,
      });
      if (typeof answer === "object" && answer !== null && typeof answer.to === "string") {
        this.setAgent(answer.to);
        shown.item.to = answer.to;
        if (typeof answer.timestamp === "number") shown.item.timestamp = answer.timestamp;
      }
      this.shown.delete(shown.key);
      shown.key = messageKey(shown.item);
      this.shown.set(shown.key, shown);
      this.setState(shown, "sent");
    } catch (error) {
      this.setState(shown, "failed", error instanceof ApiError && !error.network ? error.message : "");
    }
  }

  private sendStatus(typing: boolean): void {
    if (this.agentId === undefined || this.session.state !== "online") return;
    this.session.call("status", { to: this.agentId, show: typing ? "typing" : "clear" }).catch(() => {});
  }

  private showTyping(nick: string | undefined): void {
    clearTimeout(this.typingTimer);
    this.typingLine.hidden = nick === undefined;
    if (nick === undefined) return;
    text(this.typingLine, `${nick} is typing…`);
    this.typingTimer = setTimeout(() => this.showTyping(undefined), TYPING_SHOWN_MS);
    this.scrollDown();
  }

  // -------------------------------------------------------------------------------------------
  // View

  private setOpen(open: boolean): void {
    this.isOpen = open;
    clearInterval(this.availabilityTimer);
    // Presence news reaches only the people a visitor talks with; while the box is open, the
    // availability of the site's other agents is asked for now and then instead.
    if (open) this.availabilityTimer = setInterval(() => void this.refreshAgents(), AVAILABILITY_REFRESH_MS);
    this.box.hidden = !open;
    this.launcher.setAttribute("aria-expanded", String(open));
    perTab.set(this.keys.open, open ? "1" : undefined);
    if (open) {
      this.unread = 0;
      this.renderBadge();
      this.scrollDown();
      this.input.focus();
    }
  }

  private renderBadge(): void {
    this.badge.hidden = this.unread === 0;
    text(this.badge, this.unread > 99 ? "99+" : String(this.unread));
    this.launcher.setAttribute("aria-label", this.unread ? `${this.config.title} (${this.unread} new)` : this.config.title);
  }

  availability(): Availability {
    if (this.session.state !== "online") return "offline";
    const assigned = this.agentId === undefined ? undefined : this.buddies.get(this.agentId);
    if (assigned) return availabilityOf(assigned);
    const all = [...this.buddies.values()].map(availabilityOf);
    return all.includes("available") ? "available" : all.includes("away") ? "away" : "offline";
  }

  private renderAvailability(): void {
    const availability = this.availability();
    this.launcherDot.dataset.availability = availability;
    this.headDot.dataset.availability = availability;
    const assigned = this.agentId === undefined ? undefined : this.buddies.get(this.agentId);
    text(this.title, assigned?.nick ?? this.config.title);
    const labels: Record<Availability, string> = {
      available: "Online",
      away: "Away · we will answer soon",
      offline: "Offline · leave a message",
    };
    text(this.subtitle, this.session.state === "online" ? labels[availability] : "Not connected");
    this.box.dataset.availability = availability;
  }

  private renderNotice(): void {
    const offline = this.session.state === "online" && this.availability() === "offline";
    const notice = offline ? (this.site.leave_message ?? DEFAULT_LEAVE_MESSAGE) : this.site.welcome;
    // Said once: not on top as well while the same words stand in the conversation.
    this.notice.hidden = !notice || (this.siteNote.isConnected && notice === this.siteNote.textContent);
    text(this.notice, notice ?? "");
  }

  private scrollDown(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }
}
