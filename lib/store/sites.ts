/** Sites: the domains registered with the service, and their settings. */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { type Db, db } from "./client.js";
import { AlreadyExists, conditionalWrite, DoesNotExist, isConditionFailed, storeCall } from "./errors.js";
import { type Key, keys } from "./keys.js";
import { queryAll, queryPrefix } from "./query.js";

export interface SiteSettings {
  /** How many messages `history` returns when the caller names no `limit`. */
  historySize: number;
  /** Shown to a visitor when the chat opens. */
  welcome: string;
  /** Shown to a visitor when no agent is online. */
  leaveMessage: string;
}

export interface Site {
  domain: string;
  /** Origins (`https://shop.example`) allowed to call with CORS. */
  origins: string[];
  /** The secret the site's own back end signs member and agent tokens with (HS256). */
  tokenSecret?: string;
  settings: SiteSettings;
  /** When `createSite` registered it (epoch ms); absent on sites written otherwise. */
  createdAt?: number;
}

export const DEFAULT_SETTINGS: SiteSettings = {
  historySize: 30,
  welcome: "Hello! How can we help you?",
  leaveMessage: "No one is available right now. Leave a message and we will answer as soon as we can.",
};

export interface Agent {
  id: string;
  nick: string;
  picUrl?: string;
  /** `scrypt$…` (lib/auth/password.ts); absent for agents who sign in only with a site token. */
  passwordHash?: string;
  /** Sign-in attempts since `failedSince`, cleared by a right one (lib/im/online.ts locks the sign-in after too many). */
  failedLogins?: number;
  failedSince?: number;
}

function toSite(item: Record<string, unknown>): Site {
  const settings = (item.settings ?? {}) as Partial<SiteSettings>;
  return {
    domain: String(item.domain),
    origins: (item.origins as string[] | undefined) ?? [],
    ...(typeof item.tokenSecret === "string" ? { tokenSecret: item.tokenSecret } : {}),
    settings: { ...DEFAULT_SETTINGS, ...settings },
    ...(typeof item.createdAt === "number" ? { createdAt: item.createdAt } : {}),
  };
}

function toAgent(item: Record<string, unknown>): Agent {
  return {
    id: String(item.id),
    nick: String(item.nick),
    ...(typeof item.picUrl === "string" ? { picUrl: item.picUrl } : {}),
    ...(typeof item.passwordHash === "string" ? { passwordHash: item.passwordHash } : {}),
    ...(typeof item.failedLogins === "number" ? { failedLogins: item.failedLogins } : {}),
    ...(typeof item.failedSince === "number" ? { failedSince: item.failedSince } : {}),
  };
}

/**
 * Counts one sign-in attempt against the agent's limit before its password is checked, so that
 * parallel guesses cannot all read the count before any of them adds to it. Answers false when
 * `max` attempts were already made within `windowMs` (or the agent is gone); a right password
 * clears the count afterwards (touchUser). A new count starts when the last began `windowMs` ago.
 */
export async function reserveLoginAttempt(
  domain: string,
  agentId: string,
  now: number,
  limit: { max: number; windowMs: number },
  store: Db = db(),
): Promise<boolean> {
  const key = keys.agent(domain, agentId);
  const windowStart = now - limit.windowMs;
  const inWindow = () =>
    conditionalWrite(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.table,
          Key: key,
          UpdateExpression: "ADD failedLogins :one",
          ConditionExpression: "attribute_exists(pk) AND failedSince > :windowStart AND failedLogins < :max",
          ExpressionAttributeValues: { ":one": 1, ":windowStart": windowStart, ":max": limit.max },
        }),
      ),
    );
  const newWindow = () =>
    conditionalWrite(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.table,
          Key: key,
          UpdateExpression: "SET failedLogins = :one, failedSince = :now",
          ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(failedSince) OR failedSince <= :windowStart)",
          ExpressionAttributeValues: { ":one": 1, ":now": now, ":windowStart": windowStart },
        }),
      ),
    );
  // A refused new window may mean a racing attempt has just opened one: count in it then.
  return (await inWindow()) || (await newWindow()) || (await inWindow());
}

export async function getSite(domain: string, store: Db = db()): Promise<Site | undefined> {
  const { Item } = await storeCall(() => store.doc.send(new GetCommand({ TableName: store.table, Key: keys.site(domain) })));
  return Item ? toSite(Item) : undefined;
}

/** The site's registry entry, written before its item (idempotent; keeps the first `createdAt`). */
async function register(domain: string, store: Db, now: number): Promise<void> {
  await storeCall(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.siteEntry(domain),
        UpdateExpression: "SET createdAt = if_not_exists(createdAt, :now)",
        ExpressionAttributeValues: { ":now": now },
      }),
    ),
  );
}

