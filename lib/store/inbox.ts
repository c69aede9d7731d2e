/**
 * Inboxes: what waits for a user's tickets (messages, presences, statuses, and the notice that one
 * ticket ended). Sort keys are `<13-digit ms>#<random>`, so a Query from a ticket's cursor reads
 * them in time order.
 */
import { randomBytes } from "node:crypto";
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type Db, db } from "./client.js";
import { storeCall } from "./errors.js";
import { expiresAt, keys } from "./keys.js";
import type { LogItem } from "./messages.js";

export interface PresencePacket {
  from: string;
  nick: string;
  type: "online" | "offline" | "show";
  show: string;
  status?: string;
}

export interface StatusPacket {
  from: string;
  nick: string;
  to: string;
  show: "typing" | "clear";
}

export type InboxEvent =
  | { kind: "message"; packet: LogItem }
  | { kind: "presence"; packet: PresencePacket }
  | { kind: "status"; packet: StatusPacket }
  | { kind: "stop"; ticketHash: string }
  /** A newer poll on the same ticket took over: the named poll answers empty at once. */
  | { kind: "yield"; ticketHash: string; pollId: string };

export interface StoredEvent {
  sk: string;
  event: InboxEvent;
  /** The ticket that caused the event and must not get it back (the sender's own tab). */
  skipTicket?: string;
}

/** Messages wait until their user comes back; the rest matters only for a short while. */
const KEEP_MS: Record<InboxEvent["kind"], number> = {
  message: 30 * 24 * 3600_000,
  presence: 3600_000,
  status: 3600_000,
  stop: 3600_000,
  yield: 600_000,
};

export interface Delivery {
  domain: string;
  userId: string;
  event: InboxEvent;
  skipTicket?: string | undefined;
}

export async function appendEvent(delivery: Delivery, now: number, store: Db = db()): Promise<string> {
  const key = keys.inboxEvent(delivery.domain, delivery.userId, now, randomBytes(6).toString("base64url"));
  await storeCall(() =>
    store.doc.send(
      new PutCommand({
        TableName: store.table,
        Item: {
          ...key,
          event: delivery.event,
          ...(delivery.skipTicket ? { skipTicket: delivery.skipTicket } : {}),
          expires: expiresAt(now + KEEP_MS[delivery.event.kind]),
        },
      }),
    ),
  );
  return key.sk;
}

export interface InboxRange {
  /** Sort keys strictly after this one. */
  after: string;
  /** Sort keys up to this one, if given. */
  upTo?: string;
  limit: number;
  newestFirst?: boolean;
  /**
   * `false`: an eventually consistent read, at half the price, that may miss an event written a
   * moment ago. Only good for asking whether anything is there; anything handed out is read strongly.
   */
  consistent?: boolean;
}

/** Events in a range, strongly consistent unless asked otherwise, so that a just-written event is seen. */
export async function readInbox(
  domain: string,
  userId: string,
  range: InboxRange,
  store: Db = db(),
): Promise<{ events: StoredEvent[]; more: boolean }> {
  const bounded = range.upTo !== undefined;
  const result = await storeCall(() =>
    store.doc.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: bounded ? "pk = :pk AND sk BETWEEN :after AND :upTo" : "pk = :pk AND sk > :after",
        ExpressionAttributeValues: {
          ":pk": keys.inboxPk(domain, userId),
          // BETWEEN is inclusive; "!" sorts before every character of a sort key's random part.
          ":after": bounded ? `${range.after}!` : range.after,
          ...(bounded ? { ":upTo": range.upTo } : {}),
        },
        ConsistentRead: range.consistent ?? true,
        ScanIndexForward: !range.newestFirst,
        Limit: range.limit,
      }),
    ),
  );
  const events = (result.Items ?? []).map((item) => ({
    sk: String(item.sk),
    event: item.event as InboxEvent,
    ...(typeof item.skipTicket === "string" ? { skipTicket: item.skipTicket } : {}),
  }));
  return { events, more: result.LastEvaluatedKey !== undefined };
}
