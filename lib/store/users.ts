/** User state: one item per user of a site, holding what buddies see of them. */
import { BatchGetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Show } from "../http/fields.js";
import { type Db, db } from "./client.js";
import { isConditionFailed, storeCall } from "./errors.js";
import { keys } from "./keys.js";
import type { Role } from "./tickets.js";

export interface UserState {
  id: string;
  role: Role;
  nick: string;
  picUrl?: string;
  show: Show;
  status?: string;
  lastSeen: number;
  /** Inbox sort key up to which messages have reached the user (lib/im/online.ts, new_messages). */
  inboxSeen?: string;
}

export type UserUpdate = Pick<UserState, "id" | "role" | "nick" | "show" | "lastSeen"> & {
  picUrl?: string | undefined;
  inboxSeen?: string | undefined;
};

/** Writes what the user is now and returns what they were, so `online` needs no read first. */
export async function touchUser(domain: string, user: UserUpdate, store: Db = db()): Promise<UserState | undefined> {
  const values: Record<string, unknown> = {
    ":id": user.id,
    ":role": user.role,
    ":nick": user.nick,
    ":show": user.show,
    ":lastSeen": user.lastSeen,
  };
  let update = "SET id = :id, #role = :role, nick = :nick, #show = :show, lastSeen = :lastSeen";
  for (const name of ["picUrl", "inboxSeen"] as const) {
    if (user[name] === undefined) continue;
    update += `, ${name} = :${name}`;
    values[`:${name}`] = user[name];
  }
  const { Attributes } = await storeCall(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.userState(domain, user.id),
        UpdateExpression: update,
        ExpressionAttributeNames: { "#role": "role", "#show": "show" },
        ExpressionAttributeValues: values,
        ReturnValues: "ALL_OLD",
      }),
    ),
  );
  return Attributes as UserState | undefined;
}

/** Users by id, in one BatchGet per 100 ids; unknown ids are left out. */
export async function getUsers(domain: string, ids: readonly string[], store: Db = db()): Promise<Map<string, UserState>> {
  const found = new Map<string, UserState>();
  for (let start = 0; start < ids.length; start += 100) {
    let requested: Record<string, unknown>[] | undefined = ids
      .slice(start, start + 100)
      .map((id) => keys.userState(domain, id) as unknown as Record<string, unknown>);
    while (requested && requested.length > 0) {
      const batch: Record<string, unknown>[] = requested;
      const result = await storeCall(() =>
        store.doc.send(new BatchGetCommand({ RequestItems: { [store.table]: { Keys: batch } } })),
      );
      for (const item of result.Responses?.[store.table] ?? []) found.set(String(item.id), item as UserState);
      requested = result.UnprocessedKeys?.[store.table]?.Keys;
    }
  }
  return found;
}

/** Moves the user's inbox mark forward, never back; concurrent tabs may race here and the highest wins. */
export async function advanceInboxSeen(domain: string, id: string, mark: string, store: Db = db()): Promise<void> {
  try {
    await storeCall(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.table,
          Key: keys.userState(domain, id),
          UpdateExpression: "SET inboxSeen = :mark",
          ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(inboxSeen) OR inboxSeen < :mark)",
          ExpressionAttributeValues: { ":mark": mark },
        }),
      ),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** Keeps a user online between `online` calls: the long poll calls this as it answers. */
export async function touchLastSeen(domain: string, id: string, now: number, store: Db = db()): Promise<void> {
  await storeCall(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.userState(domain, id),
        UpdateExpression: "SET lastSeen = :now",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":now": now },
      }),
    ),
  ).catch((error: unknown) => {
    if (!isConditionFailed(error)) throw error;
  });
}
