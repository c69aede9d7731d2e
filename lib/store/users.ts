/**
 * What buddies see of a user: show, status, last seen, open tickets. A visitor's or member's
 * state is its own item; an agent's lives on the agent item, so that one Query on the site's
 * partition gives every agent with their presence and load (lib/im/routing.ts).
 */
import { BatchGetCommand, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { NotAuthorized } from "../http/errors.js";
import type { Show } from "../http/fields.js";
import { type Db, db } from "./client.js";
import { conditionalWrite, isConditionFailed, storeCall } from "./errors.js";
import { type Key, keys } from "./keys.js";
import { queryPrefix } from "./query.js";
import type { Role } from "./tickets.js";

export interface UserState {
  id: string;
  role: Role;
  nick: string;
  picUrl?: string;
  show: Show;
  status?: string;
  lastSeen: number;
  /** Hashes of the tickets not yet ended; tabs that vanished stay until the grace period shows it. */
  tickets?: Set<string>;
  /** Inbox sort key up to which messages have reached the user (lib/im/online.ts, new_messages). */
  inboxSeen?: string;
  /** Visitors: the page, referrer and browser they came with, and their agent. */
  url?: string;
  referrer?: string;
  userAgent?: string;
  agent?: string;
  /** Agents: conversations assigned and not closed, and when they last got one (lib/im/routing.ts). */
  open?: number;
  lastAssignedAt?: number;
}

export function stateKey(domain: string, id: string, role: Role): Key {
  return role === "agent" ? keys.agent(domain, id) : keys.userState(domain, id);
}

export type UserUpdate = Pick<UserState, "id" | "role" | "nick" | "lastSeen"> & {
  /** Left out: the user keeps the show they have (a new user starts `available`). */
  show?: Show | undefined;
  /** `nick` is only a default: a nick the user already has stays. */
  keepNick?: boolean | undefined;
  picUrl?: string | undefined;
  inboxSeen?: string | undefined;
  url?: string | undefined;
  referrer?: string | undefined;
  userAgent?: string | undefined;
  ticketHash: string;
};

const OPTIONAL_FIELDS = ["picUrl", "inboxSeen", "url", "referrer", "userAgent"] as const;

/** Writes what the user is now, adds their new ticket, and returns what they were: `online` reads nothing first. */
export async function touchUser(domain: string, user: UserUpdate, store: Db = db()): Promise<UserState | undefined> {
  const values: Record<string, unknown> = {
    ":id": user.id,
    ":role": user.role,
    ":nick": user.nick,
    ":show": user.show ?? "available",
    ":lastSeen": user.lastSeen,
    ":ticket": new Set([user.ticketHash]),
  };
  // Every name goes through a placeholder: several (`url`, `role`, `show`) are DynamoDB reserved words.
  const names: Record<string, string> = { "#role": "role", "#show": "show" };
  const show = user.show === undefined ? "if_not_exists(#show, :show)" : ":show";
  const nick = user.keepNick ? "if_not_exists(nick, :nick)" : ":nick";
  let update = `SET id = :id, #role = :role, nick = ${nick}, #show = ${show}, lastSeen = :lastSeen`;
  for (const name of OPTIONAL_FIELDS) {
    // An agent's picture is the operator's (npm run admin); a sign-in does not replace it.
    if (user[name] === undefined || (name === "picUrl" && user.role === "agent")) continue;
    update += `, #${name} = :${name}`;
    names[`#${name}`] = name;
    values[`:${name}`] = user[name];
  }
  const { Attributes } = await storeCall(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: stateKey(domain, user.id, user.role),
        // A sign-in that got this far had the right password: an agent's count of wrong ones starts over.
        UpdateExpression: `${update} ADD tickets :ticket${user.role === "agent" ? " REMOVE failedLogins, failedSince" : ""}`,
        // An agent removed meanwhile stays removed: only the operator creates agent items.
        ...(user.role === "agent" ? { ConditionExpression: "attribute_exists(pk)" } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: "ALL_OLD",
      }),
    ),
  ).catch((error: unknown) => {
    // The agent was removed between the password check and this write.
    if (isConditionFailed(error)) throw new NotAuthorized();
    throw error;
  });
  return Attributes as UserState | undefined;
}

/** Drops ticket hashes of tabs that vanished (found at `online`, when the user was gone past the grace period). */
export async function forgetTickets(
  domain: string,
  id: string,
  role: Role,
  hashes: Set<string>,
  store: Db = db(),
): Promise<void> {
  if (hashes.size === 0) return;
  await conditionalWrite(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: stateKey(domain, id, role),
        UpdateExpression: "DELETE tickets :gone",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":gone": hashes },
      }),
    ),
  );
}

/**
 * Removes one ended ticket, or all of them (`offline`). Answers the state after it (no ticket left
 * means the user just went offline) and the tickets it removed.
 */
