/**
 * Tickets and visitor tokens. A ticket is 128 random bits; the table keeps only its hash.
 * A visitor token is the visitor's id with an HMAC of the deployment's secret over site and id:
 * the id alone proves nothing.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const VISITOR_PREFIX = "vid:";

export function newTicket(): string {
  return randomBytes(16).toString("base64url");
}

export function hashTicket(ticket: string): string {
  return createHash("sha256").update(ticket).digest("base64url");
}

export function newVisitorId(): string {
  return VISITOR_PREFIX + randomBytes(12).toString("base64url");
}

function visitorMac(secret: string, domain: string, visitorId: string): Buffer {
  return createHmac("sha256", secret).update(`visitor\n${domain}\n${visitorId}`).digest();
}

export function signVisitor(secret: string, domain: string, visitorId: string): string {
  return `${Buffer.from(visitorId).toString("base64url")}.${visitorMac(secret, domain, visitorId).toString("base64url")}`;
}

/** The visitor id a token names, or undefined for a token that is malformed, forged or of another site. */
export function verifyVisitor(secret: string, domain: string, token: string): string | undefined {
  const [idPart, macPart, ...rest] = token.split(".");
  if (idPart === undefined || macPart === undefined || rest.length > 0) return undefined;
  const visitorId = Buffer.from(idPart, "base64url").toString("utf8");
  if (!visitorId.startsWith(VISITOR_PREFIX) || visitorId.length > 64) return undefined;
  const given = Buffer.from(macPart, "base64url");
  const expected = visitorMac(secret, domain, visitorId);
  return given.length === expected.length && timingSafeEqual(given, expected) ? visitorId : undefined;
}
