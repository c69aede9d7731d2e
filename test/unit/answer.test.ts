import { describe, expect, it } from "vitest";
import { type Answer, checkCallback, errorAnswer, OK, respond } from "../../lib/http/answer.js";
import { BadRequest, Forbidden, NotAuthorized, NotFound, TooLarge, TooManyRequests, WebimError } from "../../lib/http/errors.js";

describe("respond without a callback", () => {
  it("answers an object as JSON with the given status", () => {
    // Prepare
    const answer = { success: true, buddies: [{ id: "alice" }] };

    // Act
    const result = respond(answer, undefined, 201);

    // Assess
    expect(result.statusCode).toBe(201);
    expect(result.headers?.["Content-Type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(String(result.body))).toEqual(answer);
  });

  it("answers with status 200 by default", () => {
    expect(respond({ success: true }, undefined).statusCode).toBe(200);
  });

  it("answers OK as the bare text ok", () => {
    // Act
    const result = respond(OK, undefined);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers?.["Content-Type"]).toBe("text/plain; charset=utf-8");
    expect(result.body).toBe("ok");
  });
});

describe("respond with a callback (JSONP)", () => {
  it.each<{ what: string; answer: Answer; payload: string }>([
    { what: "an object", answer: { success: true, n: 1 }, payload: '{"success":true,"n":1}' },
    { what: "OK", answer: OK, payload: '"ok"' },
  ])("wraps $what in a call of the callback", ({ answer, payload }) => {
    // Act
    const result = respond(answer, "jQuery123_456.cb");

    // Assess
    expect(result.body).toBe(`/**/ jQuery123_456.cb(${payload});`);
    expect(result.headers?.["Content-Type"]).toBe("application/javascript; charset=utf-8");
  });

  it.each([400, 401, 404, 413, 500])("answers with status 200 even for an error status %i", (status) => {
    // Act
    const result = respond({ success: false, error_msg: "Not Found" }, "cb", status);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('/**/ cb({"success":false,"error_msg":"Not Found"});');
  });
});

describe.each<{ kind: string; answer: Answer; callback: string | undefined }>([
  { kind: "JSON", answer: { success: true }, callback: undefined },
  { kind: "ok", answer: OK, callback: undefined },
  { kind: "JSONP", answer: { success: true }, callback: "cb" },
])("every $kind answer", ({ answer, callback }) => {
  it("forbids caching and content sniffing", () => {
    // Act
    const result = respond(answer, callback);

    // Assess
    expect(result.headers?.["Cache-Control"]).toBe("no-store");
    expect(result.headers?.["X-Content-Type-Options"]).toBe("nosniff");
  });
});

describe("checkCallback", () => {
  it.each(["a", "$", "_", "a.b_c$1", "jQuery3600_1700000000000", "webim.cb.x9", "A".repeat(64)])("accepts %j", (callback) => {
    expect(checkCallback(callback)).toBe(callback);
  });

  it.each([undefined, ""])("takes %j as no callback", (callback) => {
    expect(checkCallback(callback)).toBeUndefined();
  });

  it.each(["a..b", "1a", "a(", "a.", ".a", "a.1b", "a-b", "a b", "alert(1)//", "a;b", "a[0]", "é", "a\n", "A".repeat(65)])(
    "refuses %j as a BadRequest that does not echo it",
    (callback) => {
      // Act
      let thrown: unknown;
      try {
        checkCallback(callback);
      } catch (error) {
        thrown = error;
      }

      // Assess
      expect(thrown).toBeInstanceOf(BadRequest);
      expect((thrown as BadRequest).message).toBe("callback must be a JavaScript name of at most 64 characters");
    },
  );
});

describe("errorAnswer", () => {
  it.each([
    { error: new BadRequest("to is required"), status: 400, message: "to is required" },
    { error: new NotAuthorized(), status: 401, message: "Not Authorized" },
    { error: new Forbidden(), status: 403, message: "Forbidden" },
    { error: new NotFound(), status: 404, message: "Not Found" },
    {
      error: new TooLarge("request body is larger than 65536 bytes"),
      status: 413,
      message: "request body is larger than 65536 bytes",
    },
    { error: new TooManyRequests(), status: 429, message: "Too Many Requests" },
    { error: new WebimError(409, "already there"), status: 409, message: "already there" },
  ])("maps $error.name $status to its status and message", ({ error, status, message }) => {
    // Act
    const mapped = errorAnswer(error);

    // Assess
    expect(mapped).toEqual({ status, answer: { success: false, error_msg: message } });
  });

  it.each([
    { what: "an Error", error: new Error("connect ECONNREFUSED 10.0.0.5:8000 table=webim-prod secret=s3cr3t") },
    { what: "a TypeError", error: new TypeError("Cannot read properties of undefined (reading 'secret=s3cr3t')") },
    {
      what: "an SDK-looking error",
      error: Object.assign(new Error("User arn:aws:iam::1234 secret=s3cr3t is not authorized"), {
        name: "AccessDeniedException",
      }),
    },
    { what: "a string", error: "secret=s3cr3t" },
    { what: "undefined", error: undefined },
  ])("hides $what as a 500 with a fixed message", ({ error }) => {
    // Act
    const mapped = errorAnswer(error);

    // Assess
    expect(mapped).toEqual({ status: 500, answer: { success: false, error_msg: "IM Server Error" } });
    expect(JSON.stringify(mapped)).not.toContain("s3cr3t");
  });
});
