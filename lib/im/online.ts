/**
 * `online`: who the caller is, a new ticket, the offline messages that waited for them, and
 * the buddies they start with.
 */

import { hashPassword, verifyPassword } from "../auth/password.js";
import { deploymentSecret } from "../auth/secret.js";
import { verifySiteToken } from "../auth/site-token.js";
import { hashTicket, newTicket, newVisitorId, signVisitor, verifyVisitor } from "../auth/tokens.js";
import { config } from "../config.js";
import { admitOrigin } from "../http/cors.js";
import type { Call } from "../http/endpoint.js";
import { NotAuthorized, TooManyRequests } from "../http/errors.js";
import type { Show } from "../http/fields.js";
import { type InboxEvent, readInbox, type StoredEvent } from "../store/inbox.js";
import { expiresAt, timeKey } from "../store/keys.js";
import type { LogItem } from "../store/messages.js";
import { getAgent, reserveLoginAttempt, type Site } from "../store/sites.js";
import { putTicket, type Role } from "../store/tickets.js";
import { setShow, touchUser } from "../store/users.js";
import { startingBuddies } from "./buddies.js";
import { SETTLE_MS } from "./cursor.js";
import { isAgentOf, requireSite } from "./directory.js";
import { announceShow, isOnline, welcomeBack } from "./presence.js";

export type Identity =
  | { kind: "agent"; username: string; password: string }
  | { kind: "site-token"; token: string }
  | { kind: "visitor"; visitorToken?: string | undefined; nick?: string | undefined };

/** What a visitor's page says of where they are; agents see it in the visitor's buddyInfo. */
export interface Whereabouts {
  url?: string | undefined;
  referrer?: string | undefined;
  userAgent?: string | undefined;
}

export interface OnlineRequest {
  domain: string;
  identity: Identity;
  /** Left out: a user already online (another tab) keeps their show; one coming online is `available`. */
  show: Show | undefined;
  buddyIds: readonly string[];
  whereabouts: Whereabouts;
  /** Absolute URL of the `packets` endpoint. */
  server: string;
}

interface Person {
  id: string;
  role: Role;
  nick: string;
  /** The nick is only a default (a visitor who gave none): the one the user has is kept. */
  defaultNick?: boolean;
  picUrl?: string;
  visitorToken?: string;
}

/** Offline messages handed out at one `online`; older ones are still in `history`. */
const MAX_NEW_MESSAGES = 100;
/** Inbox events read at `online`, newest first: enough for the offline messages and the settle window. */
const MAX_INBOX_READ = 500;

// Compared against when the username is unknown, so that a wrong name costs as long as a wrong password.
const decoyHash = hashPassword("decoy");

/** Sign-in attempts allowed per agent within the window without a right password; then the sign-in waits it out. */
const LOGIN_LIMIT = { max: 10, windowMs: 15 * 60_000 };

async function signInAgent(domain: string, username: string, password: string, now: number): Promise<Person> {
  const agent = await getAgent(domain, username);
  // Counted before the password is checked: guessing stops at the limit, however many guesses run at once.
  if (agent && !(await reserveLoginAttempt(domain, agent.id, now, LOGIN_LIMIT))) throw new TooManyRequests();
  const valid = await verifyPassword(password, agent?.passwordHash ?? (await decoyHash));
  if (!agent?.passwordHash || !valid) throw new NotAuthorized();
  return { id: agent.id, role: "agent", nick: agent.nick, ...(agent.picUrl ? { picUrl: agent.picUrl } : {}) };
}

async function signInWithSiteToken(site: Site, token: string, now: number): Promise<Person> {
  if (!site.tokenSecret) throw new NotAuthorized();
  const claims = await verifySiteToken(token, site.domain, site.tokenSecret, now);
  if (!claims) throw new NotAuthorized();
  if (claims.role === "agent") {
    // A token names an agent the operator registered; it cannot make one up.
    const agent = await getAgent(site.domain, claims.sub);
    if (!agent) throw new NotAuthorized();
    const picUrl = claims.picUrl ?? agent.picUrl;
    return { id: agent.id, role: "agent", nick: agent.nick, ...(picUrl ? { picUrl } : {}) };
  }
  // A member named like an agent would share that agent's inbox and conversations: never.
  if (await getAgent(site.domain, claims.sub)) throw new NotAuthorized();
  return { id: claims.sub, role: "member", nick: claims.nick, ...(claims.picUrl ? { picUrl: claims.picUrl } : {}) };
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
  return {
    id,
    role: "visitor",
    nick: identity.nick ?? defaultVisitorNick(id),
    ...(identity.nick === undefined ? { defaultNick: true } : {}),
    visitorToken: signVisitor(secret, domain, id),
  };
}

function identify(site: Site, identity: Identity, now: number): Promise<Person> {
  if (identity.kind === "agent") return signInAgent(site.domain, identity.username, identity.password, now);
  if (identity.kind === "site-token") return signInWithSiteToken(site, identity.token, now);
  return identifyVisitor(site.domain, identity);
}

function isMessage(stored: StoredEvent): stored is StoredEvent & { event: Extract<InboxEvent, { kind: "message" }> } {
  return stored.event.kind === "message";
}

export async function goOnline(call: Call, request: OnlineRequest, now = Date.now()) {
  const { domain } = request;
  const site = await requireSite(domain);
  admitOrigin(call, site.origins);
  const person = await identify(site, request.identity, now);
  const ticket = newTicket();
  const ticketHash = hashTicket(ticket);
  // "~" sorts after every event key of this millisecond: all of them count as handed out here.
  const seenUpTo = `${timeKey(now)}~`;
  const visitor = person.role !== "agent";
  const previous = await touchUser(domain, {
    id: person.id,
    role: person.role,
    nick: person.nick,
    keepNick: person.defaultNick,
    picUrl: person.picUrl,
    show: request.show,
    lastSeen: now,
    inboxSeen: seenUpTo,
    ticketHash,
    ...(visitor ? request.whereabouts : {}),
  });
  if (person.defaultNick && previous?.nick) person.nick = previous.nick;
  const someone = { domain, userId: person.id, role: person.role, nick: person.nick };
  const wasOnline = isOnline(previous, now);
  const before = previous?.show ?? "available";
  const show = request.show ?? (wasOnline ? before : "available");
  await Promise.all([
    // Stored as it was when left out (touchUser); a user coming back starts available.
    request.show === undefined && show !== before ? setShow(domain, person.id, person.role, show, previous?.status) : undefined,
    wasOnline
      ? show !== before && announceShow(someone, before, show, previous?.status, now)
      : welcomeBack(someone, previous, ticketHash, show, now),
  ]);

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

  await putTicket({
    ticketHash,
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
  // An agent the operator removed is nobody's agent any more; the next message routes anew.
  const agent = previous?.agent && (await isAgentOf(domain, previous.agent)) ? previous.agent : undefined;
  const buddies = await startingBuddies(viewer, agent, wanted, now);

  return {
    success: true as const,
    server_time: now,
    user: {
      id: person.id,
      nick: person.nick,
      ...(person.picUrl ? { pic_url: person.picUrl } : {}),
      show,
      ...(person.visitorToken ? { visitor_token: person.visitorToken } : {}),
      ...(visitor && agent ? { agent } : {}),
    },
    connection: { domain, ticket, server: request.server, ...(config.websocketUrl ? { websocket: config.websocketUrl } : {}) },
    buddies,
    new_messages: newMessages,
    site: { domain, welcome: site.settings.welcome, leave_message: site.settings.leaveMessage },
  };
}
