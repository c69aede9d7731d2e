import { describe, expect, it } from "vitest";
import { BadRequest, TooLarge } from "../../lib/http/errors.js";
import { MAX_BODY_BYTES, readParams, requestBaseUrl } from "../../lib/http/params.js";
import { createEvent } from "./support/lambda.js";

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const JSON_TYPE = { "content-type": "application/json" };

/** Runs `act`, which must throw; returns what it threw. */
function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, nothing was thrown");
}

describe("readParams", () => {
  it("reads the query string, decoding it", () => {
    // Prepare
    const event = createEvent({ query: "domain=example.com&nick=J%C3%B6rg+M&body=a%26b%3Dc" });

    // Act
    const params = readParams(event);

    // Assess
    expect(params).toEqual({ domain: "example.com", nick: "Jörg M", body: "a&b=c" });
  });

  it("reads a form-urlencoded body", () => {
    // Prepare
    const event = createEvent({ body: "ticket=t1&to=alice&body=hello+world%21", headers: FORM });

    // Act
    const params = readParams(event);

    // Assess
    expect(params).toEqual({ ticket: "t1", to: "alice", body: "hello world!" });
  });

  it("reads a JSON body's strings, numbers, booleans and string arrays as text", () => {
    // Prepare
    const body = JSON.stringify({ to: "alice", timestamp: 1700000000000, show: true, ids: ["a", "b"], gone: null });
    const event = createEvent({ body, headers: JSON_TYPE });

    // Act
    const params = readParams(event);

    // Assess
    expect(params).toEqual({ to: "alice", timestamp: "1700000000000", show: "true", ids: "a,b" });
  });

  it.each([
    { what: "a nested object", body: { to: { id: "alice" } }, error: "to must be a string" },
    { what: "an array of numbers", body: { ids: [1, 2] }, error: "ids must be a string" },
    { what: "an array at the top", body: ["to", "alice"], error: "request body must be a JSON object" },
    { what: "a string at the top", body: "to=alice", error: "request body must be a JSON object" },
  ])("refuses a JSON body with $what", ({ body, error }) => {
    // Prepare
    const event = createEvent({ body: JSON.stringify(body), headers: JSON_TYPE });

    // Act
    const thrown = thrownBy(() => readParams(event));

    // Assess
    expect(thrown).toBeInstanceOf(BadRequest);
    expect((thrown as BadRequest).message).toBe(error);
  });

  it.each([{ body: "{nope" }, { body: '{"to": "alice",}' }])("refuses invalid JSON $body with 400", ({ body }) => {
    // Prepare
    const event = createEvent({ body, headers: JSON_TYPE });

    // Act
    const thrown = thrownBy(() => readParams(event));

    // Assess
    expect(thrown).toBeInstanceOf(BadRequest);
    expect((thrown as BadRequest).status).toBe(400);
    expect((thrown as BadRequest).message).toBe("request body is not valid JSON");
  });

  it.each([
    { what: "no content type", headers: {} },
    { what: "text/plain (a sendBeacon)", headers: { "content-type": "text/plain;charset=UTF-8" } },
  ])("reads a JSON object body with $what", ({ headers }) => {
    // Prepare
    const event = createEvent({ body: '  {"to":"alice","body":"a=b&c"}', headers });

    // Act
    const params = readParams(event);

    // Assess
    expect(params).toEqual({ to: "alice", body: "a=b&c" });
  });

  it("refuses a multipart or compressed body rather than read no parameters from it", () => {
    const multipart = createEvent({
      body: '--x\r\nContent-Disposition: form-data; name="to"\r\n\r\nalice\r\n--x--',
      headers: { "content-type": "multipart/form-data; boundary=x" },
    });
    const gzipped = createEvent({
      body: Buffer.from([0x1f, 0x8b, 0x08, 0x00]).toString("base64"),
      isBase64Encoded: true,
      headers: { ...FORM, "content-encoding": "gzip" },
    });

    expect(thrownBy(() => readParams(multipart))).toEqual(new BadRequest("request body must be form-urlencoded or JSON"));
    expect(thrownBy(() => readParams(gzipped))).toEqual(new BadRequest("request body must not be compressed"));
    // A client that names the identity encoding, or sends no body, is fine.
    expect(readParams(createEvent({ body: "to=alice", headers: { ...FORM, "content-encoding": "identity" } }))).toEqual({
      to: "alice",
    });
    expect(readParams(createEvent({ body: "", headers: { "content-encoding": "gzip" } }))).toEqual({});
  });

  it("reads a form body that starts with '{' as a form when the content type says so", () => {
    // Prepare
    const event = createEvent({ body: "{x=1&to=alice", headers: FORM });

    // Act
    const params = readParams(event);

    // Assess
    expect(params).toEqual({ "{x": "1", to: "alice" });
  });

  it.each([
    { type: "form", headers: FORM, text: "to=alice&body=caf%C3%A9" },
    { type: "JSON", headers: JSON_TYPE, text: '{"to":"alice","body":"café"}' },
  ])("reads a base64-encoded $type body", ({ headers, text }) => {
    // Prepare
    const event = createEvent({ body: Buffer.from(text).toString("base64"), isBase64Encoded: true, headers });

    // Act
    const params = readParams(event);

    // Assess
    expect(params).toEqual({ to: "alice", body: "café" });
  });

  it.each([
    { type: "form", headers: FORM, body: "to=bob&body=from-body&extra=1" },
    { type: "JSON", headers: JSON_TYPE, body: '{"to":"bob","body":"from-body","extra":"1"}' },
  ])("takes the query's value over a $type body's for the same name", ({ headers, body }) => {
    // Prepare
    const event = createEvent({ query: "to=alice", body, headers });

    // Act
    const params = readParams(event);

    // Assess
    expect(params).toEqual({ to: "alice", body: "from-body", extra: "1" });
  });

  it.each([
    { where: "query string", event: createEvent({ query: "to=alice&to=bob" }) },
    { where: "form body", event: createEvent({ body: "to=alice&to=bob", headers: FORM }) },
  ])("takes the first of two values of one name in a $where", ({ event }) => {
    expect(readParams(event).to).toBe("alice");
  });

  it.each([
    { what: "no body", event: createEvent() },
    { what: "an empty body", event: createEvent({ body: "", headers: JSON_TYPE }) },
    { what: "a blank body", event: createEvent({ body: " \n", headers: JSON_TYPE }) },
  ])("reads $what as no parameters", ({ event }) => {
    expect(readParams(event)).toEqual({});
  });

  describe("size limit", () => {
    const padded = (bytes: number, unit = "p") =>
      `to=alice&pad=${unit.repeat((bytes - "to=alice&pad=".length) / Buffer.byteLength(unit))}`;

    it("reads a body of exactly 64 KiB", () => {
      // Prepare
      const body = padded(MAX_BODY_BYTES);
      const event = createEvent({ body, headers: FORM });
      expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);

      // Act
      const params = readParams(event);

      // Assess
      expect(params.to).toBe("alice");
    });

    it.each([
      { what: "one byte over 64 KiB", body: padded(MAX_BODY_BYTES + 1), base64: false },
      { what: "over 64 KiB in bytes but not in characters", body: `${padded(MAX_BODY_BYTES - 1)}é`, base64: false },
      { what: "over 64 KiB once base64-decoded", body: Buffer.from(padded(MAX_BODY_BYTES + 1)).toString("base64"), base64: true },
    ])("refuses a body $what with 413", ({ body, base64 }) => {
      // Prepare
      const event = createEvent({ body, isBase64Encoded: base64, headers: FORM });

      // Act
      const thrown = thrownBy(() => readParams(event));

      // Assess
      expect(thrown).toBeInstanceOf(TooLarge);
      expect((thrown as TooLarge).status).toBe(413);
      expect((thrown as TooLarge).message).toBe("request body is larger than 65536 bytes");
    });

    it("refuses a query string over 64 KiB with 413", () => {
      // Prepare
      const event = createEvent({ query: padded(MAX_BODY_BYTES + 1) });

      // Act
      const thrown = thrownBy(() => readParams(event));

      // Assess
      expect(thrown).toBeInstanceOf(TooLarge);
      expect((thrown as TooLarge).status).toBe(413);
    });
  });
});