/** Replaces the whole site item (seeding an empty table); `createSite` and `updateSite` are the careful writes. */
export async function putSite(site: Site, store: Db = db()): Promise<void> {
  await register(site.domain, store, Date.now());
  await storeCall(() => store.doc.send(new PutCommand({ TableName: store.table, Item: { ...keys.site(site.domain), ...site } })));
}

export async function getAgent(domain: string, id: string, store: Db = db()): Promise<Agent | undefined> {
  const { Item } = await storeCall(() => store.doc.send(new GetCommand({ TableName: store.table, Key: keys.agent(domain, id) })));
  return Item ? toAgent(Item) : undefined;
}

/**
 * Replaces the whole agent item, live state included (seeding an empty table only); `createAgent`
 * and `updateAgent` are the writes that leave the service's state alone.
 */
export async function putAgent(domain: string, agent: Agent, store: Db = db()): Promise<void> {
  await storeCall(() =>
    store.doc.send(new PutCommand({ TableName: store.table, Item: { ...keys.agent(domain, agent.id), ...agent } })),
  );
}

/** All agents of a site: one Query on the site's partition. */
export async function listAgents(domain: string, store: Db = db()): Promise<Agent[]> {
  return (await queryPrefix(store, keys.site(domain).pk, keys.agentPrefix)).map(toAgent);
}

/** A site in the registry (`keys.siteEntry`): what listing the sites costs one Query. */
export interface SiteEntry {
  domain: string;
  createdAt?: number;
}

/** Every registered site, in domain order: one Query on the registry partition (paged), never a Scan. */
export async function listSites(store: Db = db()): Promise<SiteEntry[]> {
  const items = await queryAll(store, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.sitesPk } });
  return items.map((item) => ({
    domain: String(item.sk),
    ...(typeof item.createdAt === "number" ? { createdAt: item.createdAt } : {}),
  }));
}

const BATCH_GET_LIMIT = 100;

/** The sites of these domains, in the order given; domains with no site item are left out. */
export async function getSites(domains: readonly string[], store: Db = db()): Promise<Site[]> {
  const found = new Map<string, Site>();
  for (let i = 0; i < domains.length; i += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] | undefined = domains
      .slice(i, i + BATCH_GET_LIMIT)
      .map((domain) => ({ ...keys.site(domain) }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** attempt)));
      const Keys: Record<string, unknown>[] = pending;
      const result: BatchGetCommandOutput = await storeCall(() =>
        store.doc.send(new BatchGetCommand({ RequestItems: { [store.table]: { Keys } } })),
      );
      for (const item of result.Responses?.[store.table] ?? []) {
        const site = toSite(item);
        found.set(site.domain, site);
      }
      pending = result.UnprocessedKeys?.[store.table]?.Keys;
    }
  }
  return domains.flatMap((domain) => found.get(domain) ?? []);
}

/**
 * Registers a new site; `AlreadyExists` if the domain has one. The registry entry is written
 * first (idempotent, keeping its first `createdAt`), so a site item never exists unlisted.
 */
