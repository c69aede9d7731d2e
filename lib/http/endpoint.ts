/**
 * The one middleware stack every endpoint runs in: read the parameters and the JSONP callback,
 * run the action, serialize its answer (JSON, `ok` or JSONP), and map any error to the protocol's
 * error answer. Handlers only parse their own fields, call `lib/`, and return.
 */
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { config } from "../config.js";
import { type Answer, checkCallback, errorAnswer, respond } from "./answer.js";
import type { Params } from "./fields.js";
import { readParams, requestBaseUrl } from "./params.js";

export interface Call {
  params: Params;
  /** The public URL of one of this API's paths, for URLs handed back to the client. */
  url: (path: string) => string;
  /** Milliseconds this invocation has left before Lambda stops it. */
  remainingMs: () => number;
}

type Action = (call: Call) => Promise<Answer>;

interface Internal extends Record<string, unknown> {
  callback?: string | undefined;
}

type Request = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context, Internal>;

function callbackOf(event: APIGatewayProxyEventV2): string | undefined {
  return new URLSearchParams(event.rawQueryString ?? "").get("callback") ?? undefined;
}

const protocol = {
  before(request: Request) {
    // The callback is checked first so that every later error can travel inside it.
    request.internal.callback = checkCallback(callbackOf(request.event));
  },
  onError(request: Request) {
    const { status, answer } = errorAnswer(request.error);
    if (status >= 500) console.error(JSON.stringify({ level: "error", error: String(request.error?.stack ?? request.error) }));
    request.response = respond(answer, request.internal.callback, status);
  },
};

export function endpoint(action: Action) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context, Internal>()
    .use(protocol)
    .handler(async (event, context) => {
      const answer = await action({
        params: readParams(event),
        url: (path) => `${config.publicBaseUrl ?? requestBaseUrl(event)}${path}`,
        remainingMs: () => context.getRemainingTimeInMillis(),
      });
      return respond(answer, checkCallback(callbackOf(event)));
    });
}
