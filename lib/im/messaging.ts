/**
 * Sending and logging messages, and typing notices. `message` stores the message, then hands it
 * to the recipient's inbox and to the sender's (for their other tabs; the sending ticket is
 * skipped when read), and updates both sides' conversation lists.
 */
import { BadRequest, Forbidden, NotFound } from "../http/errors.js";
import type { StatusPacket } from "../store/inbox.js";
import { type LogItem, putMessage } from "../store/messages.js";
import { recordMessage } from "../store/peers.js";
import { markLeaveNotice } from "../store/routing.js";
import type { TicketRecord } from "../store/tickets.js";
import { getUserState } from "../store/users.js";
import { deliver } from "./deliver.js";
import { agentsOf, isAgentOf, requireSite } from "./directory.js";
import { routeVisitor } from "./routing.js";

export interface Outgoing {
  /** Absent for a visitor's message to "the site": it goes to their agent (lib/im/routing.ts). */
  to: string | undefined;
  body: string;
  style?: string | undefined;
}

export interface Sent {
  message: LogItem;
  /** True when the server chose the recipient. */
  routed: boolean;
}

/**
 * Who may talk with whom: agents with anyone of their site, visitors and members with the
 * site's agents only. Ids of other sites are out of reach by construction (keys hold the domain).
 */
export async function checkPeer(ticket: TicketRecord, other: string): Promise<void> {
  if (other === ticket.userId) throw new BadRequest("a conversation needs two different users");
  if (await isAgentOf(ticket.domain, other)) return;
  if (ticket.role !== "agent") throw new Forbidden();
  // An agent writes only to someone who has been on the site: nothing is stored for an id nobody has.
  if (!(await getUserState(ticket.domain, other, "visitor"))) throw new NotFound();
}

/** Tells a visitor that no agent is online, in the site's words, as a message from the site. */
async function leaveMessageNotice(ticket: TicketRecord, now: number): Promise<void> {
  const site = await requireSite(ticket.domain);
  const notice: LogItem = {
    type: "unicast",
    from: site.domain,
    nick: site.domain,
    to: ticket.userId,
    body: site.settings.leaveMessage,
    timestamp: now,
  };
  await deliver({ domain: ticket.domain, userId: ticket.userId, event: { kind: "message", packet: notice } }, now);
}

export async function sendMessage(ticket: TicketRecord, outgoing: Outgoing, now = Date.now()): Promise<Sent> {
  let to = outgoing.to;
  let routed = false;
  if (to === undefined) {
    if (ticket.role === "agent") throw new BadRequest("to is required");
    const route = await routeVisitor(ticket, now);
    to = route.agent;
    routed = true;
    // Once each time the visitor's agent is away, not at every message meanwhile.
    if (!route.available && (await markLeaveNotice(ticket.domain, ticket.userId, route.agentLastSeen))) {
      await leaveMessageNotice(ticket, now + 1);
    }
  } else {
    await checkPeer(ticket, to);
  }
  const message: LogItem = {
    type: "unicast",
    from: ticket.userId,
    nick: ticket.nick,
    to,
    ...(outgoing.style ? { style: outgoing.style } : {}),
    body: outgoing.body,
    timestamp: now,
  };
  // The same sender, body and millisecond is the same message (a double submit); it is delivered once.
  if (!(await putMessage(ticket.domain, message))) return { message, routed };
  const event = { kind: "message" as const, packet: message };
  await Promise.all([
    deliver({ domain: ticket.domain, userId: to, event }, now),
    deliver({ domain: ticket.domain, userId: ticket.userId, event, skipTicket: ticket.ticketHash }, now),
    recordMessage(ticket.domain, { id: ticket.userId, nick: ticket.nick, role: ticket.role }, to, now),
  ]);
  return { message, routed };
}

/**
 * Stores a message that reached a page another way (the seed's case: an agent's desktop client);
 * the second of several tabs stores nothing. An agent may log either direction of their own
 * conversations; a visitor or member, who signs in with nothing but a token in their browser, only
 * what they sent, so that nobody can put words in an agent's mouth. The sender's nick is the
 * service's, where it knows it.
 */
export async function logMessage(ticket: TicketRecord, message: LogItem): Promise<boolean> {
  const mine = message.from === ticket.userId;
  if (!mine && (ticket.role !== "agent" || message.to !== ticket.userId)) throw new Forbidden();
  await checkPeer(ticket, mine ? message.to : message.from);
  const nick = mine
    ? ticket.nick
    : ((await agentsOf(ticket.domain)).find((agent) => agent.id === message.from)?.nick ?? message.nick);
  return putMessage(ticket.domain, { ...message, nick });
}

/** A typing notice to one buddy: short-lived, never stored in history. */
export async function sendStatus(ticket: TicketRecord, to: string, show: StatusPacket["show"], now = Date.now()): Promise<void> {
  await checkPeer(ticket, to);
  const packet: StatusPacket = { from: ticket.userId, nick: ticket.nick, to, show };
  await deliver({ domain: ticket.domain, userId: to, event: { kind: "status", packet } }, now);
}
