import { describe, expect, inject, it } from "vitest";
import { agent, visitor, WebimClient } from "../support/client.js";
import { storedMessages } from "../support/table.js";

const client = new WebimClient(inject("baseUrl"));

describe("logmsg", () => {
  it("stores the same message posted by two tabs once", async () => {
    const bob = await agent(client, "bob");
    const bobTab2 = await agent(client, "bob");
    const guest = await visitor(client);
    // A message that reached bob's pages another way (the seed's case: his desktop client).
    const message = {
      domain: "localhost",
      type: "unicast",
      from: "bob",
      nick: "Bob",
      to: guest.id,
      body: "seen elsewhere",
      timestamp: 1_700_000_000_123,
    };

    expect(await client.ok("logmsg", { ticket: bob.ticket, ...message })).toBe("ok");
    expect(await client.ok("logmsg", { ticket: bobTab2.ticket, ...message }, "json")).toBe("ok");
    expect(await client.ok("logmsg", { ticket: bob.ticket, ...message }, "query")).toBe("ok");

    expect(await storedMessages("bob", guest.id)).toHaveLength(1);
    expect(await guest.history("bob")).toEqual([
      { type: "unicast", from: "bob", nick: "Bob", to: guest.id, body: "seen elsewhere", timestamp: 1_700_000_000_123 },
    ]);
  });

  it("stores messages that differ in body or time separately", async () => {
    const guest = await visitor(client);
    const base = { ticket: guest.ticket, type: "unicast", from: guest.id, nick: "G", to: "alice" };

    await client.ok("logmsg", { ...base, body: "one", timestamp: 1000 });
    await client.ok("logmsg", { ...base, body: "two", timestamp: 1000 });
    await client.ok("logmsg", { ...base, body: "one", timestamp: 1001 });

    expect(await storedMessages("alice", guest.id)).toHaveLength(3);
  });
});

describe("clear_history", () => {
  it("empties the conversation for the caller only", async () => {
    const alice = await agent(client, "alice");
    const guest = await visitor(client);
    await guest.send("alice", "before clearing");

    expect(await client.ok("clear_history", { ticket: guest.ticket, id: "alice" })).toBe("ok");

    expect(await guest.history("alice")).toEqual([]);
    expect((await alice.history(guest.id)).map((message) => message.body)).toEqual(["before clearing"]);
    await guest.send("alice", "after clearing");
    expect((await guest.history("alice")).map((message) => message.body)).toEqual(["after clearing"]);
  });
});

describe("refresh", () => {
  it("makes the ticket's waiting poll answer stopped, and later polls too", async () => {
    const guest = await visitor(client);
    const waiting = guest.poll();
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(await client.ok("refresh", { ticket: guest.ticket, domain: "localhost" })).toBe("ok");

    expect(await waiting).toEqual({ status: "stopped" });
    expect(await guest.poll()).toEqual({ status: "stopped" });
  });

  it("leaves the user's other tabs alone", async () => {
    const guest = await visitor(client);
    const other = await visitor(client, { visitor_token: guest.session.user.visitor_token });
    const alice = await agent(client, "alice");

    await client.ok("refresh", { ticket: guest.ticket, domain: "localhost" });
    await alice.send(guest.id, "still there?");

    expect((await other.receive(1)).map((message) => message.body)).toEqual(["still there?"]);
  });

  it("ends the ticket for every later call", async () => {
    const guest = await visitor(client);
    await client.ok("refresh", { ticket: guest.ticket, domain: "localhost" });

    const reply = await client.call("message", { ticket: guest.ticket, type: "unicast", to: "alice", body: "late" });

    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ success: false, error_msg: "Not Authorized" });
    expect(await storedMessages("alice", guest.id)).toHaveLength(0);
  });
});

describe("offline messages", () => {
  it("come once in new_messages at the next online, and not again", async () => {
    const guest = await visitor(client);
    // bob has no live ticket of this run's: he may have had one earlier, so use a fresh pair.
    const bob = await agent(client, "bob");
    await client.ok("refresh", { ticket: bob.ticket });
    const before = Date.now();

    await guest.send("bob", "are you open on Sunday?");
    await guest.send("bob", "and on Monday?");
    const back = await agent(client, "bob");
    const mine = back.session.new_messages.filter((message) => message.from === guest.id);

    expect(mine.map((message) => message.body)).toEqual(["are you open on Sunday?", "and on Monday?"]);
    expect(mine.every((message) => message.timestamp >= before && message.to === "bob")).toBe(true);
    expect(back.session.buddies.map((buddy) => buddy.id)).toContain(guest.id);

    const again = await agent(client, "bob");
    expect(again.session.new_messages.filter((message) => message.from === guest.id)).toEqual([]);
  });

  it("are not handed again by the new ticket's poll", async () => {
    const guest = await visitor(client);
    const alice = await agent(client, "alice");
    await client.ok("refresh", { ticket: alice.ticket });
    await guest.send("alice", "just once");

    const back = await agent(client, "alice");
    expect(back.session.new_messages.filter((message) => message.from === guest.id).map((message) => message.body)).toEqual([
      "just once",
    ]);
    expect((await back.poll()).messages?.filter((message) => message.from === guest.id)).toEqual([]);
  });

  it("do not include what the user sent from another tab", async () => {
    const guest = await visitor(client);
    await guest.send("alice", "mine");

    const tab2 = await visitor(client, { visitor_token: guest.session.user.visitor_token });

    expect(tab2.session.new_messages).toEqual([]);
  });
});