describe("requestBaseUrl", () => {
  it.each([
    {
      what: "API Gateway's host",
      headers: { host: "abc.execute-api.us-east-1.amazonaws.com" },
      expected: "https://abc.execute-api.us-east-1.amazonaws.com",
    },
    {
      what: "a forwarded proto",
      headers: { host: "chat.example.com", "x-forwarded-proto": "https" },
      expected: "https://chat.example.com",
    },
    {
      what: "the first of forwarded protos",
      headers: { host: "chat.example.com", "x-forwarded-proto": "http, https" },
      expected: "http://chat.example.com",
    },
    {
      what: "a forwarded host",
      headers: { host: "internal:3000", "x-forwarded-host": "chat.example.com", "x-forwarded-proto": "https" },
      expected: "https://chat.example.com",
    },
    { what: "localhost", headers: { host: "localhost:3000" }, expected: "http://localhost:3000" },
    { what: "127.0.0.1", headers: { host: "127.0.0.1:3000" }, expected: "http://127.0.0.1:3000" },
    { what: "[::1]", headers: { host: "[::1]:3000" }, expected: "http://[::1]:3000" },
    {
      what: "localhost behind a TLS proxy",
      headers: { host: "localhost:3000", "x-forwarded-proto": "https" },
      expected: "https://localhost:3000",
    },
    {
      what: "a host that only starts like localhost",
      headers: { host: "localhost.example.com" },
      expected: "https://localhost.example.com",
    },
    { what: "a capitalised Host header", headers: { Host: "chat.example.com" }, expected: "https://chat.example.com" },
  ])("builds the base URL from $what", ({ headers, expected }) => {
    // Prepare
    const event = createEvent({ headers });
    event.headers = headers;

    // Act
    const base = requestBaseUrl(event);

    // Assess
    expect(base).toBe(expected);
  });

  it("falls back to the request context's domain name without a host header", () => {
    // Prepare
    const event = createEvent({ domainName: "api.example.com" });
    event.headers = {};

    // Act
    const base = requestBaseUrl(event);

    // Assess
    expect(base).toBe("https://api.example.com");
  });
});

describe("readParams: text that is not UTF-8", () => {
  it.each(["body=%FF%FE", "body=%E0%A4%A", "body=100%"])("refuses the query %s", (query) => {
    expect(() => readParams(createEvent({ query }))).toThrow("parameters must be percent-encoded UTF-8");
  });

  it("refuses a base64 body that is not UTF-8", () => {
    const body = Buffer.from([0x62, 0x3d, 0xff, 0xfe]).toString("base64");

    expect(() => readParams(createEvent({ body, isBase64Encoded: true }))).toThrow("request body must be UTF-8 text");
  });
});
