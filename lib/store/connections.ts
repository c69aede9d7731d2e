/**
 * WebSocket connections: one item per connection (found by its id on `$disconnect`), and one in
 * its user's partition (found by writers pushing to that user). Both expire after a day; a
 * connection API Gateway reports gone is removed at once.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type Db, db } from "./client.js";
import { storeCall } from "./errors.js";
import { expiresAt, keys } from "./keys.js";
import type { Role } from "./tickets.js";

export interface Connection {
  connectionId: string;
  domain: string;
  userId: string;
  role: Role;
  ticketHash: string;
}

const KEEP_MS = 24 * 3600_000;

export async function putConnection(connection: Connection, now: number, store: Db = db()): Promise<void> {
  const expires = expiresAt(now + KEEP_MS);
  await Promise.all([
    storeCall(() =>
      store.doc.send(
        new PutCommand({ TableName: store.table, Item: { ...keys.connection(connection.connectionId), ...connection, expires } }),
      ),
    ),
    storeCall(() =>
      store.doc.send(
        new PutCommand({
          TableName: store.table,
          Item: { ...keys.userConnection(connection.domain, connection.userId, connection.connectionId), ...connection, expires },
        }),
      ),
    ),
  ]);
}

export async function getConnection(connectionId: string, store: Db = db()): Promise<Connection | undefined> {
  const { Item } = await storeCall(() =>
    store.doc.send(new GetCommand({ TableName: store.table, Key: keys.connection(connectionId), ConsistentRead: true })),
  );
  return Item ? (Item as Connection) : undefined;
}

export async function deleteConnection(connection: Connection, store: Db = db()): Promise<void> {
  await Promise.all(
    [
      keys.connection(connection.connectionId),
      keys.userConnection(connection.domain, connection.userId, connection.connectionId),
    ].map((Key) => storeCall(() => store.doc.send(new DeleteCommand({ TableName: store.table, Key })))),
  );
}

/** A user's live connections: one strongly consistent Query, so a connection subscribed a moment ago is seen. */
export async function userConnections(domain: string, userId: string, now: number, store: Db = db()): Promise<Connection[]> {
  const { Items } = await storeCall(() =>
    store.doc.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": keys.userState(domain, userId).pk, ":prefix": keys.connectionPrefix },
        ConsistentRead: true,
      }),
    ),
  );
  return (Items ?? [])
    .filter((item) => typeof item.expires !== "number" || item.expires * 1000 > now)
    .map((item) => ({
      connectionId: String(item.connectionId),
      domain: String(item.domain),
      userId: String(item.userId),
      role: (item.role as Role | undefined) ?? "visitor",
      ticketHash: String(item.ticketHash),
    }));
}
