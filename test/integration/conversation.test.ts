import { describe, expect, inject, it } from "vitest";
import { agent, visitor, WebimClient } from "../support/client.js";

const client = new WebimClient(inject("baseUrl"));

describe("a visitor and an agent chat", () => {
  it("gives a new visitor a vid: id, a visitor token, a ticket and the site's agents", async () => {
    const tab = await visitor(client);

    expect(tab.session.success).toBe(true);
    expect(tab.id).toMatch(/^vid:/);
    expect(tab.session.user.visitor_token).toEqual(expect.any(String));
    expect(tab.session.connection).toEqual({
      domain: "localhost",
      ticket: expect.any(String),
      server: `${inject("baseUrl")}/webim/packets`,
      websocket: expect.stringMatching(/^ws:\/\/localhost:\d+$/),
    });
    expect(tab.session.buddies.map((buddy) => buddy.id).sort()).toEqual(["alice", "bob"]);
    expect(Math.abs(tab.session.server_time - Date.now())).toBeLessThan(5_000);
  });

  it("keeps a visitor the same visitor when it sends its token back", async () => {
    const first = await visitor(client);
    const again = await visitor(client, { visitor_token: first.session.user.visitor_token });

    expect(again.id).toBe(first.id);
    expect(again.ticket).not.toBe(first.ticket);
  });

  it("delivers messages both ways through packets, and history is right for each side", async () => {
    const alice = await agent(client, "alice");
    const guest = await visitor(client);

    await guest.send("alice", "Hello, is the blue one in stock?", { style: "color:blue" });
    const toAlice = await alice.receive(1);
    expect(toAlice).toEqual([
      {
        type: "unicast",
        from: guest.id,
        nick: guest.session.user.nick,
        to: "alice",
        body: "Hello, is the blue one in stock?",
        style: "color:blue",
        timestamp: expect.any(Number),
        id: expect.stringMatching(/^\d{13}#/),
      },
    ]);

    await alice.send(guest.id, "Yes, two left.");
    const toGuest = await guest.receive(1);
    expect(toGuest.map((message) => [message.from, message.body])).toEqual([["alice", "Yes, two left."]]);
    expect(toGuest[0]?.nick).toBe("Alice");

    const bodies = ["Hello, is the blue one in stock?", "Yes, two left."];
    expect((await guest.history("alice")).map((message) => message.body)).toEqual(bodies);
    expect((await alice.history(guest.id)).map((message) => message.body)).toEqual(bodies);
  });

  it("shows a message on the sender's other tabs but not on the sending one", async () => {
    const alice = await agent(client, "alice");
    const guest = await visitor(client);
    const secondTab = await visitor(client, { visitor_token: guest.session.user.visitor_token });

    await guest.send("alice", "sent from tab one");

    expect((await secondTab.receive(1)).map((message) => message.body)).toEqual(["sent from tab one"]);
    expect((await guest.poll()).messages).toEqual([]);
    expect((await alice.receive(1)).map((message) => message.body)).toEqual(["sent from tab one"]);
  });

  it("returns the newest messages, oldest first, up to the limit asked", async () => {
    const bob = await agent(client, "bob");
    const guest = await visitor(client);
    for (let i = 1; i <= 5; i++) await guest.send("bob", `message ${i}`);

    const lastThree = await bob.history(guest.id, { limit: 3 });

    expect(lastThree.map((message) => message.body)).toEqual(["message 3", "message 4", "message 5"]);
    const times = lastThree.map((message) => message.timestamp);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("answers an empty poll with empty lists when nothing arrives", async () => {
    const guest = await visitor(client);
    const started = Date.now();

    const packets = await guest.poll();

    expect(packets).toEqual({ status: "ok", messages: [], presences: [], statuses: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
  });

  it("answers a waiting poll as soon as a message arrives", async () => {
    const alice = await agent(client, "alice");
    const guest = await visitor(client);
    const waiting = alice.poll();
    await new Promise((resolve) => setTimeout(resolve, 300));

    await guest.send("alice", "are you there?");
    const packets = await waiting;

    expect(packets.messages?.map((message) => message.body)).toEqual(["are you there?"]);
  });
});
