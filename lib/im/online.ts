/**
 * `online`: who the caller is, a new ticket, the offline messages that waited for them, and
 * the buddies they start with.
 */

import { hashPassword, verifyPassword } from "../auth/password.js";
import { deploymentSecret } from "../auth/secret.js";
import { hashTicket, newTicket, newVisitorId, signVisitor, verifyVisitor } from "../auth/tokens.js";
import { config } from "../config.js";
import { NotAuthorized } from "../http/errors.js";
import type { Show } from "../http/fields.js";
import { type InboxEvent, readInbox, type StoredEvent } from "../store/inbox.js";
import { expiresAt, timeKey } from "../store/keys.js";
import type { LogItem } from "../store/messages.js";
import { getAgent } from "../store/sites.js";
import { putTicket, type Role } from "../store/tickets.js";
import { touchUser } from "../store/users.js";
import { type BuddyInfo, buddiesByIds, siteAgents } from "./buddies.js";
import { SETTLE_MS } from "./cursor.js";
import { agentsOf, requireSite } from "./directory.js";

export type Identity =
  | { kind: "agent"; username: string; password: string }
  | { kind: "visitor"; visitorToken?: string | undefined; nick?: string | undefined };

export interface OnlineRequest {
  domain: string;
  identity: Identity;
  show: Show;
  buddyIds: readonly string[];
  /** Absolute URL of the `packets` endpoint. */
  server: string;
}

interface Person {
  id: string;
  role: Role;
  nick: string;
  picUrl?: string;
  visitorToken?: string;
}

/** Offline messages handed out at one `online`; older ones are still in `history`. */
const MAX_NEW_MESSAGES = 100;
/** Inbox events read at `online`, newest first: enough for the offline messages and the settle window. */
const MAX_INBOX_READ = 500;

// Compared against when the username is unknown, so that a wrong name costs as long as a wrong password.
const decoyHash = hashPassword("decoy");

async function signInAgent(domain: string, username: string, password: string): Promise<Person> {
  const agent = await getAgent(domain, username);
  const valid = await verifyPassword(password, agent?.passwordHash ?? (await decoyHash));
  if (!agent?.passwordHash || !valid) throw new NotAuthorized();
  return { id: agent.id, role: "agent", nick: agent.nick, ...(agent.picUrl ? { picUrl: agent.picUrl } : {}) };
}

export function defaultVisitorNick(visitorId: string): string {
  return `v${visitorId.slice(4, 10)}`;
}

async function identifyVisitor(domain: string, identity: Extract<Identity, { kind: "visitor" }>): Promise<Person> {
  const secret = await deploymentSecret();
  let id: string;
  if (identity.visitorToken !== undefined) {
    const known = verifyVisitor(secret, domain, identity.visitorToken);
    if (known === undefined) throw new NotAuthorized();
    id = known;
  } else {
    id = newVisitorId();
  }
  return { id, role: "visitor", nick: identity.nick ?? defaultVisitorNick(id), visitorToken: signVisitor(secret, domain, id) };
}

function identify(domain: string, identity: Identity): Promise<Person> {
  return identity.kind === "agent"
    ? signInAgent(domain, identity.username, identity.password)
    : identifyVisitor(domain, identity);
}

function isMessage(stored: StoredEvent): stored is StoredEvent & { event: Extract<InboxEvent, { kind: "message" }> } {
  return stored.event.kind === "message";
}

export async function goOnline(request: OnlineRequest, now = Date.now()) {
  const { domain } = request;
  await requireSite(domain);
  const person = await identify(domain, request.identity);
  // "~" sorts after every event key of this millisecond: all of them count as handed out here.
  const seenUpTo = `${timeKey(now)}~`;
  const previous = await touchUser(domain, {
    id: person.id,
    role: person.role,
    nick: person.nick,
    picUrl: person.picUrl,
    show: request.show,
    lastSeen: now,
    inboxSeen: seenUpTo,
  });

  // One newest-first read covers both the offline messages (after the user's inbox mark) and the
  // settle window the new ticket must not be handed again (lib/im/cursor.ts).
  const cursor = timeKey(now - SETTLE_MS);
  const since = previous?.inboxSeen ?? timeKey(0);
  const [from = cursor] = [since, cursor].sort();
  const { events } = await readInbox(domain, person.id, {
    after: from,
    upTo: seenUpTo,
    limit: MAX_INBOX_READ,
    newestFirst: true,
  });
  events.reverse();
  const newMessages: LogItem[] = events
    .filter(isMessage)
    .filter((stored) => stored.sk > since && stored.event.packet.from !== person.id)
    .slice(-MAX_NEW_MESSAGES)
    .map((stored) => stored.event.packet);

  const ticket = newTicket();
  await putTicket({
    ticketHash: hashTicket(ticket),
    domain,
    userId: person.id,
    role: person.role,
    nick: person.nick,
    ...(person.picUrl ? { picUrl: person.picUrl } : {}),
    cursor,
    delivered: events.map((stored) => stored.sk).filter((sk) => sk > cursor),
    createdAt: now,
    lastSeen: now,
    expires: expiresAt(now + config.ticketIdleMs),
  });

  const viewer = { domain, userId: person.id, role: person.role };
  const wanted = [...new Set([...request.buddyIds, ...newMessages.map((message) => message.from)])];
  let buddies: BuddyInfo[];
  if (person.role === "agent") {
    const colleagues = (await agentsOf(domain)).map((agent) => agent.id);
    buddies = await buddiesByIds(viewer, [...new Set([...wanted, ...colleagues])], now);
  } else {
    const agents = await siteAgents(viewer, now);
    const listed = new Set(agents.map((agent) => agent.id));
    buddies = [
      ...agents,
      ...(await buddiesByIds(
        viewer,
        wanted.filter((id) => !listed.has(id)),
        now,
      )),
    ];
  }

  return {
    success: true as const,
    server_time: now,
    user: {
      id: person.id,
      nick: person.nick,
      ...(person.picUrl ? { pic_url: person.picUrl } : {}),
      show: request.show,
      ...(person.visitorToken ? { visitor_token: person.visitorToken } : {}),
    },
    connection: { domain, ticket, server: request.server },
    buddies,
    new_messages: newMessages,
  };
}
