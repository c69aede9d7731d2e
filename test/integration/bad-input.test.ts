import { describe, expect, inject, it } from "vitest";
import { agent, type Params, visitor, WebimClient } from "../support/client.js";
import { storedMessages } from "../support/table.js";

const client = new WebimClient(inject("baseUrl"));

async function expectError(endpoint: string, params: Params, status: number, error_msg: string) {
  const reply = await client.call(endpoint, params);
  expect(reply.status).toBe(status);
  expect(reply.body).toEqual({ success: false, error_msg });
  // The same error travels inside a JSONP answer with status 200.
  const jsonp = await client.call(endpoint, { ...params, callback: "cb" }, "query");
  expect(jsonp.status).toBe(200);
  expect(jsonp.body).toEqual({ success: false, error_msg });
}

describe("bad input gets a clear error and stores nothing", () => {
  it("names each missing field of message", async () => {
    const guest = await visitor(client);
    const full = { ticket: guest.ticket, type: "unicast", to: "alice", body: "hi" };

    await expectError("message", { ...full, body: undefined }, 400, "body is required");
    await expectError("message", { ...full, type: undefined }, 400, "type is required");
    await expectError("message", { ...full, type: "multicast" }, 400, "type must be unicast");
    await expectError("message", { ...full, ticket: undefined }, 401, "Not Authorized");
    expect(await storedMessages("alice", guest.id)).toHaveLength(0);
  });

  it("asks an agent for `to`: only visitors' messages are routed", async () => {
    const bob = await agent(client, "bob");

    await expectError("message", { ticket: bob.ticket, type: "unicast", body: "to whom?" }, 400, "to is required");
  });

  it("refuses a body over 4000 characters, and a style over 200", async () => {
    const guest = await visitor(client);

    await expectError(
      "message",
      { ticket: guest.ticket, type: "unicast", to: "alice", body: "x".repeat(4001) },
      400,
      "body is longer than 4000 characters",
    );
    await expectError(
      "message",
      { ticket: guest.ticket, type: "unicast", to: "alice", body: "x", style: "y".repeat(201) },
      400,
      "style is longer than 200 characters",
    );
    expect(await storedMessages("alice", guest.id)).toHaveLength(0);
  });

  it("takes a body of exactly 4000 characters, however it is written", async () => {
    const guest = await visitor(client);

    await guest.send("alice", "é".repeat(4000));

    expect((await guest.history("alice"))[0]?.body).toBe("é".repeat(4000));
  });

  it("refuses a request body over 64 KiB with 413", async () => {
    const guest = await visitor(client);

    const reply = await client.call("message", {
      ticket: guest.ticket,
      type: "unicast",
      to: "alice",
      body: "x",
      pad: "p".repeat(70_000),
    });

    expect(reply.status).toBe(413);
    expect(reply.body).toEqual({ success: false, error_msg: "request body is larger than 65536 bytes" });
    expect(await storedMessages("alice", guest.id)).toHaveLength(0);
  });

  it("refuses a broken JSON body", async () => {
    const reply = await fetch(`${inject("baseUrl")}/webim/online`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{nope",
    });

    expect(reply.status).toBe(400);
    expect(await reply.json()).toEqual({ success: false, error_msg: "request body is not valid JSON" });
  });

  it("refuses ids with a separator in them", async () => {
    const guest = await visitor(client);

    await expectError(
      "message",
      { ticket: guest.ticket, type: "unicast", to: "alice#bob", body: "x" },
      400,
      "to must be printable ASCII without spaces, '#' or ','",
    );
    await expectError(
      "history",
      { ticket: guest.ticket, type: "unicast", id: "a".repeat(65) },
      400,
      "id is longer than 64 characters",
    );
  });

  it("answers Not Found for a site that is not registered, and a clear error without a domain", async () => {
    await expectError("online", { domain: "unknown.example" }, 404, "Not Found");
    await expectError("online", {}, 400, "domain is required");
    await expectError("online", { domain: "not a host" }, 400, "domain must be a host name such as example.com");
  });

  it("names a sign-in that is half there, or two at once, instead of guessing which was meant", async () => {
    await expectError("online", { domain: "localhost", password: "alice-demo" }, 400, "username is required");
    await expectError(
      "online",
      { domain: "localhost", username: "alice", password: "alice-demo", token: "a.b.c" },
      400,
      "give either username and password or token, not both",
    );
  });

  it("answers Not Authorized for a forged or foreign visitor token", async () => {
    const guest = await visitor(client);
    const token = String(guest.session.user.visitor_token);
    const [idPart, mac] = token.split(".");
    const otherId = Buffer.from("vid:somebody-else").toString("base64url");

    await expectError("online", { domain: "localhost", visitor_token: `${otherId}.${mac}` }, 401, "Not Authorized");
    await expectError("online", { domain: "localhost", visitor_token: `${idPart}.${"A".repeat(43)}` }, 401, "Not Authorized");
    await expectError("online", { domain: "localhost", visitor_token: "garbage" }, 401, "Not Authorized");
  });

  it("answers Not Authorized for a wrong agent password or an unknown agent", async () => {
    await expectError("online", { domain: "localhost", username: "alice", password: "wrong" }, 401, "Not Authorized");
    await expectError("online", { domain: "localhost", username: "mallory", password: "alice-demo" }, 401, "Not Authorized");
    await expectError("online", { domain: "localhost", username: "alice" }, 400, "password is required");
  });

  it("answers Not Authorized for an unknown ticket on every call", async () => {
    for (const endpoint of ["buddies", "history", "clear_history", "refresh", "packets"]) {
      await expectError(
        endpoint,
        { ticket: "bm90LWEtdGlja2V0", id: "alice", type: "unicast", ids: "alice" },
        401,
        "Not Authorized",
      );
    }
  });

  it("forbids a ticket from being used to log someone else's conversation", async () => {
    const guest = await visitor(client);
    const other = await visitor(client);

    await expectError(
      "logmsg",
      { ticket: guest.ticket, type: "unicast", from: other.id, nick: "x", to: "alice", body: "forged", timestamp: 1000 },
      403,
      "Forbidden",
    );
    expect(await storedMessages("alice", other.id)).toHaveLength(0);
  });

  it("forbids a visitor from writing to another visitor", async () => {
    const guest = await visitor(client);
    const other = await visitor(client);

    await expectError("message", { ticket: guest.ticket, type: "unicast", to: other.id, body: "hey" }, 403, "Forbidden");
    expect(await storedMessages(guest.id, other.id)).toHaveLength(0);
  });

  it("forbids a ticket from being used in the name of another site", async () => {
    const guest = await visitor(client);

    await expectError(
      "message",
      { ticket: guest.ticket, domain: "other.example", type: "unicast", to: "alice", body: "x" },
      403,
      "Forbidden",
    );
    expect(await storedMessages("alice", guest.id)).toHaveLength(0);
  });

  it("lets a visitor see only the site's agents in buddies", async () => {
    const guest = await visitor(client);
    const other = await visitor(client);
    const alice = await agent(client, "alice");

    const seenByGuest = await client.ok<{ id: string }[]>("buddies", { ticket: guest.ticket, ids: `alice,${other.id},nobody` });
    const seenByAgent = await client.ok<{ id: string }[]>("buddies", { ticket: alice.ticket, ids: `${other.id},bob` });

    expect(seenByGuest.map((buddy) => buddy.id)).toEqual(["alice"]);
    expect(seenByAgent.map((buddy) => buddy.id)).toEqual([other.id, "bob"]);
  });

  it("refuses a history limit out of range, and a bad show", async () => {
    const guest = await visitor(client);

    await expectError(
      "history",
      { ticket: guest.ticket, id: "alice", type: "unicast", limit: 101 },
      400,
      "limit must be an integer from 1 to 100",
    );
    await expectError(
      "online",
      { domain: "localhost", show: "sleepy" },
      400,
      "show must be one of available, away, chat, dnd, invisible",
    );
  });
});

