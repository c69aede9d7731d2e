/**
 * The browser files: the visitor widget (`/webim.js`, the script sites embed) and the agent console
 * (`/console`, `/console.js`, `/console.css`). They are built from web/ into the bundle itself
 * (the `webim:assets` module, scripts/build-web.ts), so serving one is a lookup, never a read.
 * Not a protocol endpoint: no ticket, no JSONP, no DynamoDB.
 */

import assets, { type WebAsset } from "webim:assets";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";

const YEAR_SECONDS = 365 * 24 * 3600;

const CACHE: Record<WebAsset["cache"], string> = {
  // Sites embed /webim.js without a version: a fix reaches them within minutes.
  short: "public, max-age=300, stale-while-revalidate=86400",
  versioned: "public, max-age=300",
  none: "no-cache",
};

/** The console talks to this API (same origin) and to its WebSocket (another host on AWS). */
const CONSOLE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The route's own part of the path: with a custom domain's base path, `/chat/webim.js` is `/webim.js`. */
function routeOf(path: string): string | undefined {
  return Object.keys(assets)
    .sort((a, b) => b.length - a.length)
    .find((route) => path === route || path.endsWith(route));
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

function headersFor(route: string, asset: WebAsset, versioned: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": asset.type,
    "Cache-Control": versioned ? `public, max-age=${YEAR_SECONDS}, immutable` : CACHE[asset.cache],
    ETag: `"${asset.version}"`,
    Vary: "Accept-Encoding",
    "X-Content-Type-Options": "nosniff",
  };
  if (route === "/webim.js") {
    // Embedded by other sites, including ones that isolate themselves (COEP) or load it with `crossorigin`.
    headers["Cross-Origin-Resource-Policy"] = "cross-origin";
    headers["Access-Control-Allow-Origin"] = "*";
  }
  if (asset.type.startsWith("text/html")) {
    headers["Content-Security-Policy"] = CONSOLE_POLICY;
    headers["Referrer-Policy"] = "no-referrer";
    headers["X-Frame-Options"] = "DENY";
  }
  return headers;
}

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const route = routeOf(event.rawPath ?? "");
  const asset = route === undefined ? undefined : assets[route];
  if (route === undefined || asset === undefined) {
    return { statusCode: 404, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: "Not Found" };
  }
  const version = new URLSearchParams(event.rawQueryString ?? "").get("v");
  const headers = headersFor(route, asset, asset.cache === "versioned" && version === asset.version);
  const known = header(event, "if-none-match");
  if (known?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === headers.ETag)) {
    return { statusCode: 304, headers };
  }
  if (/\bgzip\b/.test(header(event, "accept-encoding") ?? "")) {
    return { statusCode: 200, headers: { ...headers, "Content-Encoding": "gzip" }, body: asset.gzip, isBase64Encoded: true };
  }
  return { statusCode: 200, headers, body: asset.body };
}
