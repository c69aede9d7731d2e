/**
 * The WebSocket side of a ticket. A client sends `subscribe <domain> <ticket> [since]`, gets at
 * once what waits for the ticket (the same as a long poll answering straight away, which also
 * makes any poll still waiting on the ticket step aside), and from then on each packet as it is
 * written. `ping` every half minute keeps the user online, as polls do.
 */
import { hashTicket } from "../auth/tokens.js";
import { config } from "../config.js";
import { BadRequest, NotAuthorized } from "../http/errors.js";
import { optionalSince } from "../http/fields.js";
import { type Connection, deleteConnection, getConnection, putConnection } from "../store/connections.js";
import { expiresAt } from "../store/keys.js";
import { getTicket, keepTicket } from "../store/tickets.js";
import { sendFrame } from "./deliver.js";
import { poll } from "./packets.js";
import { stillHere } from "./presence.js";
import { isLive } from "./session.js";

const SUBSCRIBE = /^subscribe\s+(\S{1,253})\s+(\S{1,64})(?:\s+(\S{1,40}))?\s*$/;

export async function subscribe(connectionId: string, frame: string, now = Date.now()): Promise<void> {
  const match = SUBSCRIBE.exec(frame);
  if (!match) throw new BadRequest("send 'subscribe <domain> <ticket> [since]' or 'ping'");
  const [, domain = "", rawTicket = "", rawSince] = match;
  const since = optionalSince(rawSince === undefined ? {} : { since: rawSince });
  const ticket = await getTicket(hashTicket(rawTicket));
  if (!ticket || !isLive(ticket, now) || ticket.domain !== domain.toLowerCase()) throw new NotAuthorized();
  const connection: Connection = {
    connectionId,
    domain: ticket.domain,
    userId: ticket.userId,
    role: ticket.role,
    ticketHash: ticket.ticketHash,
  };
  await putConnection(connection, now);
  // Always answered, even with empty lists: the client learns the subscription took.
  const waiting = await poll(ticket, { waitMs: 0, since });
  await sendFrame(connectionId, JSON.stringify(waiting), connection);
}

export async function ping(connectionId: string, now = Date.now()): Promise<void> {
  const connection = await getConnection(connectionId);
  if (!connection) throw new NotAuthorized();
  const ticket = await getTicket(connection.ticketHash);
  if (!ticket || !isLive(ticket, now)) throw new NotAuthorized();
  await Promise.all([keepTicket(ticket.ticketHash, now, expiresAt(now + config.ticketIdleMs)), stillHere(ticket, now)]);
}

/** An error on a WebSocket travels as a frame with the protocol's error answer. */
export async function sendError(connectionId: string, message: string): Promise<void> {
  await sendFrame(connectionId, JSON.stringify({ success: false, error_msg: message }));
}

export async function disconnect(connectionId: string): Promise<void> {
  const connection = await getConnection(connectionId);
  if (connection) await deleteConnection(connection);
}