describe("text that is not what it claims to be", () => {
  it("refuses a body that is not UTF-8", async () => {
    // (Percent-encoded bytes that are not UTF-8 are refused too, test/unit/params.test.ts; serverless
    // offline re-encodes the query string before the function sees it, API Gateway does not.)
    const guest = await visitor(client);

    const raw = await fetch(`${inject("baseUrl")}/webim/message`, {
      method: "POST",
      headers: { "Content-Type": "application/octet-stream" },
      body: Buffer.concat([
        Buffer.from(`ticket=${guest.ticket}&type=unicast&to=alice&body=`),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
      ]),
    });

    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({ success: false, error_msg: "request body must be UTF-8 text" });
    expect(await storedMessages("alice", guest.id)).toHaveLength(0);
  });

  it("refuses a blank body and control characters, and counts length in characters", async () => {
    const guest = await visitor(client);

    await expectError(
      "message",
      { ticket: guest.ticket, type: "unicast", to: "alice", body: "   " },
      400,
      "body must not be blank",
    );
    await expectError(
      "online",
      { domain: "localhost", nick: "a\u0000b\u001b[31m" },
      400,
      "nick must not contain control characters",
    );
    await expectError("online", { domain: "localhost", nick: "\u200b\u200b" }, 400, "nick must not be blank");
    await expectError(
      "online",
      { domain: "localhost", nick: "\u202e\u200b" },
      400,
      "nick must not contain text direction controls",
    );
    const tea = await visitor(client, { nick: "🍵".repeat(64) });
    expect(tea.session.user.nick).toBe("🍵".repeat(64));
    expect(await storedMessages("alice", guest.id)).toHaveLength(0);
  });

  it("takes only http(s) URLs for the visitor's page and referrer", async () => {
    await expectError(
      "online",
      { domain: "localhost", visitor_url: "javascript:alert(1)" },
      400,
      "visitor_url must be an http or https URL",
    );
  });

  it("takes arrays in a JSON body only for id lists", async () => {
    const guest = await visitor(client);

    const reply = await fetch(`${inject("baseUrl")}/webim/message`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ticket: guest.ticket, type: "unicast", to: "alice", body: ["a", "b"] }),
    });

    expect(reply.status).toBe(400);
    expect(await reply.json()).toEqual({ success: false, error_msg: "body must be a string" });
    expect(await storedMessages("alice", guest.id)).toHaveLength(0);
  });
});

