/**
 * A ticket's place in its user's inbox, kept exact without any transaction.
 *
 * Writers stamp an event with their clock and write it a moment later, so an event may land
 * behind one already read. The cursor therefore only moves up to "now minus SETTLE_MS" (by then
 * every write stamped earlier has landed); events after the cursor that were already handed out
 * are remembered by sort key in `delivered`. Nothing is skipped, nothing is handed out twice.
 */

import type { StoredEvent } from "../store/inbox.js";
import { inboxTime, timeKey } from "../store/keys.js";

/** Longer than any write takes from its timestamp to DynamoDB, SDK retries included. */
export const SETTLE_MS = 10_000;
/** Typing notices older than this are stale and never handed out. */
export const STATUS_TTL_MS = 60_000;

export interface Cursor {
  cursor: string;
  delivered: readonly string[];
}

export interface Selection {
  deliver: StoredEvent[];
  stopped: boolean;
  /** A newer poll on the ticket took over from the poll named in `select`. */
  yielded: boolean;
}

/** What of `events` (read after the cursor) this ticket gets now; `pollId` names the poll reading. */
export function select(
  events: readonly StoredEvent[],
  ticketHash: string,
  delivered: readonly string[],
  now: number,
  pollId?: string,
): Selection {
  const seen = new Set(delivered);
  const deliver: StoredEvent[] = [];
  let stopped = false;
  let yielded = false;
  for (const stored of events) {
    const { event } = stored;
    if (event.kind === "stop") {
      if (event.ticketHash === ticketHash) stopped = true;
      continue;
    }
    if (event.kind === "yield") {
      if (event.ticketHash === ticketHash && event.pollId === pollId) yielded = true;
      continue;
    }
    if (seen.has(stored.sk) || stored.skipTicket === ticketHash) continue;
    if (event.kind === "status" && inboxTime(stored.sk) < now - STATUS_TTL_MS) continue;
    deliver.push(stored);
  }
  return { deliver, stopped, yielded };
}

/**
 * The cursor after handing out `handedOut`. `lastRead` is the last sort key read when the read was
 * cut short by its limit: the cursor must not pass events not read yet.
 */
export function advance(previous: Cursor, handedOut: readonly string[], now: number, lastRead?: string): Cursor {
  let next = timeKey(now - SETTLE_MS);
  if (lastRead !== undefined && lastRead < next) next = lastRead;
  if (next < previous.cursor) next = previous.cursor;
  const delivered = [...new Set([...previous.delivered, ...handedOut])].filter((sk) => sk > next).sort();
  return { cursor: next, delivered };
}
