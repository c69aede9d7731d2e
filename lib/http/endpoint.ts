/**
 * The one middleware stack every endpoint runs in: read the parameters and the JSONP callback,
 * run the action, serialize its answer (JSON, `ok` or JSONP), add the CORS grant, and map any
 * error to the protocol's error answer. Handlers only parse their own fields, call `lib/`, and return.
 */
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { config } from "../config.js";
import { type Answer, checkCallback, errorAnswer, respond } from "./answer.js";
import { corsHeaders } from "./cors.js";
import type { Params } from "./fields.js";
import { header, readParams, requestBaseUrl } from "./params.js";

export interface Call {
  params: Params;
  /** The public URL of one of this API's paths, for URLs handed back to the client. */
  url: (path: string) => string;
  /** Milliseconds this invocation has left before Lambda stops it. */
  remainingMs: () => number;
  /** The page's origin for a CORS call; undefined for JSONP, same-origin and non-browser calls. */
  origin: string | undefined;
  userAgent: string | undefined;
  /** Set once the call's site has admitted `origin` (lib/http/cors.ts). */
  grantedOrigin?: string;
}

type Action = (call: Call) => Promise<Answer>;

interface Internal extends Record<string, unknown> {
  callback?: string | undefined;
  call?: Call;
}

type Request = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context, Internal>;

function callbackOf(event: APIGatewayProxyEventV2): string | undefined {
  return new URLSearchParams(event.rawQueryString ?? "").get("callback") ?? undefined;
}

function crossOrigin(event: APIGatewayProxyEventV2, callback: string | undefined): string | undefined {
  const origin = header(event, "origin");
  // A JSONP answer is a script, which CORS does not govern; a page of the API's own origin needs no grant.
  if (callback !== undefined || origin === undefined || origin === requestBaseUrl(event)) return undefined;
  return origin;
}

const calls = new WeakMap<APIGatewayProxyEventV2, Call>();

const protocol = {
  before(request: Request) {
    // The callback is checked first so that every later error can travel inside it.
    request.internal.callback = checkCallback(callbackOf(request.event));
  },
  after(request: Request) {
    const call = calls.get(request.event);
    if (request.response && call) request.response.headers = { ...request.response.headers, ...corsHeaders(call, undefined) };
  },
  onError(request: Request) {
    const { status, answer } = errorAnswer(request.error);
    if (status >= 500) console.error(JSON.stringify({ level: "error", error: String(request.error?.stack ?? request.error) }));
    const response = respond(answer, request.internal.callback, status);
    const call = calls.get(request.event);
    if (call) response.headers = { ...response.headers, ...corsHeaders(call, request.error) };
    request.response = response;
  },
};

export function endpoint(action: Action) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context, Internal>()
    .use(protocol)
    .handler(async (event, context) => {
      const callback = checkCallback(callbackOf(event));
      const call: Call = {
        params: {},
        url: (path) => `${config.publicBaseUrl ?? requestBaseUrl(event)}${path}`,
        remainingMs: () => context.getRemainingTimeInMillis(),
        origin: crossOrigin(event, callback),
        userAgent: header(event, "user-agent"),
      };
      calls.set(event, call);
      call.params = readParams(event);
      return respond(await action(call), callback);
    });
}
