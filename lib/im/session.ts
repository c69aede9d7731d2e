/** Who is calling: every call after `online` is identified by its ticket, and only by it. */

import { hashTicket } from "../auth/tokens.js";
import { admitOrigin } from "../http/cors.js";
import type { Call } from "../http/endpoint.js";
import { Forbidden, NotAuthorized } from "../http/errors.js";
import { LIMITS, optionalText } from "../http/fields.js";
import { endTicket, getTicket, type TicketRecord } from "../store/tickets.js";
import { endUserTicket } from "../store/users.js";
import { deliver } from "./deliver.js";
import { requireSite } from "./directory.js";
import { announce } from "./presence.js";

export type TicketState =
  | { state: "live"; ticket: TicketRecord }
  | { state: "ended"; ticket: TicketRecord }
  | { state: "unknown" };

export function isLive(ticket: TicketRecord, now: number): boolean {
  return ticket.endedAt === undefined && ticket.expires * 1000 > now;
}

export async function findTicket(call: Call, now = Date.now()): Promise<TicketState> {
  const raw = optionalText(call.params, "ticket", LIMITS.ticket);
  if (raw === undefined) return { state: "unknown" };
  const ticket = await getTicket(hashTicket(raw));
  if (!ticket) return { state: "unknown" };
  const domain = call.params.domain?.toLowerCase();
  // A ticket of one site used in the name of another is refused, never reinterpreted.
  if (domain !== undefined && domain !== "" && domain !== ticket.domain) throw new Forbidden();
  admitOrigin(call, (await requireSite(ticket.domain)).origins);
  return { state: isLive(ticket, now) ? "live" : "ended", ticket };
}

/** The caller's live ticket; a missing, unknown, ended or expired ticket is `Not Authorized`. */
export async function authenticate(call: Call, now = Date.now()): Promise<TicketRecord> {
  const found = await findTicket(call, now);
  if (found.state !== "live") throw new NotAuthorized();
  return found.ticket;
}

/**
 * Ends a ticket (`refresh`), or all of the user's tickets and takes them offline at once
 * (`offline`: every tab of theirs stops, or it would bring them back at its next poll). A waiting
 * poll learns it from the inbox and answers `stopped`; buddies hear of it when the user's last
 * ticket is gone.
 */
export async function endSession(ticket: TicketRecord, scope: "ticket" | "user", now = Date.now()): Promise<void> {
  const { domain, userId, role, ticketHash } = ticket;
  if (!(await endTicket(ticketHash, now))) return;
  const { after, removed } = await endUserTicket(domain, userId, role, scope === "user" ? "all" : ticketHash);
  const others = [...removed].filter((hash) => hash !== ticketHash);
  const endedOthers = await Promise.all(others.map((hash) => endTicket(hash, now)));
  const stopped = [ticketHash, ...others.filter((_, i) => endedOthers[i])];
  await Promise.all(stopped.map((hash) => deliver({ domain, userId, event: { kind: "stop", ticketHash: hash } }, now)));
  // An invisible user's buddies never saw them come, so they hear nothing of them going.
  if (after && (after.tickets?.size ?? 0) === 0 && after.show !== "invisible") {
    await announce({ domain, userId, role, nick: ticket.nick }, "offline", after.show, after.status, now);
  }
}
