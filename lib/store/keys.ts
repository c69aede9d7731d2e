/**
 * Every DynamoDB key of the table, built here and nowhere else (DESIGN.md, data model).
 * Ids never contain `#` (lib/http/fields.ts), so no key can be read two ways.
 */
import { createHash } from "node:crypto";

export interface Key {
  pk: string;
  sk: string;
}

/** Times in sort keys are 13-digit milliseconds, so that string order is time order. */
export function timeKey(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(13, "0");
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, 22);
}

/** The conversation of two users is the same key whoever writes it. */
export function conversationPk(domain: string, a: string, b: string): string {
  const [low, high] = a < b ? [a, b] : [b, a];
  return `CONV#${domain}#${low}#${high}`;
}

export const keys = {
  site: (domain: string): Key => ({ pk: `SITE#${domain}`, sk: "META" }),
  /** One registry item per site, so that listing the sites is one Query, never a Scan. */
  siteEntry: (domain: string): Key => ({ pk: "SITES", sk: domain }),
  sitesPk: "SITES",
  agent: (domain: string, id: string): Key => ({ pk: `SITE#${domain}`, sk: `AGENT#${id}` }),
  agentPrefix: "AGENT#",
  userState: (domain: string, id: string): Key => ({ pk: `USER#${domain}#${id}`, sk: "STATE" }),
  /** The conversations a user has: their agent(s) for a visitor, their visitors for an agent. */
  peer: (domain: string, owner: string, other: string): Key => ({ pk: `USER#${domain}#${owner}`, sk: `PEER#${other}` }),
  peerPrefix: "PEER#",
  /** An open conversation of a site, found by the routing's sweep (lib/im/routing.ts). */
  openConversation: (domain: string, visitor: string): Key => ({ pk: `SITE#${domain}`, sk: `OPEN#${visitor}` }),
  openPrefix: "OPEN#",
  connection: (connectionId: string): Key => ({ pk: `CONN#${connectionId}`, sk: "CONN" }),
  userConnection: (domain: string, userId: string, connectionId: string): Key => ({
    pk: `USER#${domain}#${userId}`,
    sk: `CONN#${connectionId}`,
  }),
  connectionPrefix: "CONN#",
  /** The table never holds a usable ticket, only its hash. */
  ticket: (ticketHash: string): Key => ({ pk: `TICKET#${ticketHash}`, sk: "TICKET" }),
  /** A pure function of the message, so storing it twice is one failed conditional put. */
  message: (domain: string, from: string, to: string, timestamp: number, body: string): Key => ({
    pk: conversationPk(domain, from, to),
    sk: `MSG#${timeKey(timestamp)}#${from}#${digest(body)}`,
  }),
  messagePrefix: "MSG#",
  messagesFrom: (timestamp: number): string => `MSG#${timeKey(timestamp)}`,
  clearMark: (domain: string, owner: string, other: string): Key => ({
    pk: conversationPk(domain, owner, other),
    sk: `CLEAR#${owner}`,
  }),
  inboxPk: (domain: string, user: string): string => `INBOX#${domain}#${user}`,
  inboxEvent: (domain: string, user: string, timestamp: number, unique: string): Key => ({
    pk: `INBOX#${domain}#${user}`,
    sk: `${timeKey(timestamp)}#${unique}`,
  }),
};

export function inboxTime(sk: string): number {
  return Number(sk.slice(0, 13));
}

export function expiresAt(ms: number): number {
  return Math.ceil(ms / 1000);
}
