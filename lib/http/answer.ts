/**
 * How every endpoint answers: JSON, the bare string `ok`, or either wrapped in a JSONP call.
 * With JSONP the status is always 200 and errors travel in the payload, because a `<script>`
 * load cannot read the status (PROTOCOL.md, general rules).
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { BadRequest, WebimError } from "./errors.js";

/** What a handler returns for the seed's bare `ok`. */
export const OK = Symbol("ok");
export type Answer = typeof OK | object;

const CALLBACK_PATTERN = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const CALLBACK_MAX = 64;

/** A callback that could not be used is refused as plain JSON and never reflected. */
export function checkCallback(callback: string | undefined): string | undefined {
  if (callback === undefined || callback === "") return undefined;
  if (callback.length > CALLBACK_MAX || !CALLBACK_PATTERN.test(callback)) {
    throw new BadRequest(`callback must be a JavaScript name of at most ${CALLBACK_MAX} characters`);
  }
  return callback;
}

const COMMON_HEADERS = {
  // Long-poll answers and JSONP scripts must never be served from a cache.
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

export function respond(answer: Answer, callback: string | undefined, status = 200): APIGatewayProxyStructuredResultV2 {
  if (callback !== undefined) {
    const payload = answer === OK ? '"ok"' : JSON.stringify(answer);
    return {
      statusCode: 200,
      headers: { ...COMMON_HEADERS, "Content-Type": "application/javascript; charset=utf-8" },
      body: `/**/ ${callback}(${payload});`,
    };
  }
  if (answer === OK) {
    return { statusCode: status, headers: { ...COMMON_HEADERS, "Content-Type": "text/plain; charset=utf-8" }, body: "ok" };
  }
  return {
    statusCode: status,
    headers: { ...COMMON_HEADERS, "Content-Type": "application/json; charset=utf-8" },
    body: JSON.stringify(answer),
  };
}

export interface ErrorAnswer {
  success: false;
  error_msg: string;
}

/** Maps any thrown value to the protocol's error answer; internals of a 5xx never leave the function. */
export function errorAnswer(error: unknown): { status: number; answer: ErrorAnswer } {
  if (error instanceof WebimError) return { status: error.status, answer: { success: false, error_msg: error.message } };
  return { status: 500, answer: { success: false, error_msg: "IM Server Error" } };
}
