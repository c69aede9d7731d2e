/** Who is calling: every call after `online` is identified by its ticket, and only by it. */

import { hashTicket } from "../auth/tokens.js";
import { Forbidden, NotAuthorized } from "../http/errors.js";
import { LIMITS, optionalText, type Params } from "../http/fields.js";
import { appendEvent } from "../store/inbox.js";
import { endTicket, getTicket, type TicketRecord } from "../store/tickets.js";

export type TicketState =
  | { state: "live"; ticket: TicketRecord }
  | { state: "ended"; ticket: TicketRecord }
  | { state: "unknown" };

export function isLive(ticket: TicketRecord, now: number): boolean {
  return ticket.endedAt === undefined && ticket.expires * 1000 > now;
}

export async function findTicket(params: Params, now = Date.now()): Promise<TicketState> {
  const raw = optionalText(params, "ticket", LIMITS.ticket);
  if (raw === undefined) return { state: "unknown" };
  const ticket = await getTicket(hashTicket(raw));
  if (!ticket) return { state: "unknown" };
  const domain = params.domain?.toLowerCase();
  // A ticket of one site used in the name of another is refused, never reinterpreted.
  if (domain !== undefined && domain !== "" && domain !== ticket.domain) throw new Forbidden();
  return { state: isLive(ticket, now) ? "live" : "ended", ticket };
}

/** The caller's live ticket; a missing, unknown, ended or expired ticket is `Not Authorized`. */
export async function authenticate(params: Params, now = Date.now()): Promise<TicketRecord> {
  const found = await findTicket(params, now);
  if (found.state !== "live") throw new NotAuthorized();
  return found.ticket;
}

/** Ends a ticket; its waiting poll learns it from its inbox and answers `stopped`. */
export async function endSession(ticket: TicketRecord, now = Date.now()): Promise<void> {
  if (!(await endTicket(ticket.ticketHash, now))) return;
  await appendEvent(
    { domain: ticket.domain, userId: ticket.userId, event: { kind: "stop", ticketHash: ticket.ticketHash } },
    now,
  );
}
