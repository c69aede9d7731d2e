import { SignJWT } from "jose";
import { describe, expect, inject, it } from "vitest";
import { agent, type OnlineAnswer, type Tab, visitor, WebimClient } from "../support/client.js";
import { createSite, removeAgent } from "../support/sites.js";
import { storedMessages } from "../support/table.js";

const client = new WebimClient(inject("baseUrl"));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function agentsNamed(...ids: string[]) {
  return ids.map((id) => ({ id, nick: id[0]?.toUpperCase() + id.slice(1), password: `${id}-pw` }));
}

async function signIn(domain: string, id: string, params: Record<string, string> = {}): Promise<Tab> {
  return agent(client, id, { domain, password: `${id}-pw`, ...params });
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

describe("routing a visitor's first message", () => {
  it("spreads 20 simultaneous first messages 7/7/6 over 3 available agents, one agent per visitor", async () => {
    const domain = await createSite("spread", { agents: agentsNamed("ann", "ben", "cat") });
    for (const id of ["ann", "ben", "cat"]) await signIn(domain, id);
    const guests = await Promise.all(Array.from({ length: 20 }, () => visitor(client, { domain })));

    const answers = await Promise.all(guests.map((guest) => guest.ask("Hello, anyone there?")));

    expect(Object.values(countBy(answers.map((answer) => answer.to))).sort()).toEqual([6, 7, 7]);
    // The assignment sticks: a second message of each visitor goes to the same agent.
    const again = await Promise.all(guests.map((guest) => guest.ask("Still me")));
    expect(again.map((answer) => answer.to)).toEqual(answers.map((answer) => answer.to));
    for (const [i, guest] of guests.entries()) {
      const to = answers[i]?.to ?? "";
      expect((await storedMessages(to, guest.id, domain)).length).toBe(2);
    }
  });

  it("gives a visitor one agent even when two tabs send the first message at once", async () => {
    const domain = await createSite("tabs", { agents: agentsNamed("ann", "ben") });
    await signIn(domain, "ann");
    await signIn(domain, "ben");
    const guest = await visitor(client, { domain });
    const tab2 = await visitor(client, { domain, visitor_token: guest.session.user.visitor_token });

    const [one, two] = await Promise.all([guest.ask("first"), tab2.ask("second")]);

    expect(one.to).toBe(two.to);
  });

  it("gives a dnd agent none", async () => {
    const domain = await createSite("dnd", { agents: agentsNamed("ann", "ben") });
    await signIn(domain, "ann", { show: "dnd" });
    await signIn(domain, "ben");
    const guests = await Promise.all(Array.from({ length: 4 }, () => visitor(client, { domain })));

    const answers = await Promise.all(guests.map((guest) => guest.ask("hi")));

    expect(answers.map((answer) => answer.to)).toEqual(["ben", "ben", "ben", "ben"]);
  });

  it("routes a visitor whose agent the operator removed to another agent", async () => {
    const domain = await createSite("removed", { agents: agentsNamed("ann", "ben") });
    await signIn(domain, "ann");
    const guest = await visitor(client, { domain });
    expect((await guest.ask("hi")).to).toBe("ann");
    await signIn(domain, "ben");

    await removeAgent(domain, "ann");
    await pause(2_500); // the functions' site cache (SITE_CACHE_SECONDS in the suite)

    expect((await guest.ask("still there?")).to).toBe("ben");
    const back = await visitor(client, { domain, visitor_token: guest.session.user.visitor_token });
    expect(back.session.user.agent).toBe("ben");
  });

  it("shows the visitor their agent first afterwards", async () => {
    const domain = await createSite("first", { agents: agentsNamed("ann", "ben", "cat") });
    for (const id of ["ann", "ben", "cat"]) await signIn(domain, id);
    const guest = await visitor(client, { domain });

    const { to } = await guest.ask("hello");
    const back = await visitor(client, { domain, visitor_token: guest.session.user.visitor_token });

    expect(back.session.user.agent).toBe(to);
    expect(back.session.buddies[0]?.id).toBe(to);
  });

  it("keeps the message when no agent is online, tells the visitor, and hands it to the agent at their next online", async () => {
    const domain = await createSite("nobody", { agents: agentsNamed("ann"), leaveMessage: "Leave us a note!" });
    const guest = await visitor(client, { domain });

    const { to } = await guest.ask("Is anyone there?");
    const told = await guest.receive(1);

    expect(to).toBe("ann");
    expect(told.map((message) => [message.from, message.body])).toEqual([[domain, "Leave us a note!"]]);
    const ann = await signIn(domain, "ann");
    expect(ann.session.new_messages.map((message) => [message.from, message.body])).toEqual([[guest.id, "Is anyone there?"]]);
  });
  it("routes a visitor anew when their agent went offline and a colleague is available", async () => {
    const domain = await createSite("handover", { agents: agentsNamed("ann", "ben") });
    const ann = await signIn(domain, "ann");
    const guest = await visitor(client, { domain });
    expect((await guest.ask("hi")).to).toBe("ann");

    await client.ok("offline", { ticket: ann.ticket });
    const ben = await signIn(domain, "ben");

    expect((await guest.ask("hello?")).to).toBe("ben");
    expect((await ben.receive(1)).map((message) => message.body)).toEqual(["hello?"]);
  });

  it("keeps a visitor with their offline agent while nobody else is available, and gives them the site's text once", async () => {
    const domain = await createSite("stay", { agents: agentsNamed("ann", "ben"), leaveMessage: "Leave us a note!" });
    const ann = await signIn(domain, "ann");
    const guest = await visitor(client, { domain });
    expect((await guest.ask("hi")).to).toBe("ann");
    await client.ok("offline", { ticket: ann.ticket });

    const answers = [await guest.ask("anyone?"), await guest.ask("hello?")];
    const told = await guest.receive(1);

    expect(answers.map((answer) => answer.to)).toEqual(["ann", "ann"]);
    expect(told.map((message) => [message.from, message.body])).toEqual([[domain, "Leave us a note!"]]);
    expect((await guest.poll()).messages?.filter((message) => message.from === domain)).toEqual([]);

    // ann comes back and leaves again: that is a new absence, told again.
    const back = await signIn(domain, "ann");
    await client.ok("offline", { ticket: back.ticket });
    await guest.ask("still there?");
    expect((await guest.receive(1)).map((message) => message.body)).toEqual(["Leave us a note!"]);
  });
});

describe("buddy lists", () => {
  it("show a visitor the site's agents, available ones first, with presence and show", async () => {
    const domain = await createSite("list", { agents: agentsNamed("ann", "ben", "cat") });
    await signIn(domain, "cat");
    await signIn(domain, "ben", { show: "away" });

    const guest = await visitor(client, { domain });

    expect(guest.session.buddies.map((buddy) => [buddy.id, buddy.presence, buddy.show])).toEqual([
      ["cat", "online", "available"],
      ["ben", "online", "away"],
      ["ann", "offline", undefined],
    ]);
    expect(guest.session.site).toEqual({ domain, welcome: expect.any(String), leave_message: expect.any(String) });
  });

  it("show an agent their visitors, most recent first, with unread counts, page and referrer", async () => {
    const domain = await createSite("agentlist", { agents: agentsNamed("ann", "ben") });
    await signIn(domain, "ann");
    const early = await visitor(client, {
      domain,
      nick: "Early",
      visitor_url: "https://shop.test/a",
      visitor_referrer: "https://search.test/?q=a",
    });
    const late = await visitor(client, { domain, nick: "Late", visitor_url: "https://shop.test/b" });
    await early.send("ann", "one");
    await early.send("ann", "two");
    await pause(5);
    await late.send("ann", "three");

    const ann = await signIn(domain, "ann");
    const [first, second, ...rest] = ann.session.buddies;

    expect(first).toMatchObject({
      id: late.id,
      nick: "Late",
      group: "visitors",
      presence: "online",
      unread: 1,
      url: "https://shop.test/b",
    });
    expect(second).toMatchObject({
      id: early.id,
      nick: "Early",
      unread: 2,
      url: "https://shop.test/a",
      referrer: "https://search.test/?q=a",
      status: "from https://search.test/?q=a",
    });
    expect(rest.map((buddy) => buddy.id)).toEqual(["ben"]);

    await ann.history(early.id);
    const after = await signIn(domain, "ann");
    expect(after.session.buddies.find((buddy) => buddy.id === early.id)?.unread).toBe(0);
  });

  it("never show a visitor another visitor", async () => {
    const domain = await createSite("private", { agents: agentsNamed("ann") });
    const one = await visitor(client, { domain });
    const two = await visitor(client, { domain });
    await one.send("ann", "hi");

    expect(await two.buddies([one.id, "ann"])).toEqual([expect.objectContaining({ id: "ann" })]);
    expect(two.session.buddies.map((buddy) => buddy.id)).toEqual(["ann"]);
  });

  it("never show an agent of site A anything of site B", async () => {
    const siteA = await createSite("site-a", { agents: agentsNamed("ann") });
    const siteB = await createSite("site-b", { agents: agentsNamed("ann") });
    const annA = await signIn(siteA, "ann");
    const guestB = await visitor(client, { domain: siteB });
    await guestB.send("ann", "for the ann of site B");

    expect(await annA.buddies([guestB.id])).toEqual([]);
    expect(await annA.history(guestB.id)).toEqual([]);
    expect(annA.session.buddies.map((buddy) => buddy.id)).not.toContain(guestB.id);
    const crossing = await client.call("message", {
      ticket: annA.ticket,
      type: "unicast",
      to: guestB.id,
      body: "crossing sites?",
    });
    expect(crossing.status).toBe(404);
    expect((await guestB.poll()).messages).toEqual([]);
  });

  it("use the nick a visitor gives, or one made from their id", async () => {
    const named = await visitor(client, { nick: "Dana" });
    const plain = await visitor(client);

    expect(named.session.user.nick).toBe("Dana");
    expect(plain.session.user.nick).toBe(`v${plain.id.slice(4, 10)}`);
  });

  it("keep a visitor's nick on their next page, which sends only the token", async () => {
    const domain = await createSite("nick", { agents: agentsNamed("ann") });
    const ann = await signIn(domain, "ann");
    const first = await visitor(client, { domain, nick: "Dana" });

    const next = await visitor(client, { domain, visitor_token: first.session.user.visitor_token });
    await next.send("ann", "hello");

    expect(next.session.user.nick).toBe("Dana");
    expect((await ann.receive(1)).map((message) => message.nick)).toEqual(["Dana"]);
  });
});

describe("presence across tabs", () => {
  it("keeps a user online while one of two tabs is left, and offline once both are", async () => {
    const domain = await createSite("tabs2", { agents: agentsNamed("ann") });
    const ann = await signIn(domain, "ann");
    const one = await visitor(client, { domain });
    const two = await visitor(client, { domain, visitor_token: one.session.user.visitor_token });
    await one.send("ann", "hello");

    await client.ok("refresh", { ticket: one.ticket });
    expect((await ann.buddies([one.id]))[0]?.presence).toBe("online");

    await client.ok("refresh", { ticket: two.ticket });
    expect((await ann.buddies([one.id]))[0]?.presence).toBe("offline");
  });

  it("makes a user whose tabs stop polling offline after the grace period", async () => {
    const domain = await createSite("grace", { agents: agentsNamed("ann") });
    const ann = await signIn(domain, "ann");
    const one = await visitor(client, { domain });
    await visitor(client, { domain, visitor_token: one.session.user.visitor_token });
    await one.send("ann", "hello");

    expect((await ann.buddies([one.id]))[0]?.presence).toBe("online");
    await pause(4_500);
    expect((await ann.buddies([one.id]))[0]?.presence).toBe("offline");
  });

  it("shows an invisible agent as offline, without a show that would give them away", async () => {
    const domain = await createSite("invisible", { agents: agentsNamed("ann") });
    const ann = await signIn(domain, "ann");
    const guest = await visitor(client, { domain });

    await client.ok("presence", { ticket: ann.ticket, show: "invisible" });

    expect(await guest.buddies(["ann"])).toEqual([{ id: "ann", nick: "Ann", group: "agents", presence: "offline" }]);
  });

  it("tells buddies of a change of show, and of going offline", async () => {
    const domain = await createSite("show", { agents: agentsNamed("ann") });
    const ann = await signIn(domain, "ann");
    const guest = await visitor(client, { domain });
    await guest.send("ann", "hello");
    await guest.receive(0, 1);

    await client.ok("presence", { ticket: ann.ticket, show: "away", status: "back in 5" });
    const packets = await guest.poll();

    expect(packets.presences).toEqual([
      { from: "ann", nick: "Ann", type: "show", show: "away", status: "back in 5", id: expect.any(String) },
    ]);
    await client.ok("offline", { ticket: ann.ticket });
    expect((await guest.poll()).presences).toEqual([expect.objectContaining({ from: "ann", type: "offline" })]);
    expect((await guest.buddies(["ann"]))[0]?.presence).toBe("offline");
  });
});

describe("presence on coming and going", () => {
  it("tells buddies when a user comes online", async () => {
    const domain = await createSite("come", { agents: agentsNamed("ann") });
    const ann = await signIn(domain, "ann");
    const guest = await visitor(client, { domain });
    await guest.send("ann", "hello");
    await guest.receive(0, 1);
    await client.ok("offline", { ticket: ann.ticket });
    await guest.poll();

    await signIn(domain, "ann");

    expect((await guest.poll()).presences).toEqual([
      { from: "ann", nick: "Ann", type: "online", show: "available", id: expect.any(String) },
    ]);
  });

  it("keeps the show of a user already online when another tab comes online without one", async () => {
    const domain = await createSite("keepshow", { agents: agentsNamed("ann", "bob") });
    const ann = await signIn(domain, "ann");
    await signIn(domain, "bob");
    await client.ok("presence", { ticket: ann.ticket, show: "dnd" });

    const second = await signIn(domain, "ann");
    const guest = await visitor(client, { domain });

    expect(second.session.user.show).toBe("dnd");
    expect((await guest.buddies(["ann"]))[0]?.show).toBe("dnd");
    expect((await guest.ask("hello")).to).toBe("bob");
  });

  it("starts a user who comes back after going offline as available", async () => {
    const domain = await createSite("backshow", { agents: agentsNamed("ann") });
    const ann = await signIn(domain, "ann");
    await client.ok("presence", { ticket: ann.ticket, show: "dnd" });
    await client.ok("offline", { ticket: ann.ticket });

    const back = await signIn(domain, "ann");
    const guest = await visitor(client, { domain });

    expect(back.session.user.show).toBe("available");
    expect((await guest.buddies(["ann"]))[0]).toMatchObject({ presence: "online", show: "available" });
  });

  it("tells buddies of a show a new tab brings", async () => {
    const domain = await createSite("tabshow", { agents: agentsNamed("ann") });
    await signIn(domain, "ann");
    const guest = await visitor(client, { domain });
    await guest.send("ann", "hello");
    await guest.receive(0, 1);

    await signIn(domain, "ann", { show: "away" });

    expect((await guest.poll()).presences).toEqual([
      { from: "ann", nick: "Ann", type: "show", show: "away", id: expect.any(String) },
    ]);
  });

  it("tells buddies nothing when a user comes back before the sweep saw them go", async () => {
    const domain = await createSite("noecho", { agents: agentsNamed("ann") });
    const ann = await signIn(domain, "ann");
    const guest = await visitor(client, { domain });
    await guest.send("ann", "hello");
    await ann.receive(1);

    await pause(4_500); // past the grace period, and no sweep ran
    await visitor(client, { domain, visitor_token: guest.session.user.visitor_token });

    expect((await ann.poll()).presences?.filter((presence) => presence.from === guest.id)).toEqual([]);
  });

  it("ends every tab of a user who goes offline, so none brings them back", async () => {
    const domain = await createSite("offall", { agents: agentsNamed("ann") });
    const one = await signIn(domain, "ann");
    const two = await signIn(domain, "ann");
    const guest = await visitor(client, { domain });
    await guest.send("ann", "hello");

    await client.ok("offline", { ticket: one.ticket });

    expect(await two.poll()).toEqual({ status: "stopped" });
    expect((await client.call("message", { ticket: two.ticket, type: "unicast", to: guest.id, body: "hi" })).status).toBe(401);
    expect((await guest.buddies(["ann"]))[0]?.presence).toBe("offline");
  });
});

describe("site tokens", () => {
  const secret = "a-site-secret-of-at-least-32-characters!";
  const sign = (claims: Record<string, unknown>, domain: string, key = secret, expiresIn: string | number = "5m") =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(domain)
      .setExpirationTime(expiresIn)
      .sign(new TextEncoder().encode(key));

  it("sign in a member with the site's id and name, and a token-only agent", async () => {
    const domain = await createSite("tokens", { tokenSecret: secret, agents: [{ id: "desk", nick: "Help Desk" }] });

    const member = await client.ok<OnlineAnswer>("online", {
      domain,
      token: await sign({ sub: "cust-42", nick: "Ada", role: "member" }, domain),
    });
    const desk = await client.ok<OnlineAnswer>("online", {
      domain,
      token: await sign({ sub: "desk", nick: "ignored", role: "agent" }, domain),
    });

    expect(member.user).toMatchObject({ id: "cust-42", nick: "Ada" });
    expect(member.user.visitor_token).toBeUndefined();
    expect(member.buddies.map((buddy) => buddy.id)).toEqual(["desk"]);
    expect(desk.user).toMatchObject({ id: "desk", nick: "Help Desk" });
  });

  it.each([
    [
      "expired",
      async (domain: string) =>
        sign({ sub: "u1", nick: "U", role: "member" }, domain, secret, Math.floor(Date.now() / 1000) - 60),
    ],
    [
      "signed with another key",
      async (domain: string) =>
        sign({ sub: "u1", nick: "U", role: "member" }, domain, "another-secret-of-at-least-32-characters"),
    ],
    ["issued for another site", async () => sign({ sub: "u1", nick: "U", role: "member" }, "other.test")],
    ["naming an unknown agent", async (domain: string) => sign({ sub: "ghost", nick: "G", role: "agent" }, domain)],
    ["with an unknown role", async (domain: string) => sign({ sub: "u1", nick: "U", role: "admin" }, domain)],
    ["garbage", async () => "not.a.token"],
    ["of a member named like an agent", async (domain: string) => sign({ sub: "ann", nick: "Not Ann", role: "member" }, domain)],
  ])("refuse a token %s as Not Authorized", async (_what, makeToken) => {
    const domain = await createSite("badtoken", { tokenSecret: secret, agents: agentsNamed("ann") });

    const reply = await client.call("online", { domain, token: await makeToken(domain) });

    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ success: false, error_msg: "Not Authorized" });
  });
});

