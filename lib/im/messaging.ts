/**
 * Sending and logging messages. `message` stores the message, then hands it to the recipient's
 * inbox and to the sender's (for their other tabs; the sending ticket is skipped when read).
 */
import { BadRequest, Forbidden } from "../http/errors.js";
import { appendEvent } from "../store/inbox.js";
import { type LogItem, putMessage } from "../store/messages.js";
import type { TicketRecord } from "../store/tickets.js";
import { agentsOf } from "./directory.js";

export interface Outgoing {
  to: string;
  body: string;
  style?: string | undefined;
}

/**
 * Who may talk with whom: agents with anyone of their site, visitors and members with the
 * site's agents only. Ids of other sites are out of reach by construction (keys hold the domain).
 */
export async function checkPeer(ticket: TicketRecord, other: string): Promise<void> {
  if (other === ticket.userId) throw new BadRequest("a conversation needs two different users");
  if (ticket.role === "agent") return;
  const agents = await agentsOf(ticket.domain);
  if (!agents.some((agent) => agent.id === other)) throw new Forbidden();
}

export async function sendMessage(ticket: TicketRecord, outgoing: Outgoing, now = Date.now()): Promise<LogItem> {
  await checkPeer(ticket, outgoing.to);
  const message: LogItem = {
    type: "unicast",
    from: ticket.userId,
    nick: ticket.nick,
    to: outgoing.to,
    ...(outgoing.style ? { style: outgoing.style } : {}),
    body: outgoing.body,
    timestamp: now,
  };
  // The same sender, body and millisecond is the same message (a double submit); it is delivered once.
  if (!(await putMessage(ticket.domain, message))) return message;
  const event = { kind: "message" as const, packet: message };
  await Promise.all([
    appendEvent({ domain: ticket.domain, userId: outgoing.to, event }, now),
    appendEvent({ domain: ticket.domain, userId: ticket.userId, event, skipTicket: ticket.ticketHash }, now),
  ]);
  return message;
}

/** Stores a message that reached a page another way; the second of several tabs stores nothing. */
export async function logMessage(ticket: TicketRecord, message: LogItem): Promise<boolean> {
  if (message.from !== ticket.userId && message.to !== ticket.userId) throw new Forbidden();
  await checkPeer(ticket, message.from === ticket.userId ? message.to : message.from);
  return putMessage(ticket.domain, message);
}
