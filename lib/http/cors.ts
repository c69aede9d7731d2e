/**
 * CORS per site: a page may call with CORS only from an origin its site registered. The site is
 * known only once the call names its domain or ticket, so the grant is given there, before
 * anything is read for or written by the caller; errors met before that (a bad parameter, an
 * unknown ticket) stay readable by the page, since they tell nothing about any site.
 */
import type { Call } from "./endpoint.js";
import { OriginRefused } from "./errors.js";

export function admitOrigin(call: Call, allowedOrigins: readonly string[]): void {
  if (call.origin === undefined) return;
  if (!allowedOrigins.includes(call.origin)) throw new OriginRefused();
  call.grantedOrigin = call.origin;
}

export function corsHeaders(call: Call, error: unknown): Record<string, string> {
  const origin = error === undefined ? call.grantedOrigin : error instanceof OriginRefused ? undefined : call.origin;
  return origin === undefined ? {} : { "Access-Control-Allow-Origin": origin, Vary: "Origin" };
}
