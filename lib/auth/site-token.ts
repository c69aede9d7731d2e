/**
 * Tokens a site's own back end signs for its signed-in users (HS256 JWT, the site's secret):
 * `sub` (user id), `nick`, optional `pic_url`, `role` (`agent` or `member`), `iss` (the site's
 * domain) and `exp` (required). Verified with jose; anything wrong is simply not a token.
 */
import { jwtVerify } from "jose";
import { isWebUrl } from "../http/fields.js";

export interface SiteClaims {
  sub: string;
  nick: string;
  picUrl?: string;
  role: "agent" | "member";
}

/** Printable ASCII without `#` or `,`, as every id (lib/http/fields.ts). */
const ID_PATTERN = /^[\x21-\x22\x24-\x2b\x2d-\x7e]{1,64}$/;

export async function verifySiteToken(
  token: string,
  domain: string,
  secret: string,
  now: number,
): Promise<SiteClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ["HS256"],
      issuer: domain,
      requiredClaims: ["exp", "sub"],
      currentDate: new Date(now),
    });
    const { sub, nick, pic_url: picUrl, role } = payload as Record<string, unknown>;
    if (typeof sub !== "string" || !ID_PATTERN.test(sub) || sub.startsWith("vid:")) return undefined;
    if (typeof nick !== "string" || nick === "" || nick.length > 64) return undefined;
    if (role !== "agent" && role !== "member") return undefined;
    // A picture is shown in pages: only an http(s) URL, never `javascript:` or the like.
    if (picUrl !== undefined && (typeof picUrl !== "string" || picUrl.length > 512 || !isWebUrl(picUrl))) return undefined;
    return { sub, nick, role, ...(typeof picUrl === "string" ? { picUrl } : {}) };
  } catch {
    return undefined;
  }
}
