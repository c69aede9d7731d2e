/**
 * Peers: one item per conversation a user has, in the user's own partition, so that an agent's
 * visitor list is one Query. They carry the last time and the unread count, and expire a month
 * after the conversation's last message.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Db, db } from "./client.js";
import { conditionalWrite, storeCall } from "./errors.js";
import { expiresAt, keys } from "./keys.js";
import { queryPrefix } from "./query.js";
import type { Role } from "./tickets.js";

export interface Peer {
  id: string;
  nick?: string;
  role?: Role;
  lastAt: number;
  unread: number;
}

const KEEP_MS = 30 * 24 * 3600_000;

export interface PeerParty {
  id: string;
  nick: string;
  role: Role;
}

/** After a message: the recipient has one more unread; the sender has read everything (they answered). */
export async function recordMessage(domain: string, from: PeerParty, to: string, now: number, store: Db = db()): Promise<void> {
  const expires = expiresAt(now + KEEP_MS);
  await Promise.all([
    storeCall(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.table,
          Key: keys.peer(domain, to, from.id),
          UpdateExpression: "SET id = :id, nick = :nick, #role = :role, lastAt = :now, expires = :expires ADD unread :one",
          ExpressionAttributeNames: { "#role": "role" },
          ExpressionAttributeValues: {
            ":id": from.id,
            ":nick": from.nick,
            ":role": from.role,
            ":now": now,
            ":expires": expires,
            ":one": 1,
          },
        }),
      ),
    ),
    storeCall(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.table,
          Key: keys.peer(domain, from.id, to),
          UpdateExpression: "SET id = :id, lastAt = :now, unread = :zero, expires = :expires",
          ExpressionAttributeValues: { ":id": to, ":now": now, ":zero": 0, ":expires": expires },
        }),
      ),
    ),
  ]);
}

/** The owner has read the conversation with `other` (they opened its history). */
export async function markRead(domain: string, owner: string, other: string, store: Db = db()): Promise<void> {
  await conditionalWrite(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.peer(domain, owner, other),
        UpdateExpression: "SET unread = :zero",
        ConditionExpression: "attribute_exists(pk) AND unread > :zero",
        ExpressionAttributeValues: { ":zero": 0 },
      }),
    ),
  );
}

/** All peers of a user, most recent first: one Query on the user's partition. */
export async function listPeers(domain: string, owner: string, now: number, store: Db = db()): Promise<Peer[]> {
  const items = await queryPrefix(store, keys.userState(domain, owner).pk, keys.peerPrefix);
  return (
    items
      // Expired items linger until DynamoDB's TTL removes them; expiry is decided here.
      .filter((item) => typeof item.expires !== "number" || item.expires * 1000 >= now)
      .map((item) => ({
        id: String(item.id),
        ...(typeof item.nick === "string" ? { nick: item.nick } : {}),
        ...(typeof item.role === "string" ? { role: item.role as Role } : {}),
        lastAt: Number(item.lastAt ?? 0),
        unread: Number(item.unread ?? 0),
      }))
      .sort((a, b) => b.lastAt - a.lastAt)
  );
}
