/**
 * The agent console (/console): sign in with username and password, see the visitors one talks
 * with (presence, unread count, page and referrer), answer them, set one's own show. Served by
 * the API itself, so its calls are same-origin. Every network text is set with textContent.
 */
import { clock, h, safeHttpUrl, text, typingNotifier, wireComposer } from "../shared/dom.js";
import { type BuddyInfo, type LogItem, messageKey, type OnlineAnswer, type Packets, type Show } from "../shared/protocol.js";
import { Session, type SessionState } from "../shared/session.js";
import { type ApiError, CorsTransport } from "../shared/transport.js";

interface Buddy extends BuddyInfo {
  agent: boolean;
  unread: number;
  /** Time of the last message either way, for the order of the list. */
  last: number;
  typingUntil: number;
}

interface Entry {
  key: string;
  item: LogItem;
  state: "sending" | "sent" | "failed";
}

const API = new URL("./", location.href).href;
const TYPING_SHOWN_MS = 8000;
const BASE_TITLE = "WebIM console";
const SHOWS: { value: Show; label: string }[] = [
  { value: "available", label: "Available" },
  { value: "away", label: "Away" },
  { value: "dnd", label: "Do not disturb" },
];
const PREFS = "webim:console";

function savedPrefs(): { domain?: string; username?: string } {
  try {
    return JSON.parse(localStorage.getItem(PREFS) ?? "{}") as { domain?: string; username?: string };
  } catch {
    return {};
  }
}

function dotState(buddy: BuddyInfo): string {
  if (buddy.presence !== "online") return "offline";
  return buddy.show === "away" || buddy.show === "dnd" ? buddy.show : "online";
}

function presenceLabel(buddy: BuddyInfo): string {
  if (buddy.presence !== "online") return "offline";
  return buddy.show === "dnd" ? "do not disturb" : (buddy.show ?? "available");
}

/** Agents are the site's staff (`group: "agents"`); the rest are visitors and members. */
function isAgent(buddy: BuddyInfo): boolean {
  return buddy.group === undefined ? !buddy.id.startsWith("vid:") : buddy.group === "agents";
}

const app = document.getElementById("app") ?? document.body;

// ---------------------------------------------------------------------------------------------
// Sign-in

function showSignIn(message = ""): void {
  document.title = BASE_TITLE;
  const prefs = savedPrefs();
  const query = new URLSearchParams(location.search);
  const domain = h("input", { name: "domain", required: true, autocomplete: "organization" });
  domain.value = query.get("domain") ?? prefs.domain ?? location.hostname;
  const username = h("input", { name: "username", required: true, autocomplete: "username" });
  username.value = prefs.username ?? "";
  const password = h("input", { name: "password", type: "password", required: true, autocomplete: "current-password" });
  const error = h("p", { class: "c-error", role: "alert" }, message);
  const submit = h("button", { class: "c-primary", type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "c-signin" },
    h("h1", {}, "Agent console"),
    h("label", {}, "Site", domain),
    h("label", {}, "Username", username),
    h("label", {}, "Password", password),
    submit,
    error,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit.disabled = true;
    text(error, "");
    const credentials = { domain: domain.value.trim().toLowerCase(), username: username.value.trim(), password: password.value };
    try {
      localStorage.setItem(PREFS, JSON.stringify({ domain: credentials.domain, username: credentials.username }));
    } catch {
      // not kept: fine
    }
    new Console(credentials, (failure) => {
      submit.disabled = false;
      text(error, failure);
    }).start();
  });
  app.replaceChildren(form);
  (username.value ? password : username).focus();
}

// ---------------------------------------------------------------------------------------------
// The workspace

class Console {
  private readonly session: Session;
  private me: OnlineAnswer["user"] | undefined;
  private readonly buddies = new Map<string, Buddy>();
  private readonly conversations = new Map<string, Map<string, Entry>>();
  private readonly historyLoaded = new Set<string>();
  private readonly fetching = new Set<string>();
  private selected: string | undefined;
  private started = false;
  private pendingSeq = 0;
  private alerts = 0;
  private blink: ReturnType<typeof setInterval> | undefined;
  private audio: AudioContext | undefined;
  private readonly typing = typingNotifier((on) => {
    if (this.selected && this.session.state === "online") {
      this.session.call("status", { to: this.selected, show: on ? "typing" : "clear" }).catch(() => {});
    }
  });