describe("who may write what", () => {
  it("refuses an agent's message to someone who was never on the site, and stores nothing", async () => {
    const alice = await agent(client, "alice");

    await expectError("message", { ticket: alice.ticket, type: "unicast", to: "vid:ghost", body: "hello?" }, 404, "Not Found");
    await expectError("status", { ticket: alice.ticket, to: "vid:ghost", show: "typing" }, 404, "Not Found");
    expect(await storedMessages("alice", "vid:ghost")).toHaveLength(0);
  });

  it("lets a visitor log only what they sent, and an agent both ways, with the service's nick for the sender", async () => {
    const alice = await agent(client, "alice");
    const guest = await visitor(client);
    const spoof = { type: "unicast", from: "alice", nick: "Alice (support)", to: guest.id, body: "spoof", timestamp: Date.now() };

    await expectError("logmsg", { ticket: guest.ticket, ...spoof }, 403, "Forbidden");
    expect(await client.ok("logmsg", { ticket: alice.ticket, ...spoof })).toBe("ok");
    expect(
      await client.ok("logmsg", { ticket: guest.ticket, ...spoof, from: guest.id, to: "alice", nick: "Alice", body: "mine" }),
    ).toBe("ok");

    const stored = await alice.history(guest.id);
    expect(stored.map((message) => [message.from, message.nick, message.body])).toEqual([
      ["alice", "Alice", "spoof"],
      [guest.id, guest.session.user.nick, "mine"],
    ]);
  });

  it("refuses a logged timestamp of 0", async () => {
    const guest = await visitor(client);

    await expectError(
      "logmsg",
      { ticket: guest.ticket, type: "unicast", from: guest.id, nick: "x", to: "alice", body: "old", timestamp: 0 },
      400,
      expect.stringMatching(/^timestamp must be an integer from 1 to \d+$/) as unknown as string,
    );
  });
});