describe("CORS", () => {
  it("answers the site's registered origins, and refuses others before storing anything", async () => {
    const domain = await createSite("cors", { origins: ["https://shop.test"], agents: agentsNamed("ann") });
    const guest = await visitor(client, { domain });
    const send = (origin: string) =>
      fetch(`${inject("baseUrl")}/webim/message`, {
        method: "POST",
        headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ticket: guest.ticket, type: "unicast", to: "ann", body: `from ${origin}` }),
      });

    const allowed = await send("https://shop.test");
    const refused = await send("https://evil.test");

    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://shop.test");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect((await storedMessages("ann", guest.id, domain)).map((item) => item.body)).toEqual(["from https://shop.test"]);
  });

  it("answers a preflight so that JSON bodies can be sent", async () => {
    const reply = await fetch(`${inject("baseUrl")}/webim/message`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://shop.test",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });

    expect(reply.status).toBe(204);
    expect(reply.headers.get("access-control-allow-origin")).toBe("https://shop.test");
    expect(reply.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("content-type");
  });

  it("refuses online from an unregistered origin", async () => {
    const domain = await createSite("cors2", { origins: ["https://shop.test"], agents: agentsNamed("ann") });

    const reply = await fetch(`${inject("baseUrl")}/webim/online?domain=${domain}`, { headers: { Origin: "https://evil.test" } });

    expect(reply.status).toBe(403);
  });
});

