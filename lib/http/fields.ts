/**
 * One rule per kind of parameter (DESIGN.md, "Bad input"). A broken rule throws a BadRequest
 * that names the field, before anything is read or written.
 */
import { BadRequest } from "./errors.js";

export type Params = Readonly<Record<string, string>>;

export const SHOWS = ["available", "away", "chat", "dnd", "invisible"] as const;
export type Show = (typeof SHOWS)[number];

export const LIMITS = {
  id: 64,
  nick: 64,
  body: 4000,
  style: 200,
  status: 200,
  url: 1024,
  domain: 253,
  ticket: 64,
  token: 512,
} as const;

/** Printable ASCII without `#` (the key separator) or `,` (the list separator). */
const ID_PATTERN = /^[\x21-\x22\x24-\x2b\x2d-\x7e]+$/;
const DOMAIN_PATTERN = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Control characters but tab, line feed and carriage return: nothing a person types. */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}

/** Half of a surrogate pair with no other half: a JSON body can carry one (`\ud800`), UTF-8 cannot. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Text that is there and not only blanks; its length in characters (code points), as a person counts. */
export function optionalText(params: Params, name: string, max: number): string | undefined {
  const value = params[name];
  if (value === undefined || value.trim() === "") return undefined;
  if (value.length > max && [...value].length > max) throw new BadRequest(`${name} is longer than ${max} characters`);
  if (hasControl(value)) throw new BadRequest(`${name} must not contain control characters`);
  if (LONE_SURROGATE.test(value)) throw new BadRequest(`${name} must be valid Unicode text`);
  return value;
}

/** Embeddings, overrides and isolates: in a name they reverse or hide what follows it on the screen. */
const DIRECTION_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
/** What shows nothing: white space and format characters (zero-width spaces, joiners). */
const INVISIBLE = /[\s\p{Cf}]/gu;

/**
 * Text shown on one line as a name or a status: no tab or line break, no direction controls, and
 * something visible (a nick made of zero-width characters would show the agent nobody).
 */
export function optionalLine(params: Params, name: string, max: number): string | undefined {
  const value = optionalText(params, name, max);
  if (value === undefined) return undefined;
  if (/[\t\n\r]/.test(value)) throw new BadRequest(`${name} must be one line`);
  if (DIRECTION_CONTROL.test(value)) throw new BadRequest(`${name} must not contain text direction controls`);
  if (value.replace(INVISIBLE, "") === "") throw new BadRequest(`${name} must not be blank`);
  return value;
}

export function requiredLine(params: Params, name: string, max: number): string {
  const value = optionalLine(params, name, max);
  return value ?? requiredText(params, name, max);
}

export function requiredText(params: Params, name: string, max: number): string {
  const value = optionalText(params, name, max);
  if (value === undefined && params[name]) throw new BadRequest(`${name} must not be blank`);
  if (value === undefined) throw new BadRequest(`${name} is required`);
  return value;
}

/** An http(s) URL, as pages and pictures have; anything else (`javascript:`, `data:`) is refused. */
export function optionalUrl(params: Params, name: string): string | undefined {
  const value = optionalText(params, name, LIMITS.url);
  if (value === undefined) return undefined;
  if (!isWebUrl(value)) throw new BadRequest(`${name} must be an http or https URL`);
  return value;
}

export function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

export function checkId(name: string, value: string): string {
  if (value.length > LIMITS.id) throw new BadRequest(`${name} is longer than ${LIMITS.id} characters`);
  if (!ID_PATTERN.test(value)) throw new BadRequest(`${name} must be printable ASCII without spaces, '#' or ','`);
  return value;
}

export function requiredId(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined || value === "") throw new BadRequest(`${name} is required`);
  return checkId(name, value);
}

/** A comma list of ids, at most `max` of them, duplicates dropped. */
export function idList(params: Params, name: string, max: number): string[] {
  const raw = params[name];
  if (raw === undefined || raw.trim() === "") return [];
  const ids = [
    ...new Set(
      raw
        .split(",")
        .map((id) => id.trim())
        .filter((id) => id !== ""),
    ),
  ];
  if (ids.length > max) throw new BadRequest(`${name} lists more than ${max} ids`);
  return ids.map((id) => checkId(name, id));
}

export function requiredDomain(params: Params): string {
  const domain = requiredText(params, "domain", LIMITS.domain).toLowerCase();
  if (!DOMAIN_PATTERN.test(domain)) throw new BadRequest("domain must be a host name such as example.com");
  return domain;
}

/** A required parameter with a fixed set of values. */
export function oneOf<T extends string>(params: Params, name: string, values: readonly T[]): T {
  const value = requiredText(params, name, 32);
  if (!(values as readonly string[]).includes(value)) throw new BadRequest(`${name} must be one of ${values.join(", ")}`);
  return value as T;
}

export function optionalShow(params: Params): Show | undefined {
  return optionalText(params, "show", 32) === undefined ? undefined : oneOf(params, "show", SHOWS);
}

export function requiredShow(params: Params): Show {
  return oneOf(params, "show", SHOWS);
}

/** The only conversation type of the customer-service protocol. */
export function unicastType(params: Params): "unicast" {
  const value = requiredText(params, "type", 16);
  if (value !== "unicast") throw new BadRequest("type must be unicast");
  return value;
}

export function optionalInteger(params: Params, name: string, min: number, max: number): number | undefined {
  const raw = optionalText(params, name, 20);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new BadRequest(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function requiredInteger(params: Params, name: string, min: number, max: number): number {
  const value = optionalInteger(params, name, min, max);
  if (value === undefined) throw new BadRequest(`${name} is required`);
  return value;
}

/** The other side of a conversation: `id`, or the seed table's `ids` (a typo every client ignores). */
export function peerId(params: Params): string {
  if (params.id === undefined && params.ids !== undefined) {
    const [first, ...rest] = idList(params, "ids", 1);
    if (first === undefined || rest.length > 0) throw new BadRequest("id is required");
    return first;
  }
  return requiredId(params, "id");
}

const SINCE_LEEWAY_MS = 10_000;

/**
 * Where a client resumes the long poll: the `id` of the last packet it saw, or a time in ms
 * (everything after that millisecond). Both become an inbox sort key to read after.
 */
export function optionalSince(params: Params, now = Date.now()): string | undefined {
  const raw = optionalText(params, "since", 40);
  if (raw === undefined) return undefined;
  const time = /^\d{13}#[A-Za-z0-9_-]{1,16}$/.test(raw) ? raw.slice(0, 13) : /^\d{1,13}$/.test(raw) ? raw : undefined;
  if (time === undefined) throw new BadRequest("since must be a packet id or a time in milliseconds");
  // Packet ids are stamped by the service's clocks: one from the future would skip, unseen, every
  // packet up to it. A few seconds' leeway covers clocks of different hosts.
  if (Number(time) > now + SINCE_LEEWAY_MS) throw new BadRequest("since must not be in the future");
  return time === raw ? `${raw.padStart(13, "0")}~` : raw;
}