  // The view, built once signed in.
  private readonly root = h("div", { class: "c-app" });
  private readonly meName = h("span", { class: "c-me-name" });
  private readonly showSelect = h("select", { "aria-label": "Your status" });
  private readonly conn = h("div", { class: "c-conn" });
  private readonly visitorList = h("ul", { class: "c-list c-visitors", role: "listbox", "aria-label": "Visitors" });
  private readonly teamList = h("ul", { class: "c-list c-team", "aria-label": "Team" });
  private readonly chat = h("section", { class: "c-chat" });
  private readonly log = h("ol", { class: "c-log", "aria-live": "polite" });
  private readonly typingLine = h("div", { class: "c-typing" });
  private readonly input = h("textarea", {
    placeholder: "Write a reply… (Enter sends, Shift+Enter for a new line)",
    maxlength: "4000",
  });
  private readonly compose = h(
    "form",
    { class: "c-compose" },
    this.input,
    h("button", { class: "c-primary", type: "submit" }, "Send"),
  );

  constructor(
    private readonly credentials: { domain: string; username: string; password: string },
    private readonly onSignInError: (message: string) => void,
  ) {
    this.session = new Session({
      api: API,
      transport: new CorsTransport(),
      onlineParams: () => ({ ...this.credentials }),
      onOnline: (answer) => this.onOnline(answer),
      onPackets: (packets) => this.onPackets(packets),
      onState: (state, error) => this.onState(state, error),
    });
    try {
      // Created on the sign-in click, a user gesture, so that it may play later.
      this.audio = new AudioContext();
    } catch {
      this.audio = undefined;
    }
  }

  start(): void {
    this.session.start();
    window.addEventListener("pagehide", () => this.session.leave());
    document.addEventListener("visibilitychange", () => this.onVisible());
    window.addEventListener("focus", () => this.onVisible());
  }

  // --- session -------------------------------------------------------------------------------

  private async onOnline(answer: OnlineAnswer): Promise<void> {
    this.me = answer.user;
    for (const info of answer.buddies ?? []) this.upsert(info);
    for (const item of answer.new_messages ?? []) this.addMessage(item, true);
    if (!this.started) {
      this.started = true;
      this.buildWorkspace();
    }
    if (this.selected) {
      this.historyLoaded.delete(this.selected);
      await this.loadHistory(this.selected);
    }
    this.render();
  }

  private onState(state: SessionState, error?: ApiError): void {
    if (!this.started) {
      if (state === "failed" || state === "unreachable") {
        this.session.stop();
        this.onSignInError(
          error?.message === "Not Authorized"
            ? "Wrong username or password."
            : error?.message === "Not Found"
              ? "No such site."
              : state === "unreachable"
                ? "The chat service cannot be reached."
                : (error?.message ?? "Sign-in failed."),
        );
      }
      return;
    }
    this.conn.dataset.state = state;
    const labels: Record<SessionState, string> = {
      connecting: "Connecting…",
      online: `Connected${this.session.channel === "websocket" ? " (push)" : ""}`,
      unreachable: "The chat service cannot be reached. Retrying…",
      failed: `Disconnected: ${error?.message ?? "error"}`,
    };
    text(this.conn, labels[state]);
  }

  private onPackets(packets: Packets): void {
    const me = this.me?.id;
    for (const presence of packets.presences ?? []) {
      if (presence.from === me) continue;
      const known = this.buddies.get(presence.from);
      if (!known) {
        this.fetchBuddy(presence.from);
        continue;
      }
      known.presence = presence.type === "offline" ? "offline" : "online";
      if (presence.show) known.show = presence.show;
      if (presence.status !== undefined) known.status = presence.status;
      if (presence.nick) known.nick = presence.nick;
    }
    for (const status of packets.statuses ?? []) {
      const buddy = this.buddies.get(status.from);
      if (status.to !== me || !buddy) continue;
      buddy.typingUntil = status.show === "typing" ? Date.now() + TYPING_SHOWN_MS : 0;
      if (status.show === "typing") setTimeout(() => this.renderTyping(), TYPING_SHOWN_MS + 50);
    }
    for (const item of packets.messages ?? []) this.addMessage(item, true);
    this.render();
  }

