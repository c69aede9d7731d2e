import { describe, expect, inject, it } from "vitest";
import { type OnlineAnswer, visitor, WebimClient } from "../support/client.js";

const client = new WebimClient(inject("baseUrl"));

describe("JSONP", () => {
  it.each(["online", "buddies", "history", "message", "logmsg", "clear_history", "refresh", "packets"])(
    "%s answers JavaScript with status 200, nosniff and no caching, errors inside",
    async (endpoint) => {
      const reply = await client.call(
        endpoint,
        { callback: "webim.cb_1", ticket: "no-such-ticket", domain: "no-such-site.example" },
        "query",
      );

      expect(reply.status).toBe(200);
      expect(reply.headers.get("content-type")).toMatch(/^application\/javascript/);
      expect(reply.headers.get("x-content-type-options")).toBe("nosniff");
      expect(reply.headers.get("cache-control")).toBe("no-store");
      expect(reply.text.startsWith("/**/ webim.cb_1(")).toBe(true);
      expect(reply.text.endsWith(");")).toBe(true);
      expect(reply.body).toEqual(expect.objectContaining({ success: false }));
    },
  );

  it("wraps a successful online and the bare ok", async () => {
    const online = await client.call("online", { domain: "localhost", callback: "cb" }, "query");
    expect((online.body as OnlineAnswer).success).toBe(true);

    const ticket = (online.body as OnlineAnswer).connection.ticket;
    const refresh = await client.call("refresh", { ticket, callback: "cb" }, "query");
    expect(refresh.text).toBe('/**/ cb("ok");');
  });

  it.each(["alert(1)//", "a b", "1abc", "x".repeat(65), "cb;alert(1)", "<script>"])(
    "refuses the callback %j as plain JSON without reflecting it",
    async (callback) => {
      const reply = await client.call("online", { domain: "localhost", callback }, "query");

      expect(reply.status).toBe(400);
      expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
      expect(reply.body).toEqual({ success: false, error_msg: "callback must be a JavaScript name of at most 64 characters" });
      expect(reply.text).not.toContain(callback);
    },
  );
});

describe("parameters", () => {
  it.each(["form", "json", "query"] as const)("are read from a %s request", async (encoding) => {
    const answer = (await client.call("online", { domain: "localhost", nick: `nick-${encoding}` }, encoding))
      .body as OnlineAnswer;

    expect(answer.user.nick).toBe(`nick-${encoding}`);
  });

  it("take the query's value when the body has the same name", async () => {
    const reply = await fetch(`${inject("baseUrl")}/webim/online?domain=localhost&nick=from-query`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "domain=localhost&nick=from-body",
    });

    expect(((await reply.json()) as OnlineAnswer).user.nick).toBe("from-query");
  });

  it("answer ok as a bare string without JSONP", async () => {
    const guest = await visitor(client);
    const reply = await client.call("refresh", { ticket: guest.ticket });

    expect(reply.status).toBe(200);
    expect(reply.text).toBe("ok");
  });
});
