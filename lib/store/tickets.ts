/** Tickets: one item per open browser session, found by the SHA-256 of the ticket. */
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Db, db } from "./client.js";
import { conditionalWrite, isConditionFailed, storeCall } from "./errors.js";
import { keys } from "./keys.js";

export type Role = "visitor" | "agent" | "member";

export interface TicketRecord {
  ticketHash: string;
  domain: string;
  userId: string;
  role: Role;
  nick: string;
  picUrl?: string;
  /** Inbox events at or before this sort key have been settled for this ticket (lib/im/cursor.ts). */
  cursor: string;
  /** Sort keys after `cursor` already handed to this ticket. */
  delivered: string[];
  createdAt: number;
  lastSeen: number;
  /** Epoch seconds: the ticket is dead after this (checked in code; DynamoDB TTL only cleans up). */
  expires: number;
  endedAt?: number;
  /** The poll now waiting on this ticket, and until when; a newer poll takes over (lib/im/packets.ts). */
  pollId?: string;
  pollUntil?: number;
}

const LIVE = "attribute_exists(pk) AND attribute_not_exists(endedAt)";

export async function putTicket(ticket: TicketRecord, store: Db = db()): Promise<void> {
  await storeCall(() =>
    store.doc.send(new PutCommand({ TableName: store.table, Item: { ...keys.ticket(ticket.ticketHash), ...ticket } })),
  );
}

export async function getTicket(ticketHash: string, store: Db = db()): Promise<TicketRecord | undefined> {
  const { Item } = await storeCall(() =>
    // Strongly consistent: a ticket is used the moment `online` hands it out.
    store.doc.send(new GetCommand({ TableName: store.table, Key: keys.ticket(ticketHash), ConsistentRead: true })),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ...ticket } = Item;
  return ticket as TicketRecord;
}

/** Ends a ticket; false when it was already ended or never existed. */
export async function endTicket(ticketHash: string, now: number, store: Db = db()): Promise<boolean> {
  return conditionalWrite(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.ticket(ticketHash),
        UpdateExpression: "SET endedAt = :now",
        ConditionExpression: LIVE,
        ExpressionAttributeValues: { ":now": now },
      }),
    ),
  );
}

export interface TicketProgress {
  cursor: string;
  delivered: string[];
  lastSeen: number;
  expires: number;
}

/**
 * Makes `pollId` the ticket's poll and keeps the ticket alive; returns the ticket as it was, or
 * undefined when it has ended.
 */
export async function claimPoll(
  ticketHash: string,
  poll: { pollId: string; pollUntil: number; lastSeen: number; expires: number },
  store: Db = db(),
): Promise<TicketRecord | undefined> {
  try {
    const { Attributes } = await storeCall(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.table,
          Key: keys.ticket(ticketHash),
          UpdateExpression: "SET pollId = :pollId, pollUntil = :pollUntil, lastSeen = :lastSeen, expires = :expires",
          ConditionExpression: LIVE,
          ExpressionAttributeValues: {
            ":pollId": poll.pollId,
            ":pollUntil": poll.pollUntil,
            ":lastSeen": poll.lastSeen,
            ":expires": poll.expires,
          },
          ReturnValues: "ALL_OLD",
        }),
      ),
    );
    return Attributes as TicketRecord | undefined;
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/**
 * Records what a poll handed out, only while the ticket is live and, given `pollId`, still that
 * poll's: "ended" or "superseded" otherwise, and nothing is recorded.
 */
export async function advanceTicket(
  ticketHash: string,
  progress: TicketProgress,
  pollId?: string,
  store: Db = db(),
): Promise<"recorded" | "ended" | "superseded"> {
  try {
    await storeCall(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.table,
          Key: keys.ticket(ticketHash),
          // The poll is answering: no poll waits any more, and the next one has no one to tell to step aside.
          UpdateExpression:
            "SET #cursor = :cursor, delivered = :delivered, lastSeen = :lastSeen, expires = :expires, pollUntil = :answered",
          ConditionExpression: pollId === undefined ? LIVE : `${LIVE} AND pollId = :pollId`,
          ExpressionAttributeNames: { "#cursor": "cursor" },
          ExpressionAttributeValues: {
            ":cursor": progress.cursor,
            ":delivered": progress.delivered,
            ":lastSeen": progress.lastSeen,
            ":expires": progress.expires,
            ":answered": 0,
            ...(pollId === undefined ? {} : { ":pollId": pollId }),
          },
        }),
      ),
    );
    return "recorded";
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const now = await getTicket(ticketHash, store);
    return now === undefined || now.endedAt !== undefined ? "ended" : "superseded";
  }
}

/** Keeps a ticket alive without a poll (a WebSocket's ping). */
export async function keepTicket(ticketHash: string, now: number, expires: number, store: Db = db()): Promise<void> {
  await conditionalWrite(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.ticket(ticketHash),
        UpdateExpression: "SET lastSeen = :now, expires = :expires",
        ConditionExpression: LIVE,
        ExpressionAttributeValues: { ":now": now, ":expires": expires },
      }),
    ),
  );
}
