/**
 * A small WebIM client for the integration tests: real HTTP to the local stack, in the three
 * ways the protocol allows parameters to travel.
 */
export type Encoding = "form" | "json" | "query";

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The JSON value of the answer (unwrapped from JSONP when there was a callback). */
  body: unknown;
}

export type Params = Record<string, string | number | boolean | undefined>;

function clean(params: Params): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)]])),
  );
}

function parse(text: string): unknown {
  const jsonp = /^\/\*\*\/ [\w$.]+\(([\s\S]*)\);$/.exec(text);
  const payload = jsonp ? (jsonp[1] ?? "") : text;
  if (payload === "ok") return "ok";
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

export class WebimClient {
  constructor(readonly baseUrl: string) {}

  async call(endpoint: string, params: Params, encoding: Encoding = "form", init: RequestInit = {}): Promise<Reply> {
    const values = clean(params);
    let url = `${this.baseUrl}/webim/${endpoint}`;
    let request: RequestInit = { method: "POST", ...init };
    if (encoding === "query") {
      url += `?${new URLSearchParams(values)}`;
      request = { method: "GET", ...init };
    } else if (encoding === "json") {
      request.body = JSON.stringify(values);
      request.headers = { "Content-Type": "application/json", ...init.headers };
    } else {
      request.body = new URLSearchParams(values).toString();
      request.headers = { "Content-Type": "application/x-www-form-urlencoded", ...init.headers };
    }
    const response = await fetch(url, request);
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: parse(text) };
  }

  /** A call that must succeed; its JSON answer. */
  async ok<T = unknown>(endpoint: string, params: Params, encoding: Encoding = "form"): Promise<T> {
    const reply = await this.call(endpoint, params, encoding);
    if (reply.status !== 200) throw new Error(`${endpoint} answered ${reply.status}: ${reply.text}`);
    return reply.body as T;
  }
}

export interface LogItem {
  /** Set in packets: the message's place in the recipient's inbox. */
  id?: string;
  type: string;
  from: string;
  to: string;
  nick: string;
  body: string;
  style?: string;
  timestamp: number;
}

export interface Buddy {
  id: string;
  nick: string;
  group: string;
  presence: string;
  show: string;
  status?: string;
  url?: string;
  referrer?: string;
  unread?: number;
}

export interface OnlineAnswer {
  success: true;
  server_time: number;
  user: { id: string; nick: string; show: string; visitor_token?: string; agent?: string };
  connection: { domain: string; ticket: string; server: string; websocket?: string };
  buddies: Buddy[];
  new_messages: LogItem[];
  site: { domain: string; welcome: string; leave_message: string };
}

export interface Packets {
  status: string;
  messages?: LogItem[];
  presences?: { from: string; nick: string; type: string; show: string; status?: string }[];
  statuses?: { from: string; nick: string; to: string; show: string }[];
}

/** One browser tab of one user. */
export class Tab {
  constructor(
    readonly client: WebimClient,
    readonly session: OnlineAnswer,
  ) {}

  get domain(): string {
    return this.session.connection.domain;
  }

  get id(): string {
    return this.session.user.id;
  }

  get ticket(): string {
    return this.session.connection.ticket;
  }

  send(to: string, body: string, extra: Params = {}) {
    return this.client.ok("message", { ticket: this.ticket, domain: this.domain, type: "unicast", to, body, ...extra });
  }

  /** A visitor's message to "the site": the server picks the agent. */
  ask(body: string) {
    return this.client.ok<{ success: true; to: string; timestamp: number }>("message", {
      ticket: this.ticket,
      type: "unicast",
      body,
    });
  }

  buddies(ids: string[]) {
    return this.client.ok<Buddy[]>("buddies", { ticket: this.ticket, ids: ids.join(",") });
  }

  history(id: string, extra: Params = {}) {
    return this.client.ok<LogItem[]>("history", { ticket: this.ticket, id, type: "unicast", ...extra }, "query");
  }

  async poll(extra: Params = {}): Promise<Packets> {
    const reply = await fetch(
      `${this.session.connection.server}?${new URLSearchParams({ domain: this.domain, ticket: this.ticket, ...clean(extra) })}`,
    );
    return JSON.parse(await reply.text()) as Packets;
  }

  /** Polls until `count` messages arrived or the polls ran out; bounded, never loops forever. */
  async receive(count: number, polls = 5): Promise<LogItem[]> {
    const messages: LogItem[] = [];
    for (let i = 0; i < polls && messages.length < count; i++) {
      const packets = await this.poll();
      messages.push(...(packets.messages ?? []));
    }
    return messages;
  }
}

export async function visitor(client: WebimClient, params: Params = {}): Promise<Tab> {
  return new Tab(client, await client.ok<OnlineAnswer>("online", { domain: "localhost", ...params }));
}

export async function agent(client: WebimClient, username: string, params: Params = {}): Promise<Tab> {
  const password = `${username}-demo`;
  return new Tab(client, await client.ok<OnlineAnswer>("online", { domain: "localhost", username, password, ...params }));
}