describe("typing", () => {
  it("reaches the buddy as a status packet and is never stored", async () => {
    const domain = await createSite("typing", { agents: agentsNamed("ann") });
    const ann = await signIn(domain, "ann");
    const guest = await visitor(client, { domain });

    await client.ok("status", { ticket: guest.ticket, to: "ann", show: "typing" });
    expect((await ann.poll()).statuses).toEqual([
      { from: guest.id, nick: guest.session.user.nick, to: "ann", show: "typing", id: expect.any(String) },
    ]);
    await client.ok("status", { ticket: guest.ticket, to: "ann", show: "clear" });
    expect((await ann.poll()).statuses?.map((status) => status.show)).toEqual(["clear"]);
    expect(await storedMessages("ann", guest.id, domain)).toEqual([]);
  });
});

describe("the sweep (every minute)", () => {
  async function runSweep() {
    const reply = await fetch(`${inject("lambdaUrl")}/2015-03-31/functions/webim-serverless-local-sweep/invocations`, {
      method: "POST",
      body: "{}",
    });
    expect(reply.status).toBe(200);
  }

  it("tells buddies that a user whose tabs vanished went offline, once, and frees their agent", async () => {
    const domain = await createSite("sweep", { agents: agentsNamed("ann") });
    const ann = await signIn(domain, "ann");
    const guest = await visitor(client, { domain });
    const { to } = await guest.ask("hello");
    expect(to).toBe("ann");
    await ann.receive(1);

    await pause(4_500);
    // ann polls on and stays online; the visitor's tab is gone without a word.
    await ann.poll();
    await runSweep();

    const packets = await ann.poll();
    expect(packets.presences?.filter((presence) => presence.from === guest.id).map((presence) => presence.type)).toEqual([
      "offline",
    ]);
    await runSweep();
    expect((await ann.poll()).presences?.filter((presence) => presence.from === guest.id)).toEqual([]);
    const back = await visitor(client, { domain, visitor_token: guest.session.user.visitor_token });
    expect(back.session.user.agent).toBeUndefined();
  });
  it("brings a user whose tab polls again after the sweep back online, and tells their buddies", async () => {
    const domain = await createSite("wake", { agents: agentsNamed("ann") });
    const ann = await signIn(domain, "ann");
    const guest = await visitor(client, { domain });
    await guest.send("ann", "hello");
    await guest.receive(0, 1);

    // ann's console sleeps past the grace period; the sweep counts her gone.
    await pause(4_500);
    await runSweep();
    expect((await guest.poll()).presences?.map((presence) => presence.type)).toEqual(["offline"]);

    await ann.poll();

    expect((await guest.poll()).presences).toEqual([
      { from: "ann", nick: "Ann", type: "online", show: "available", id: expect.any(String) },
    ]);
    expect((await guest.buddies(["ann"]))[0]?.presence).toBe("online");
    expect((await client.ok<{ to: string }>("message", { ticket: guest.ticket, type: "unicast", body: "anyone?" })).to).toBe(
      "ann",
    );
  });
});