export async function endUserTicket(
  domain: string,
  id: string,
  role: Role,
  ticketHash: string | "all",
  store: Db = db(),
): Promise<{ after: UserState | undefined; removed: Set<string> }> {
  const all = ticketHash === "all";
  const { Attributes } = await storeCall(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: stateKey(domain, id, role),
        ...(all
          ? { UpdateExpression: "REMOVE tickets", ReturnValues: "ALL_OLD" }
          : {
              UpdateExpression: "DELETE tickets :ticket",
              ExpressionAttributeValues: { ":ticket": new Set([ticketHash]) },
              ReturnValues: "ALL_NEW",
            }),
        ConditionExpression: "attribute_exists(pk)",
      }),
    ),
  ).catch((error: unknown) => {
    if (isConditionFailed(error)) return { Attributes: undefined };
    throw error;
  });
  const state = Attributes as UserState | undefined;
  if (!all) return { after: state, removed: new Set([ticketHash]) };
  const { tickets, ...after } = state ?? {};
  return { after: state && (after as UserState), removed: tickets ?? new Set() };
}

/** Sets show and status; answers the show the user had before. */
export async function setShow(
  domain: string,
  id: string,
  role: Role,
  show: Show,
  status: string | undefined,
  store: Db = db(),
): Promise<Show> {
  const { Attributes } = await storeCall(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: stateKey(domain, id, role),
        UpdateExpression: status === undefined ? "SET #show = :show REMOVE #status" : "SET #show = :show, #status = :status",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#show": "show", "#status": "status" },
        ExpressionAttributeValues: { ":show": show, ...(status === undefined ? {} : { ":status": status }) },
        ReturnValues: "UPDATED_OLD",
      }),
    ),
  ).catch((error: unknown) => {
    if (isConditionFailed(error)) return { Attributes: undefined };
    throw error;
  });
  return (Attributes?.show as Show | undefined) ?? "available";
}

export async function getUserState(domain: string, id: string, role: Role, store: Db = db()): Promise<UserState | undefined> {
  const { Item } = await storeCall(() =>
    store.doc.send(new GetCommand({ TableName: store.table, Key: stateKey(domain, id, role), ConsistentRead: true })),
  );
  return Item as UserState | undefined;
}

/** Visitors and members by id, in one BatchGet per 100 ids; unknown ids are left out. */
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

/** Every agent of a site with their live state: one strongly consistent Query on the site's partition. */
export async function agentStates(domain: string, store: Db = db()): Promise<UserState[]> {
  const items = await queryPrefix(store, keys.site(domain).pk, keys.agentPrefix, true);
  return items.map(
    ({ passwordHash: _hash, ...agent }) => ({ show: "available", lastSeen: 0, ...agent, role: "agent" }) as UserState,
  );
}

/** Moves the user's inbox mark forward, never back; concurrent tabs may race here and the highest wins. */
export async function advanceInboxSeen(domain: string, id: string, role: Role, mark: string, store: Db = db()): Promise<void> {
  await conditionalWrite(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: stateKey(domain, id, role),
        UpdateExpression: "SET inboxSeen = :mark",
        ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(inboxSeen) OR inboxSeen < :mark)",
        ExpressionAttributeValues: { ":mark": mark },
      }),
    ),
  );
}

/**
 * Keeps a user online between `online` calls (a poll, a WebSocket ping) and records the ticket as
 * one of theirs again: a tab counted as gone (the sweep, a later `online`) that comes back makes
 * its user online. Returns what the user was, so the caller can tell their buddies.
 */
export async function touchLastSeen(
  domain: string,
  id: string,
  role: Role,
  ticketHash: string,
  now: number,
  store: Db = db(),
): Promise<UserState | undefined> {
  const { Attributes } = await storeCall(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: stateKey(domain, id, role),
        UpdateExpression: "SET lastSeen = :now ADD tickets :ticket",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":now": now, ":ticket": new Set([ticketHash]) },
        ReturnValues: "ALL_OLD",
      }),
    ),
  ).catch((error: unknown) => {
    if (isConditionFailed(error)) return { Attributes: undefined };
    throw error;
  });
  return Attributes as UserState | undefined;
}

/**
 * Forgets all tickets of a user whose last sign of life is still `lastSeen`: they are gone. False
 * when they came back meanwhile (a poll moved lastSeen), and nothing changes then.
 */
export async function dropTicketsIfIdle(
  domain: string,
  id: string,
  role: Role,
  lastSeen: number,
  store: Db = db(),
): Promise<boolean> {
  return conditionalWrite(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: stateKey(domain, id, role),
        UpdateExpression: "REMOVE tickets",
        ConditionExpression: "attribute_exists(tickets) AND lastSeen = :seen",
        ExpressionAttributeValues: { ":seen": lastSeen },
      }),
    ),
  );
}
