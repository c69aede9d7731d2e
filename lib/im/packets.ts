/**
 * The `packets` long poll: answers as soon as something waits for the ticket, or with empty
 * lists when the wait is over, or `stopped` once the ticket has ended.
 */
import { config } from "../config.js";
import type { PresencePacket, StatusPacket, StoredEvent } from "../store/inbox.js";
import { readInbox } from "../store/inbox.js";
import { expiresAt } from "../store/keys.js";
import type { LogItem } from "../store/messages.js";
import { advanceTicket, type TicketRecord } from "../store/tickets.js";
import { advanceInboxSeen, touchLastSeen } from "../store/users.js";
import { advance, type Cursor, select } from "./cursor.js";

export type PollAnswer =
  | { status: "stopped" }
  | { status: "ok"; messages: LogItem[]; presences: PresencePacket[]; statuses: StatusPacket[] };

const STOPPED: PollAnswer = { status: "stopped" };
/** Events read per inbox Query; more simply wait for the next poll. */
const READ_LIMIT = 100;
/** An idle ticket still records its place and presence this often: reads stay short, the user stays online. */
const REFRESH_MS = Math.min(20_000, config.presenceGraceMs / 3);

/** Time kept between the poll's answer and Lambda's own timeout. */
const ANSWER_MARGIN_MS = 2_000;

/** How long a poll may wait in an invocation with `remainingMs` left. */
export function pollWait(remainingMs: number): number {
  return Math.max(0, Math.min(config.pollWaitMs, remainingMs - ANSWER_MARGIN_MS));
}

export interface PollOptions {
  waitMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function packetsOf(events: readonly StoredEvent[]): PollAnswer {
  const answer = {
    status: "ok" as const,
    messages: [] as LogItem[],
    presences: [] as PresencePacket[],
    statuses: [] as StatusPacket[],
  };
  for (const { event } of events) {
    if (event.kind === "message") answer.messages.push(event.packet);
    else if (event.kind === "presence") answer.presences.push(event.packet);
    else if (event.kind === "status") answer.statuses.push(event.packet);
  }
  return answer;
}

async function record(ticket: TicketRecord, next: Cursor, handedOut: readonly StoredEvent[], now: number): Promise<boolean> {
  const { domain, userId, role, ticketHash } = ticket;
  const live = await advanceTicket(ticketHash, {
    cursor: next.cursor,
    delivered: [...next.delivered],
    lastSeen: now,
    expires: expiresAt(now + config.ticketIdleMs),
  });
  if (!live) return false;
  const lastMessage = handedOut.filter((stored) => stored.event.kind === "message").at(-1);
  await Promise.all([
    touchLastSeen(domain, userId, role, now),
    lastMessage ? advanceInboxSeen(domain, userId, role, lastMessage.sk) : undefined,
  ]);
  return true;
}

export async function poll(ticket: TicketRecord, options: PollOptions): Promise<PollAnswer> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? pause;
  const deadline = now() + options.waitMs;
  const cursor: Cursor = { cursor: ticket.cursor, delivered: ticket.delivered };
  let interval = config.pollIntervalMs;
  let readFrom = cursor.cursor;
  for (;;) {
    const readAt = now();
    const { events, more } = await readInbox(ticket.domain, ticket.userId, { after: readFrom, limit: READ_LIMIT });
    const { deliver, stopped } = select(events, ticket.ticketHash, cursor.delivered, readAt);
    if (stopped) return STOPPED;
    const lastRead = more ? events.at(-1)?.sk : undefined;
    if (deliver.length === 0 && lastRead !== undefined) {
      // A full page with nothing new (a burst already handed out): read on at once from its end.
      readFrom = lastRead;
      continue;
    }
    if (deliver.length > 0 || readAt >= deadline) {
      const next = advance(
        cursor,
        deliver.map((stored) => stored.sk),
        readAt,
        lastRead,
      );
      const due = deliver.length > 0 || readAt - ticket.lastSeen >= REFRESH_MS;
      if (due && !(await record(ticket, next, deliver, readAt))) return STOPPED;
      return packetsOf(deliver);
    }
    readFrom = cursor.cursor;
    await sleep(Math.max(0, Math.min(interval, deadline - now())));
    interval = Math.min(interval * 1.5, config.pollIntervalMaxMs);
  }
}
