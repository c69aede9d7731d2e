/** Factories for the Lambda inputs the unit tests feed to lib/http: an HTTP API event and a context. */
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";

export interface EventOptions {
  /** The raw query string, without `?`. */
  query?: string;
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string>;
  method?: string;
  path?: string;
  domainName?: string;
}

/** An API Gateway HTTP API (payload 2.0) event with only what the test names changed. */
export function createEvent(options: EventOptions = {}): APIGatewayProxyEventV2 {
  const method = options.method ?? (options.body === undefined ? "GET" : "POST");
  const path = options.path ?? "/webim/online";
  const domainName = options.domainName ?? "abc123.execute-api.us-east-1.amazonaws.com";
  const event: APIGatewayProxyEventV2 = {
    version: "2.0",
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: options.query ?? "",
    headers: { host: domainName, ...options.headers },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName,
      domainPrefix: "abc123",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "vitest" },
      requestId: "request-1",
      routeKey: `${method} ${path}`,
      stage: "$default",
      time: "01/Jan/2025:00:00:00 +0000",
      timeEpoch: 1_735_689_600_000,
    },
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
  if (options.body !== undefined) event.body = options.body;
  return event;
}

/** A Lambda context that reports `remainingMs` left, and nothing else that matters. */
export function createContext(remainingMs = 29_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "webim-unit-online",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:webim-unit-online",
    memoryLimitInMB: "256",
    awsRequestId: "request-1",
    logGroupName: "/aws/lambda/webim-unit-online",
    logStreamName: "stream",
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
