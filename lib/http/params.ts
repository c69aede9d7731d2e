/**
 * The parameters of a call, from the query string, a form-urlencoded body or a JSON body.
 * The legacy client turns every call into a GET when it uses JSONP, so all three are read for
 * every endpoint; a name in both the query and the body takes the query's value (PROTOCOL.md).
 */
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { BadRequest, TooLarge } from "./errors.js";
import type { Params } from "./fields.js";

/** Far above the longest legal call (a 4000-character body, percent-encoded), far below API Gateway's 10 MB. */
export const MAX_BODY_BYTES = 64 * 1024;

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** Names whose value is a comma list: the only ones a JSON body may give as an array of strings. */
const LIST_PARAMS = new Set(["ids", "buddy_ids"]);

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    // A stray `%` or percent-encoded bytes that are not UTF-8: refused, never turned into U+FFFD.
    throw new BadRequest("parameters must be percent-encoded UTF-8");
  }
}

/** `a=1&b=2` (query string or form body); the first of several values of a name wins. */
function fromSearch(search: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of search.split("&")) {
    if (pair === "") continue;
    const equals = pair.indexOf("=");
    const name = decodeComponent(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? "" : decodeComponent(pair.slice(equals + 1));
    if (!(name in params)) params[name] = value;
  }
  return params;
}

function fromJson(text: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadRequest("request body is not valid JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new BadRequest("request body must be a JSON object");
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (value === null || value === undefined) continue;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      params[name] = String(value);
    } else if (LIST_PARAMS.has(name) && Array.isArray(value) && value.every((item) => typeof item === "string")) {
      params[name] = value.join(",");
    } else {
      throw new BadRequest(`${name} must be a string`);
    }
  }
  return params;
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

function bodyText(event: APIGatewayProxyEventV2): string {
  const raw = event.body ?? "";
  const bytes = event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
  if (bytes.length > MAX_BODY_BYTES) throw new TooLarge(`request body is larger than ${MAX_BODY_BYTES} bytes`);
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw new BadRequest("request body must be UTF-8 text");
  }
}

function fromBody(event: APIGatewayProxyEventV2): Record<string, string> {
  const encoding = (header(event, "content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && (event.body ?? "") !== "") throw new BadRequest("request body must not be compressed");
  const text = bodyText(event);
  if (text.trim() === "") return {};
  const type = (header(event, "content-type") ?? "").toLowerCase();
  // Read as anything else, its parameters would be missed, and the answer would name the wrong fault.
  if (type.startsWith("multipart/")) throw new BadRequest("request body must be form-urlencoded or JSON");
  if (type.includes("json") || (!type.includes("form") && /^\s*\{/.test(text))) return fromJson(text);
  return fromSearch(text);
}

export function readParams(event: APIGatewayProxyEventV2): Params {
  if ((event.rawQueryString ?? "").length > MAX_BODY_BYTES) {
    throw new TooLarge(`query string is longer than ${MAX_BODY_BYTES} characters`);
  }
  return { ...fromBody(event), ...fromSearch(event.rawQueryString ?? "") };
}

/** The request's origin (scheme and host), for URLs the answer hands back to the client. */
export function requestBaseUrl(event: APIGatewayProxyEventV2): string {
  const host = header(event, "x-forwarded-host") ?? header(event, "host") ?? event.requestContext.domainName;
  // API Gateway always says how the client came in; a local stack without a proxy is plain HTTP.
  const loopback = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host);
  const proto = header(event, "x-forwarded-proto")?.split(",")[0]?.trim() ?? (loopback ? "http" : "https");
  return `${proto}://${host}`;
}
