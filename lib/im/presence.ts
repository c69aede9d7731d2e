/**
 * Who is online, and telling buddies when that changes. A user is online while one of their
 * tickets is not ended and their last poll is within the grace period; `invisible` users look
 * offline to everyone else.
 */
import { config } from "../config.js";
import type { Show } from "../http/fields.js";
import type { PresencePacket } from "../store/inbox.js";
import { listPeers } from "../store/peers.js";
import type { Role } from "../store/tickets.js";
import { setShow, type UserState } from "../store/users.js";
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

/** `webim/presence`: a new show or status, told to the user's buddies. */
export async function changeShow(
  ticket: Someone & { ticketHash: string },
  show: Show,
  status: string | undefined,
  now = Date.now(),
) {
  await setShow(ticket.domain, ticket.userId, ticket.role, show, status);
  // Going invisible looks like leaving; coming back from it like arriving.
  await announce(ticket, show === "invisible" ? "offline" : "show", show, status, now);
}
