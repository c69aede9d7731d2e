/**
 * Who is online, and telling buddies when that changes. A user is online while one of their
 * tickets is not ended and their last poll is within the grace period; `invisible` users look
 * offline to everyone else.
 */
import { config } from "../config.js";
import type { Show } from "../http/fields.js";
import type { PresencePacket } from "../store/inbox.js";
import { listPeers } from "../store/peers.js";
import type { Role, TicketRecord } from "../store/tickets.js";
import { forgetTickets, setShow, touchLastSeen, type UserState } from "../store/users.js";
import { deliver } from "./deliver.js";
import { agentsOf } from "./directory.js";

export function isOnline(state: Pick<UserState, "tickets" | "lastSeen"> | undefined, now: number): boolean {
  return state !== undefined && (state.tickets?.size ?? 0) > 0 && now - state.lastSeen < config.presenceGraceMs;
}

/** What others see: an invisible user is offline to them. */
export function seenOnline(state: Pick<UserState, "tickets" | "lastSeen" | "show"> | undefined, now: number): boolean {
  return isOnline(state, now) && state?.show !== "invisible";
}

/** Agents others may be routed to: online and neither `dnd` nor `invisible`. */
export function isAvailable(state: UserState, now: number): boolean {
  return isOnline(state, now) && state.show !== "dnd" && state.show !== "invisible";
}

export interface Someone {
  domain: string;
  userId: string;
  role: Role;
  nick: string;
}

/** Conversations older than this no longer get presence news. */
const AUDIENCE_WINDOW_MS = 24 * 3600_000;
const MAX_AUDIENCE = 200;

/** Whoever cares when `user` comes, goes or changes show: their recent peers, and for an agent the other agents. */
async function audienceOf(user: Someone, now: number): Promise<string[]> {
  const [peers, colleagues] = await Promise.all([
    listPeers(user.domain, user.userId, now),
    user.role === "agent" ? agentsOf(user.domain) : Promise.resolve([]),
  ]);
  const ids = [
    ...peers.filter((peer) => now - peer.lastAt < AUDIENCE_WINDOW_MS).map((peer) => peer.id),
    ...colleagues.map((agent) => agent.id),
  ];
  return [...new Set(ids)].filter((id) => id !== user.userId).slice(0, MAX_AUDIENCE);
}

export async function announce(
  user: Someone,
  type: PresencePacket["type"],
  show: Show,
  status: string | undefined,
  now: number,
): Promise<void> {
  const packet: PresencePacket = { from: user.userId, nick: user.nick, type, show, ...(status ? { status } : {}) };
  const audience = await audienceOf(user, now);
  await Promise.all(audience.map((userId) => deliver({ domain: user.domain, userId, event: { kind: "presence", packet } }, now)));
}

/**
 * A user seen again after the grace period (at `online`, or a tab polling again after a sleep) is
 * back: the tabs that vanished meanwhile are forgotten, and buddies hear that the user is online.
 */
export async function welcomeBack(
  user: Someone,
  previous: UserState | undefined,
  ticketHash: string,
  show: Show,
  now: number,
): Promise<void> {
  const vanished = new Set([...(previous?.tickets ?? [])].filter((hash) => hash !== ticketHash));
  // Tickets still recorded and not invisible: the sweep has not yet told buddies the user left,
  // so, for them, the user never went and nothing is news.
  const buddiesSawLeaving = (previous?.tickets?.size ?? 0) === 0 || previous?.show === "invisible";
  await Promise.all([
    forgetTickets(user.domain, user.userId, user.role, vanished),
    show === "invisible" || !buddiesSawLeaving ? undefined : announce(user, "online", show, previous?.status, now),
  ]);
}

/** A poll or a WebSocket ping: the user stays online, or is back if they had been counted gone. */
export async function stillHere(ticket: TicketRecord, now: number): Promise<void> {
  const { domain, userId, role, nick, ticketHash } = ticket;
  const previous = await touchLastSeen(domain, userId, role, ticketHash, now);
  if (previous === undefined || isOnline(previous, now)) return;
  await welcomeBack({ domain, userId, role, nick }, previous, ticketHash, previous.show ?? "available", now);
}

/** A change of show, as buddies see it: going invisible looks like leaving, coming back from it like arriving. */
export async function announceShow(user: Someone, before: Show, show: Show, status: string | undefined, now: number) {
  if (before === "invisible" && show === "invisible") return;
  const type = show === "invisible" ? "offline" : before === "invisible" ? "online" : "show";
  await announce(user, type, show, status, now);
}

/** `webim/presence`: a new show or status, told to the user's buddies. */
export async function changeShow(
  ticket: Someone & { ticketHash: string },
  show: Show,
  status: string | undefined,
  now = Date.now(),
) {
  const before = await setShow(ticket.domain, ticket.userId, ticket.role, show, status);
  await announceShow(ticket, before, show, status, now);
}