  private upsert(info: BuddyInfo): Buddy {
    const known = this.buddies.get(info.id);
    const buddy: Buddy = {
      ...known,
      ...info,
      agent: isAgent(info),
      unread: Math.max(known?.unread ?? 0, info.unread ?? 0),
      last: known?.last ?? 0,
      typingUntil: known?.typingUntil ?? 0,
    };
    this.buddies.set(info.id, buddy);
    return buddy;
  }

  /** A visitor seen for the first time (a message, a presence): one `buddies` call fills in who they are. */
  private fetchBuddy(id: string): void {
    if (this.fetching.has(id) || id === this.me?.id) return;
    this.fetching.add(id);
    this.session
      .call<BuddyInfo[]>("buddies", { ids: id }, "get")
      .then((list) => {
        for (const info of Array.isArray(list) ? list : []) this.upsert(info);
        this.render();
      })
      .catch(() => {})
      .finally(() => this.fetching.delete(id));
  }

  private conversation(id: string): Map<string, Entry> {
    let entries = this.conversations.get(id);
    if (!entries) {
      entries = new Map();
      this.conversations.set(id, entries);
    }
    return entries;
  }

  private addMessage(item: LogItem, live: boolean): void {
    const me = this.me?.id;
    if (me === undefined) return;
    const other = item.from === me ? item.to : item.from;
    const entries = this.conversation(other);
    const key = messageKey(item);
    if (entries.has(key)) return;
    entries.set(key, { key, item, state: "sent" });
    let buddy = this.buddies.get(other);
    if (!buddy) {
      buddy = this.upsert({ id: other, nick: item.from === me ? other : item.nick, presence: "online" });
      this.fetchBuddy(other);
    }
    buddy.last = Math.max(buddy.last, item.timestamp);
    if (item.from !== me && live) {
      buddy.typingUntil = 0;
      const seen = other === this.selected && !document.hidden;
      if (!seen) buddy.unread++;
      if (!seen || !document.hasFocus()) this.notify();
    }
  }

  private async loadHistory(id: string): Promise<void> {
    if (this.historyLoaded.has(id)) return;
    try {
      const history = await this.session.call<LogItem[]>("history", { id, type: "unicast" }, "get");
      this.historyLoaded.add(id);
      const entries = this.conversation(id);
      // Stored messages replace what was shown; ones being sent or not sent stay.
      for (const [key, entry] of entries) if (entry.state === "sent") entries.delete(key);
      for (const item of Array.isArray(history) ? history : [])
        entries.set(messageKey(item), { key: messageKey(item), item, state: "sent" });
    } catch {
      // shown on the next selection
    }
  }

  // --- actions -------------------------------------------------------------------------------

  private async select(id: string): Promise<void> {
    this.selected = id;
    const buddy = this.buddies.get(id);
    if (buddy?.unread) {
      buddy.unread = 0;
      // Reading the history is what tells the service the conversation was read (its unread count).
      this.historyLoaded.delete(id);
    }
    this.render();
    await this.loadHistory(id);
    if (this.selected === id) {
      this.renderChat();
      this.input.focus();
    }
  }

  private submit(): void {
    const to = this.selected;
    const body = this.input.value.trim();
    if (!to || !this.me || body === "" || this.session.state !== "online") return;
    this.input.value = "";
    this.typing.reset();
    const entry: Entry = {
      key: `pending:${this.pendingSeq++}`,
      item: { type: "unicast", from: this.me.id, to, nick: this.me.nick, body, timestamp: this.session.now() },
      state: "sending",
    };
    this.conversation(to).set(entry.key, entry);
    const buddy = this.buddies.get(to);
    if (buddy) buddy.last = entry.item.timestamp;
    this.render();
    void this.deliver(entry);
  }

