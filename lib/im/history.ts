/** History of one conversation as its caller sees it, and clearing it for that caller only. */
import { getClearMark, type LogItem, putClearMark, queryHistory } from "../store/messages.js";
import { markRead } from "../store/peers.js";
import type { TicketRecord } from "../store/tickets.js";

export const MAX_HISTORY = 100;

export async function history(ticket: TicketRecord, other: string, limit: number): Promise<LogItem[]> {
  // Both reads at once: the newest `limit` messages filtered by the clear mark are exactly the
  // newest `limit` after it, since every message after the mark is newer than every one before.
  // Opening a conversation reads it: its unread count goes back to zero.
  const [clearedBefore, newest] = await Promise.all([
    getClearMark(ticket.domain, ticket.userId, other),
    queryHistory(ticket.domain, ticket.userId, other, limit, 0),
    markRead(ticket.domain, ticket.userId, other),
  ]);
  return newest.filter((message) => message.timestamp > clearedBefore);
}

export async function clearHistory(ticket: TicketRecord, other: string, now = Date.now()): Promise<void> {
  await putClearMark(ticket.domain, ticket.userId, other, now);
}
