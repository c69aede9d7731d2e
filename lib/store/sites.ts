/** Sites: the domains registered with the service, and their settings. */
import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type Db, db } from "./client.js";
import { storeCall } from "./errors.js";
import { keys } from "./keys.js";

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
}

function toSite(item: Record<string, unknown>): Site {
  const settings = (item.settings ?? {}) as Partial<SiteSettings>;
  return {
    domain: String(item.domain),
    origins: (item.origins as string[] | undefined) ?? [],
    ...(typeof item.tokenSecret === "string" ? { tokenSecret: item.tokenSecret } : {}),
    settings: { ...DEFAULT_SETTINGS, ...settings },
  };
}

function toAgent(item: Record<string, unknown>): Agent {
  return {
    id: String(item.id),
    nick: String(item.nick),
    ...(typeof item.picUrl === "string" ? { picUrl: item.picUrl } : {}),
    ...(typeof item.passwordHash === "string" ? { passwordHash: item.passwordHash } : {}),
  };
}

export async function getSite(domain: string, store: Db = db()): Promise<Site | undefined> {
  const { Item } = await storeCall(() => store.doc.send(new GetCommand({ TableName: store.table, Key: keys.site(domain) })));
  return Item ? toSite(Item) : undefined;
}

export async function putSite(site: Site, store: Db = db()): Promise<void> {
  await storeCall(() => store.doc.send(new PutCommand({ TableName: store.table, Item: { ...keys.site(site.domain), ...site } })));
}

export async function getAgent(domain: string, id: string, store: Db = db()): Promise<Agent | undefined> {
  const { Item } = await storeCall(() => store.doc.send(new GetCommand({ TableName: store.table, Key: keys.agent(domain, id) })));
  return Item ? toAgent(Item) : undefined;
}

export async function putAgent(domain: string, agent: Agent, store: Db = db()): Promise<void> {
  await storeCall(() =>
    store.doc.send(new PutCommand({ TableName: store.table, Item: { ...keys.agent(domain, agent.id), ...agent } })),
  );
}

/** All agents of a site: one Query on the site's partition. */
export async function listAgents(domain: string, store: Db = db()): Promise<Agent[]> {
  const agents: Agent[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await storeCall(() =>
      store.doc.send(
        new QueryCommand({
          TableName: store.table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": keys.site(domain).pk, ":prefix": keys.agentPrefix },
          ExclusiveStartKey: start,
        }),
      ),
    );
    agents.push(...(page.Items ?? []).map(toAgent));
    start = page.LastEvaluatedKey;
  } while (start);
  return agents;
}