  private async deliver(entry: Entry): Promise<void> {
    entry.state = "sending";
    this.renderChat();
    try {
      await this.session.call("message", { type: "unicast", to: entry.item.to, body: entry.item.body });
      entry.state = "sent";
    } catch {
      entry.state = "failed";
    }
    this.renderChat();
  }

  private signOut(): void {
    const ticket = this.session.ticket;
    this.session.stop();
    if (ticket) this.session.transport.post(`${API}webim/offline`, { ticket }).catch(() => {});
    this.stopBlink();
    showSignIn();
  }

  // --- notification --------------------------------------------------------------------------

  private notify(): void {
    this.beep();
    if (!document.hidden && document.hasFocus()) return;
    this.alerts++;
    if (this.blink) return;
    let on = false;
    this.blink = setInterval(() => {
      on = !on;
      document.title = on ? `(${this.alerts}) New message · ${BASE_TITLE}` : BASE_TITLE;
    }, 1000);
    document.title = `(${this.alerts}) New message · ${BASE_TITLE}`;
  }

  private stopBlink(): void {
    clearInterval(this.blink);
    this.blink = undefined;
    this.alerts = 0;
    document.title = this.me ? `${this.me.nick} · ${BASE_TITLE}` : BASE_TITLE;
  }

  private onVisible(): void {
    if (document.hidden) return;
    this.stopBlink();
    const buddy = this.selected ? this.buddies.get(this.selected) : undefined;
    if (buddy?.unread) {
      buddy.unread = 0;
      this.render();
    }
  }

