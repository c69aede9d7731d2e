/** Messages of a conversation, and each side's clear mark. */
import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type Db, db } from "./client.js";
import { conditionalWrite, storeCall } from "./errors.js";
import { conversationPk, keys } from "./keys.js";

/** The seed's logItem. */
export interface LogItem {
  type: "unicast";
  to: string;
  from: string;
  nick: string;
  style?: string;
  body: string;
  timestamp: number;
}

function toLogItem(item: Record<string, unknown>): LogItem {
  return {
    type: "unicast",
    to: String(item.to),
    from: String(item.from),
    nick: String(item.nick),
    ...(typeof item.style === "string" && item.style !== "" ? { style: item.style } : {}),
    body: String(item.body),
    timestamp: Number(item.timestamp),
  };
}

/**
 * Stores a message once: the key is a pure function of (pair, time, sender, body), so a second
 * copy is a failed conditional put and nothing more. Returns false for that second copy.
 */
export async function putMessage(domain: string, message: LogItem, store: Db = db()): Promise<boolean> {
  return conditionalWrite(() =>
    store.doc.send(
      new PutCommand({
        TableName: store.table,
        Item: { ...keys.message(domain, message.from, message.to, message.timestamp, message.body), ...message },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    ),
  );
}

/** The newest `limit` messages after `after` (ms), oldest first: one Query, newest first, reversed. */
export async function queryHistory(
  domain: string,
  me: string,
  other: string,
  limit: number,
  after: number,
  store: Db = db(),
): Promise<LogItem[]> {
  const { Items } = await storeCall(() =>
    store.doc.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": conversationPk(domain, me, other),
          ":from": keys.messagesFrom(after + 1),
          ":to": `${keys.messagePrefix}\uffff`,
        },
        ScanIndexForward: false,
        Limit: limit,
      }),
    ),
  );
  return (Items ?? []).map(toLogItem).reverse();
}

/** The time up to which `owner` has cleared the conversation with `other`; 0 when never. */
export async function getClearMark(domain: string, owner: string, other: string, store: Db = db()): Promise<number> {
  const { Item } = await storeCall(() =>
    store.doc.send(new GetCommand({ TableName: store.table, Key: keys.clearMark(domain, owner, other) })),
  );
  return typeof Item?.before === "number" ? Item.before : 0;
}

export async function putClearMark(
  domain: string,
  owner: string,
  other: string,
  before: number,
  store: Db = db(),
): Promise<void> {
  await storeCall(() =>
    store.doc.send(new PutCommand({ TableName: store.table, Item: { ...keys.clearMark(domain, owner, other), before } })),
  );
}
