/** The WebIM protocol's shapes, as the browser sees them (PROTOCOL.md). Everything is optional that a server may leave out. */
export type Show = "available" | "away" | "chat" | "dnd" | "invisible";

export interface LogItem {
  type: string;
  from: string;
  to: string;
  nick: string;
  body: string;
  style?: string;
  timestamp: number;
}

export interface BuddyInfo {
  id: string;
  nick: string;
  group?: string;
  pic_url?: string;
  /** A visitor's page, its referrer and browser, as the visitor's `online` told them. */
  url?: string;
  referrer?: string;
  user_agent?: string;
  presence?: "online" | "offline";
  status?: string;
  show?: Show;
  /** Messages from this buddy the caller has not read (agents' visitor lists). */
  unread?: number;
}

export interface Connection {
  domain: string;
  ticket: string;
  server: string;
  websocket?: string;
}

export interface SiteInfo {
  domain?: string;
  welcome?: string;
  leave_message?: string;
}

export interface OnlineAnswer {
  success: true;
  server_time: number;
  user: { id: string; nick: string; show?: Show; visitor_token?: string; agent?: string };
  connection: Connection;
  buddies: BuddyInfo[];
  new_messages: LogItem[];
  site?: SiteInfo;
}

export interface PresencePacket {
  from: string;
  nick: string;
  type: "online" | "offline" | "show";
  show?: Show;
  status?: string;
}

export interface StatusPacket {
  from: string;
  nick: string;
  to: string;
  show: "typing" | "clear";
}

export interface Packets {
  status: "ok" | "stopped";
  messages?: LogItem[];
  presences?: PresencePacket[];
  statuses?: StatusPacket[];
}

/** The answer of a visitor's `message` without `to`: the agent it was routed to and the server's time. */
export interface RoutedAnswer {
  success: true;
  to: string;
  timestamp: number;
}

/** One key per stored message: `logmsg` and the table use the same triple. */
export function messageKey(item: Pick<LogItem, "from" | "timestamp" | "body">): string {
  return `${item.from}\n${item.timestamp}\n${item.body}`;
}
