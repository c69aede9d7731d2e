/**
 * The `packets` long poll: answers as soon as something waits for the ticket, or with empty
 * lists when the wait is over, or `stopped` once the ticket has ended.
 *
 * Each packet carries `id`, its place in the inbox. A client that lost an answer polls again with
 * `since` = the last id it saw and gets everything after it. Only the newest poll of a ticket
 * hands packets out: an older one still waiting (a page being reloaded) answers empty, so that
 * nothing goes to a page that is gone.
 */
import { randomBytes } from "node:crypto";
import { config } from "../config.js";
import type { StoredEvent } from "../store/inbox.js";
import { appendEvent, readInbox } from "../store/inbox.js";
import { expiresAt, inboxTime } from "../store/keys.js";
import { advanceTicket, claimPoll, type TicketRecord } from "../store/tickets.js";
import { advanceInboxSeen } from "../store/users.js";
import { advance, type Cursor, SETTLE_MS, select } from "./cursor.js";
import { type Packets, packetsOf } from "./packet-lists.js";
import { stillHere } from "./presence.js";

export type PollAnswer = { status: "stopped" } | Packets;

const STOPPED: PollAnswer = { status: "stopped" };
/** Events read per inbox Query; more simply wait for the next poll. */
const READ_LIMIT = 100;
/** An idle user is still marked as seen this often, so that they stay online for their buddies. */
const REFRESH_MS = Math.min(20_000, config.presenceGraceMs / 3);

/** Time kept between the poll's answer and Lambda's own timeout. */
const ANSWER_MARGIN_MS = 2_000;

/** How long a poll may wait in an invocation with `remainingMs` left. */
export function pollWait(remainingMs: number): number {
  return Math.max(0, Math.min(config.pollWaitMs, remainingMs - ANSWER_MARGIN_MS));
}

export interface PollOptions {
  waitMs: number;
  /** The id (inbox sort key) of the last packet the client saw; everything after it is handed out again. */
  since?: string | undefined;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const EMPTY = (): Packets => packetsOf([]);

/** After handing out messages: the user's inbox mark moves, so the next `online` does not offer them again. */
async function markSeen(ticket: TicketRecord, handedOut: readonly StoredEvent[]): Promise<void> {
  const lastMessage = handedOut.filter((stored) => stored.event.kind === "message").at(-1);
  if (lastMessage) await advanceInboxSeen(ticket.domain, ticket.userId, ticket.role, lastMessage.sk);
}

/** Starts a poll: claims the ticket for it and tells an older poll still waiting to step aside. */
async function startPoll(ticket: TicketRecord, pollId: string, waitMs: number, now: number): Promise<boolean> {
  const before = await claimPoll(ticket.ticketHash, {
    pollId,
    pollUntil: now + waitMs,
    lastSeen: now,
    expires: expiresAt(now + config.ticketIdleMs),
  });
  if (!before) return false;
  const { domain, userId, ticketHash } = ticket;
  await Promise.all([
    before.pollId !== undefined && (before.pollUntil ?? 0) > now
      ? appendEvent({ domain, userId, event: { kind: "yield", ticketHash, pollId: before.pollId } }, now)
      : undefined,
    now - ticket.lastSeen >= REFRESH_MS ? stillHere(ticket, now) : undefined,
  ]);
  return true;
}

export async function poll(ticket: TicketRecord, options: PollOptions): Promise<PollAnswer> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? pause;
  const pollId = randomBytes(9).toString("base64url");
  const started = now();
  const deadline = started + options.waitMs;
  if (!(await startPoll(ticket, pollId, options.waitMs, started))) return STOPPED;
  const cursor: Cursor = { cursor: ticket.cursor, delivered: ticket.delivered };
  // With `since` the client says what it has: everything after it, and nothing else, is handed out.
  const resumeFrom = options.since;
  const skip = resumeFrom === undefined ? cursor.delivered : [];
  const start = resumeFrom ?? cursor.cursor;
  let interval = config.pollIntervalMs;
  let readFrom = start;
  // The first read and the last are strongly consistent; the reads waiting in between only probe.
  let probing = false;
  const wait = async () => {
    readFrom = start;
    await sleep(Math.max(0, Math.min(interval, deadline - now())));
    interval = Math.min(interval * 1.5, config.pollIntervalMaxMs);
  };
  for (;;) {
    const readAt = now();
    const consistent = !probing || readAt >= deadline;
    const { events, more } = await readInbox(ticket.domain, ticket.userId, { after: readFrom, limit: READ_LIMIT, consistent });
    const { deliver, stopped, yielded } = select(events, ticket.ticketHash, skip, readAt, pollId);
    const lastRead = more ? events.at(-1)?.sk : undefined;
    if (deliver.length === 0 && !stopped && !yielded && lastRead !== undefined) {
      // A full page with nothing new (a burst already handed out): read on at once from its end.
      readFrom = lastRead;
      continue;
    }
    if (!consistent) {
      // An eventually consistent probe costs half a strong read, and what it misses the next one
      // finds. Only what a strong read saw is handed out or moves the cursor: when a probe finds
      // something, the whole range is read again, strongly, at once.
      if (deliver.length > 0 || stopped || yielded) {
        probing = false;
        readFrom = start;
      } else {
        await wait();
      }
      continue;
    }
    if (stopped) return STOPPED;
    if (yielded) return EMPTY();
    if (deliver.length > 0 || readAt >= deadline) {
      // An idle ticket's place moves now and then past what it skips, so that reads stay short; with
      // nothing after it to skip, reads are as short as they get and the write would buy nothing.
      const nothingToSkip = readFrom === start && events.length === 0 && cursor.delivered.length === 0;
      if (deliver.length === 0 && (nothingToSkip || inboxTime(cursor.cursor) > readAt - SETTLE_MS - REFRESH_MS)) {
        return EMPTY();
      }
      const next = advance(
        cursor,
        deliver.map((stored) => stored.sk),
        readAt,
        lastRead,
      );
      const outcome = await advanceTicket(
        ticket.ticketHash,
        {
          cursor: next.cursor,
          delivered: [...next.delivered],
          lastSeen: readAt,
          expires: expiresAt(readAt + config.ticketIdleMs),
        },
        pollId,
      );
      if (outcome === "ended") return STOPPED;
      // A newer poll took over: it hands these out, not this one.
      if (outcome === "superseded") return EMPTY();
      await markSeen(ticket, deliver);
      return packetsOf(deliver);
    }
    probing = true;
    await wait();
  }
}