export async function createSite(site: Site, store: Db = db(), now = Date.now()): Promise<Site> {
  await register(site.domain, store, now);
  const created: Site = { ...site, createdAt: now };
  try {
    await storeCall(() =>
      store.doc.send(
        new PutCommand({
          TableName: store.table,
          Item: { ...keys.site(site.domain), ...created },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw new AlreadyExists(`site ${site.domain} already exists`);
    throw error;
  }
  return created;
}

/** A change to a site: fields left out stay as they are; `tokenSecret: null` removes the secret. */
export interface SitePatch {
  origins?: string[];
  tokenSecret?: string | null;
  settings?: Partial<SiteSettings>;
}

/** One conditional UpdateItem of the named fields; `DoesNotExist` if there is no such item. */
async function updateFields(
  store: Db,
  key: Key,
  set: Record<string, unknown>,
  remove: string[],
  missing: string,
): Promise<Record<string, unknown>> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  // Dotted names are paths into maps (`settings.welcome`); each part gets its own placeholder.
  const path = (name: string) =>
    name
      .split(".")
      .map((part) => {
        const placeholder = `#${part.replace(/[^A-Za-z0-9_]/g, "_")}`;
        names[placeholder] = part;
        return placeholder;
      })
      .join(".");
  const sets = Object.entries(set).map(([name, value], index) => {
    values[`:v${index}`] = value;
    return `${path(name)} = :v${index}`;
  });
  const removes = remove.map(path);
  if (sets.length === 0 && removes.length === 0) {
    // Nothing to change: still say whether the item is there, and answer it.
    const { Item } = await storeCall(() =>
      store.doc.send(new GetCommand({ TableName: store.table, Key: key, ConsistentRead: true })),
    );
    if (!Item) throw new DoesNotExist(missing);
    return Item;
  }
  const clauses = [sets.length > 0 ? `SET ${sets.join(", ")}` : "", removes.length > 0 ? `REMOVE ${removes.join(", ")}` : ""];
  names["#pk"] = "pk";
  const input: UpdateCommandInput = {
    TableName: store.table,
    Key: key,
    ConditionExpression: "attribute_exists(#pk)",
    UpdateExpression: clauses.join(" ").trim(),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    ReturnValues: "ALL_NEW",
  };
  try {
    const { Attributes } = await storeCall(() => store.doc.send(new UpdateCommand(input)));
    return Attributes ?? {};
  } catch (error) {
    if (isConditionFailed(error)) throw new DoesNotExist(missing);
    throw error;
  }
}

/** Changes the named fields of a site with one UpdateItem (never a put over it); `DoesNotExist` for an unknown domain. */
export async function updateSite(domain: string, patch: SitePatch, store: Db = db()): Promise<Site> {
  const set: Record<string, unknown> = {};
  const remove: string[] = [];
  if (patch.origins !== undefined) set.origins = patch.origins;
  if (patch.tokenSecret === null) remove.push("tokenSecret");
  else if (patch.tokenSecret !== undefined) set.tokenSecret = patch.tokenSecret;
  for (const [name, value] of Object.entries(patch.settings ?? {})) {
    if (value !== undefined) set[`settings.${name}`] = value;
  }
  return toSite(await updateFields(store, keys.site(domain), set, remove, `unknown site ${domain}`));
}

/**
 * Removes a site's item and its registry entry; `DoesNotExist` if there was no site item (the
 * registry entry is removed all the same). Its agents are the caller's business: remove them first.
 */
export async function deleteSite(domain: string, store: Db = db()): Promise<void> {
  const { Attributes } = await storeCall(() =>
    store.doc.send(new DeleteCommand({ TableName: store.table, Key: keys.site(domain), ReturnValues: "ALL_OLD" })),
  );
  await storeCall(() => store.doc.send(new DeleteCommand({ TableName: store.table, Key: keys.siteEntry(domain) })));
  if (!Attributes) throw new DoesNotExist(`unknown site ${domain}`);
}

/**
 * Adds an agent with a conditional put: the item will also hold the service's live state, so an
 * existing agent is never replaced (`AlreadyExists`).
 */
export async function createAgent(domain: string, agent: Agent, store: Db = db()): Promise<Agent> {
  try {
    await storeCall(() =>
      store.doc.send(
        new PutCommand({
          TableName: store.table,
          Item: { ...keys.agent(domain, agent.id), ...agent },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw new AlreadyExists(`site ${domain} already has an agent ${agent.id}`);
    throw error;
  }
  return agent;
}

/** A change to an agent's profile: fields left out stay; `null` removes the picture or the password. */
export interface AgentPatch {
  nick?: string;
  picUrl?: string | null;
  passwordHash?: string | null;
}

/** SET/REMOVE of profile fields only, so the live state on the item survives; `DoesNotExist` for an unknown agent. */
export async function updateAgent(domain: string, id: string, patch: AgentPatch, store: Db = db()): Promise<Agent> {
  const set: Record<string, unknown> = {};
  const remove: string[] = [];
  if (patch.nick !== undefined) set.nick = patch.nick;
  for (const name of ["picUrl", "passwordHash"] as const) {
    const value = patch[name];
    if (value === null) remove.push(name);
    else if (value !== undefined) set[name] = value;
  }
  return toAgent(await updateFields(store, keys.agent(domain, id), set, remove, `site ${domain} has no agent ${id}`));
}

/**
 * Removes an agent; `DoesNotExist` if there is none with that id. Answers the hashes of the tickets
 * the service had recorded on the agent (lib/store/users.ts), for the caller to end.
 */
export async function deleteAgent(domain: string, id: string, store: Db = db()): Promise<string[]> {
  try {
    const { Attributes } = await storeCall(() =>
      store.doc.send(
        new DeleteCommand({
          TableName: store.table,
          Key: keys.agent(domain, id),
          ConditionExpression: "attribute_exists(pk)",
          ReturnValues: "ALL_OLD",
        }),
      ),
    );
    const tickets = Attributes?.tickets;
    return tickets instanceof Set ? [...tickets].map(String) : [];
  } catch (error) {
    if (isConditionFailed(error)) throw new DoesNotExist(`site ${domain} has no agent ${id}`);
    throw error;
  }
}