describe("password guessing", () => {
  it("stops an agent's sign-in after 10 wrong passwords, even with the right one, for 15 minutes", async () => {
    const domain = await createSite("guess", { agents: agentsNamed("ann") });
    for (let i = 0; i < 10; i++) {
      const wrong = await client.call("online", { domain, username: "ann", password: `guess-${i}` });
      expect(wrong.status).toBe(401);
    }

    const locked = await client.call("online", { domain, username: "ann", password: "ann-pw" });

    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({ success: false, error_msg: "Too Many Requests" });
  });

  it("checks no more than 10 passwords of an agent even when 30 guesses arrive at once", async () => {
    const domain = await createSite("guess3", { agents: agentsNamed("ann") });

    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.call("online", { domain, username: "ann", password: `guess-${i}` })),
    );

    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
  });

  it("starts the count over after a right password", async () => {
    const domain = await createSite("guess2", { agents: agentsNamed("ann") });
    for (let i = 0; i < 9; i++) await client.call("online", { domain, username: "ann", password: `guess-${i}` });
    await signIn(domain, "ann");

    for (let i = 0; i < 9; i++) await client.call("online", { domain, username: "ann", password: `again-${i}` });

    expect((await signIn(domain, "ann")).session.user.id).toBe("ann");
  });
});
