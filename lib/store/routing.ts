/**
 * The items behind routing visitors to agents: each agent's count of open conversations, each
 * visitor's agent, and one `OPEN#<visitor>` item per open conversation in the site's partition.
 * Every change is a single conditional write; no transaction.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Db, db } from "./client.js";
import { conditionalWrite, storeCall } from "./errors.js";
import { keys } from "./keys.js";
import { queryPrefix } from "./query.js";

/**
 * Gives the agent one more conversation, only if their count is still the one the caller saw:
 * two routings racing for the same agent cannot both win on a stale count.
 */
export function claimAgent(domain: string, agentId: string, seenOpen: number, now: number, store: Db = db()): Promise<boolean> {
  return conditionalWrite(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.agent(domain, agentId),
        UpdateExpression: "SET #open = :next, lastAssignedAt = :now",
        ConditionExpression:
          seenOpen === 0
            ? "attribute_exists(pk) AND (attribute_not_exists(#open) OR #open = :seen)"
            : "attribute_exists(pk) AND #open = :seen",
        ExpressionAttributeNames: { "#open": "open" },
        ExpressionAttributeValues: { ":seen": seenOpen, ":next": seenOpen + 1, ":now": now },
      }),
    ),
  );
}

export function releaseAgent(domain: string, agentId: string, store: Db = db()): Promise<boolean> {
  return conditionalWrite(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.agent(domain, agentId),
        UpdateExpression: "ADD #open :minus",
        ConditionExpression: "#open > :zero",
        ExpressionAttributeNames: { "#open": "open" },
        ExpressionAttributeValues: { ":minus": -1, ":zero": 0 },
      }),
    ),
  );
}

/** Sets the visitor's agent unless they already have one: a visitor never gets two. */
export function setVisitorAgent(domain: string, visitorId: string, agentId: string, store: Db = db()): Promise<boolean> {
  return conditionalWrite(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.userState(domain, visitorId),
        UpdateExpression: "SET #agent = :agent",
        ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(#agent)",
        ExpressionAttributeNames: { "#agent": "agent" },
        ExpressionAttributeValues: { ":agent": agentId },
      }),
    ),
  );
}

/**
 * Records that the visitor was told their agent is away, once for each time the agent left (the
 * agent's last-seen time names it): true when this call is the one that should tell them.
 */
export function markLeaveNotice(domain: string, visitorId: string, agentLastSeen: number, store: Db = db()): Promise<boolean> {
  return conditionalWrite(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.userState(domain, visitorId),
        UpdateExpression: "SET leaveNoticeFor = :seen",
        ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(leaveNoticeFor) OR leaveNoticeFor <> :seen)",
        ExpressionAttributeValues: { ":seen": agentLastSeen },
      }),
    ),
  );
}

export function clearVisitorAgent(domain: string, visitorId: string, agentId: string, store: Db = db()): Promise<boolean> {
  return conditionalWrite(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.userState(domain, visitorId),
        UpdateExpression: "REMOVE #agent",
        ConditionExpression: "#agent = :agent",
        ExpressionAttributeNames: { "#agent": "agent" },
        ExpressionAttributeValues: { ":agent": agentId },
      }),
    ),
  );
}

export interface OpenConversation {
  visitor: string;
  agent: string;
  since: number;
}

export async function putOpenConversation(domain: string, open: OpenConversation, store: Db = db()): Promise<void> {
  await storeCall(() =>
    store.doc.send(new PutCommand({ TableName: store.table, Item: { ...keys.openConversation(domain, open.visitor), ...open } })),
  );
}

/** Closes the visitor's conversation with `agent`; false when it was not open (someone else closed it). */
export function deleteOpenConversation(domain: string, visitor: string, agent: string, store: Db = db()): Promise<boolean> {
  return conditionalWrite(() =>
    store.doc.send(
      new DeleteCommand({
        TableName: store.table,
        Key: keys.openConversation(domain, visitor),
        ConditionExpression: "#agent = :agent",
        ExpressionAttributeNames: { "#agent": "agent" },
        ExpressionAttributeValues: { ":agent": agent },
      }),
    ),
  );
}

export async function listOpenConversations(domain: string, store: Db = db()): Promise<OpenConversation[]> {
  const items = await queryPrefix(store, keys.site(domain).pk, keys.openPrefix);
  return items.map((item) => ({ visitor: String(item.visitor), agent: String(item.agent), since: Number(item.since) }));
}