  private beep(): void {
    const audio = this.audio;
    if (!audio || audio.state === "closed") return;
    try {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.08, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + 0.25);
    } catch {
      // no sound, the title still blinks
    }
  }

  // --- view ----------------------------------------------------------------------------------

  private buildWorkspace(): void {
    for (const { value, label } of SHOWS) this.showSelect.append(h("option", { value }, label));
    this.showSelect.value = this.me?.show && SHOWS.some((show) => show.value === this.me?.show) ? this.me.show : "available";
    this.showSelect.addEventListener("change", () => {
      this.session.call("presence", { show: this.showSelect.value }).catch(() => {
        text(this.conn, "Your status could not be changed.");
      });
    });
    const signOut = h("button", { class: "c-link-button", type: "button" }, "Sign out");
    signOut.addEventListener("click", () => this.signOut());
    const side = h(
      "aside",
      { class: "c-side" },
      h(
        "header",
        { class: "c-me" },
        h("div", { class: "c-me-row" }, this.meName, this.showSelect),
        h("div", { class: "c-me-row" }, this.conn, signOut),
      ),
      h("h2", {}, "Visitors"),
      this.visitorList,
      h("h2", {}, "Team"),
      this.teamList,
    );
    wireComposer(
      this.compose,
      this.input,
      () => this.submit(),
      () => this.typing.input(),
    );
    this.root.replaceChildren(side, this.chat);
    app.replaceChildren(this.root);
    this.stopBlink();
    this.onState(this.session.state);
  }

  private render(): void {
    if (!this.started) return;
    text(this.meName, this.me?.nick ?? "");
    const people = [...this.buddies.values()].filter((buddy) => buddy.id !== this.me?.id);
    const visitors = people.filter((buddy) => !buddy.agent).sort((a, b) => b.last - a.last);
    const team = people.filter((buddy) => buddy.agent);
    this.visitorList.replaceChildren(
      ...(visitors.length
        ? visitors.map((buddy) => this.buddyItem(buddy, true))
        : [h("li", { class: "c-empty-list" }, "No visitors yet")]),
    );
    this.teamList.replaceChildren(
      ...(team.length ? team.map((buddy) => this.buddyItem(buddy, false)) : [h("li", { class: "c-empty-list" }, "No one else")]),
    );
    this.renderChat();
  }

  private buddyItem(buddy: Buddy, selectable: boolean): HTMLLIElement {
    const sub = selectable ? (buddy.url ?? presenceLabel(buddy)) : presenceLabel(buddy);
    const item = h(
      "li",
      {
        class: "c-buddy",
        "data-id": buddy.id,
        role: selectable ? "option" : undefined,
        "aria-selected": selectable ? String(buddy.id === this.selected) : undefined,
        title: selectable ? buddy.id : undefined,
      },
      h("span", { class: "c-dot", "data-show": dotState(buddy), title: presenceLabel(buddy) }),
      h(
        "div",
        { class: "c-buddy-text" },
        h("div", { class: "c-buddy-nick" }, buddy.nick),
        h("div", { class: "c-buddy-sub" }, sub),
      ),
      buddy.unread > 0 && h("span", { class: "c-unread", "aria-label": `${buddy.unread} unread` }, String(buddy.unread)),
    );
    if (selectable) item.addEventListener("click", () => void this.select(buddy.id));
    return item;
  }

  private renderChat(): void {
    const buddy = this.selected ? this.buddies.get(this.selected) : undefined;
    if (!buddy) {
      this.chat.replaceChildren(h("p", { class: "c-placeholder" }, "Choose a visitor to see the conversation."));
      return;
    }
    const page = safeHttpUrl(buddy.url);
    const facts = h("dl", { class: "c-facts" });
    if (buddy.url) {
      facts.append(
        h("dt", {}, "Page"),
        h("dd", {}, page ? h("a", { href: page, target: "_blank", rel: "noopener noreferrer" }, buddy.url) : buddy.url),
      );
    }
    const referrer = safeHttpUrl(buddy.referrer);
    if (buddy.referrer) {
      facts.append(
        h("dt", {}, "Referrer"),
        h(
          "dd",
          {},
          referrer ? h("a", { href: referrer, target: "_blank", rel: "noopener noreferrer" }, buddy.referrer) : buddy.referrer,
        ),
      );
    } else if (buddy.status) {
      facts.append(h("dt", {}, "Status"), h("dd", {}, buddy.status));
    }
    if (buddy.user_agent) facts.append(h("dt", {}, "Browser"), h("dd", {}, buddy.user_agent));
    facts.append(h("dt", {}, "Id"), h("dd", {}, buddy.id));
    const head = h(
      "header",
      { class: "c-chat-head" },
      h(
        "div",
        { class: "c-chat-title" },
        h("span", { class: "c-dot", "data-show": dotState(buddy) }),
        h("span", { class: "c-chat-nick" }, buddy.nick),
        h("span", { class: "c-buddy-sub" }, `· ${presenceLabel(buddy)}`),
      ),
      facts,
    );
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    const entries = [...this.conversation(buddy.id).values()].sort(
      (a, b) => Number(a.state !== "sent") - Number(b.state !== "sent") || a.item.timestamp - b.item.timestamp,
    );
    this.log.replaceChildren(...entries.map((entry) => this.messageItem(entry)));
    if (this.chat.firstElementChild?.className !== "c-chat-head" || this.chat.dataset.id !== buddy.id) {
      this.chat.dataset.id = buddy.id;
      this.chat.replaceChildren(head, this.log, this.typingLine, this.compose);
      this.log.scrollTop = this.log.scrollHeight;
    } else {
      this.chat.firstElementChild.replaceWith(head);
      if (atBottom) this.log.scrollTop = this.log.scrollHeight;
    }
    this.renderTyping();
  }

  private messageItem(entry: Entry): HTMLLIElement {
    const mine = entry.item.from === this.me?.id;
    const who = mine ? entry.item.nick || "You" : entry.item.nick;
    const meta = h(
      "div",
      { class: "c-meta" },
      `${who} · ${clock(entry.item.timestamp)}${entry.state === "sending" ? " · sending…" : ""}`,
    );
    if (entry.state === "failed") {
      const retry = h("button", { class: "c-link-button", type: "button" }, "Retry");
      retry.addEventListener("click", () => void this.deliver(entry));
      meta.replaceChildren("Not sent · ", retry);
    }
    return h(
      "li",
      { class: mine ? "c-msg c-mine" : "c-msg c-theirs", "data-state": entry.state },
      h("div", { class: "c-bubble" }, entry.item.body),
      meta,
    );
  }

  private renderTyping(): void {
    const buddy = this.selected ? this.buddies.get(this.selected) : undefined;
    text(this.typingLine, buddy && buddy.typingUntil > Date.now() ? `${buddy.nick} is typing…` : "");
  }
}

showSignIn();
