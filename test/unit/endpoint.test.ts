import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OK } from "../../lib/http/answer.js";
import { type Call, endpoint } from "../../lib/http/endpoint.js";
import { BadRequest, NotFound } from "../../lib/http/errors.js";
import { createContext, createEvent, type EventOptions } from "./support/lambda.js";

type Action = Parameters<typeof endpoint>[0];

/** Wraps `action` the way every function does and calls it once with an event made of `options`. */
async function invoke(
  action: Action,
  options: EventOptions = {},
  remainingMs = 29_000,
): Promise<APIGatewayProxyStructuredResultV2> {
  const handler = endpoint(action);
  return handler(createEvent(options), createContext(remainingMs));
}

const json = (result: APIGatewayProxyStructuredResultV2): unknown => JSON.parse(String(result.body));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("endpoint", () => {
  it("hands the action the call's parameters and the time left, and answers its result as JSON", async () => {
    // Prepare
    const seen: { params?: Call["params"]; remainingMs?: number } = {};
    const action: Action = async (call) => {
      seen.params = call.params;
      seen.remainingMs = call.remainingMs();
      return { success: true, to: call.params.to };
    };

    // Act
    const result = await invoke(
      action,
      { query: "to=alice", body: "body=hi", headers: { "content-type": "application/x-www-form-urlencoded" } },
      12_345,
    );

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers?.["Content-Type"]).toBe("application/json; charset=utf-8");
    expect(json(result)).toEqual({ success: true, to: "alice" });
    expect(seen).toEqual({ params: { to: "alice", body: "hi" }, remainingMs: 12_345 });
  });

  it("answers OK as the bare text ok", async () => {
    // Act
    const result = await invoke(async () => OK);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers?.["Content-Type"]).toBe("text/plain; charset=utf-8");
    expect(result.body).toBe("ok");
  });

  it.each<{ what: string; action: Action; payload: string }>([
    { what: "a result", action: async () => ({ success: true }), payload: '{"success":true}' },
    { what: "OK", action: async () => OK, payload: '"ok"' },
  ])("wraps $what in the query's valid callback", async ({ action, payload }) => {
    // Act
    const result = await invoke(action, { query: "callback=jQuery1_2&to=alice" });

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers?.["Content-Type"]).toBe("application/javascript; charset=utf-8");
    expect(result.body).toBe(`/**/ jQuery1_2(${payload});`);
  });

  it.each([
    { error: new BadRequest("to is required"), status: 400 },
    { error: new NotFound(), status: 404 },
  ])("answers a thrown $error.message as JSON with status $status", async ({ error, status }) => {
    // Act
    const result = await invoke(async () => {
      throw error;
    });

    // Assess
    expect(result.statusCode).toBe(status);
    expect(result.headers?.["Content-Type"]).toBe("application/json; charset=utf-8");
    expect(json(result)).toEqual({ success: false, error_msg: error.message });
  });

  it("answers a thrown BadRequest inside a valid callback, with status 200", async () => {
    // Act
    const result = await invoke(
      async () => {
        throw new BadRequest("to is required");
      },
      { query: "callback=cb" },
    );

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers?.["Content-Type"]).toBe("application/javascript; charset=utf-8");
    expect(result.body).toBe('/**/ cb({"success":false,"error_msg":"to is required"});');
  });

  it("answers a bad parameter source (a broken JSON body) inside a valid callback", async () => {
    // Act
    const result = await invoke(async () => ({ success: true }), {
      query: "callback=cb",
      body: "{nope",
      headers: { "content-type": "application/json" },
    });

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('/**/ cb({"success":false,"error_msg":"request body is not valid JSON"});');
  });

  it.each(["alert(1)//", "a..b", "1a", "x".repeat(65)])(
    "refuses the bad callback %j as plain 400 JSON without running the action or echoing it",
    async (callback) => {
      // Prepare
      const action = vi.fn<Action>(async () => ({ success: true }));

      // Act
      const result = await invoke(action, { query: `callback=${encodeURIComponent(callback)}` });

      // Assess
      expect(result.statusCode).toBe(400);
      expect(result.headers?.["Content-Type"]).toBe("application/json; charset=utf-8");
      expect(json(result)).toEqual({ success: false, error_msg: "callback must be a JavaScript name of at most 64 characters" });
      expect(result.body).not.toContain(callback);
      expect(action).not.toHaveBeenCalled();
    },
  );

  it.each([
    { how: "without a callback", query: "", status: 500, body: '{"success":false,"error_msg":"IM Server Error"}' },
    {
      how: "with a callback",
      query: "callback=cb",
      status: 200,
      body: '/**/ cb({"success":false,"error_msg":"IM Server Error"});',
    },
  ])(
    "answers an unexpected error $how as IM Server Error and logs, never shows, its details",
    async ({ query, status, body }) => {
      // Prepare
      const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
      const action: Action = async () => {
        throw new Error("connect ECONNREFUSED dynamodb.internal:8000 secret=s3cr3t");
      };

      // Act
      const result = await invoke(action, { query });

      // Assess
      expect(result.statusCode).toBe(status);
      expect(result.body).toBe(body);
      expect(JSON.stringify(result)).not.toContain("s3cr3t");
      expect(JSON.stringify(result)).not.toContain("ECONNREFUSED");
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0]?.[0])).toContain("ECONNREFUSED");
    },
  );

  it("does not log an error meant for the caller", async () => {
    // Prepare
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);

    // Act
    await invoke(async () => {
      throw new NotFound();
    });

    // Assess
    expect(log).not.toHaveBeenCalled();
  });

  it("keeps one call's callback out of the next call's error", async () => {
    // Prepare
    const handler = endpoint(async () => ({ success: true }));
    await handler(createEvent({ query: "callback=first" }), createContext());

    // Act
    const result = await handler(createEvent({ query: "callback=a..b" }), createContext());

    // Assess
    expect(result.statusCode).toBe(400);
    expect(result.body).not.toContain("first");
  });
});
