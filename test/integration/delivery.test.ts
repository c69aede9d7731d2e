import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, inject, it } from "vitest";
import { keys } from "../../lib/store/keys.js";
import { agent, visitor, WebimClient } from "../support/client.js";

const client = new WebimClient(inject("baseUrl"));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the long poll's cursor", () => {
  it("hands out every message once, in order, across many polls", async () => {
    const alice = await agent(client, "alice");
    const guest = await visitor(client);
    const sent = Array.from({ length: 12 }, (_, i) => `m${i}`);

    const sending = (async () => {
      for (const body of sent) await guest.send("alice", body);
    })();
    const received: string[] = [];
    for (let i = 0; i < 20 && received.length < sent.length; i++) {
      const packets = await alice.poll();
      received.push(...(packets.messages ?? []).filter((message) => message.from === guest.id).map((message) => message.body));
    }
    await sending;

    expect(received).toEqual(sent);
  });

  it("hands out again, with `since`, what a lost answer carried", async () => {
    const alice = await agent(client, "alice");
    const guest = await visitor(client);
    await guest.send("alice", "first");
    const [first] = await alice.receive(1);
    await guest.send("alice", "second");
    await guest.send("alice", "third");
    const lost = await alice.receive(2);
    expect(lost.map((message) => message.body)).toEqual(["second", "third"]);

    const resumed = await alice.poll({ since: String(first?.id) });
    expect(resumed.messages?.map((message) => message.body)).toEqual(["second", "third"]);
    expect(resumed.messages?.map((message) => message.id)).toEqual(lost.map((message) => message.id));

    const byTime = await alice.poll({ since: String(first?.timestamp) });
    expect(byTime.messages?.map((message) => message.body)).toEqual(["second", "third"]);
  });

  it("lets a newer poll on the same ticket take over: the older one answers empty, nothing is lost", async () => {
    const alice = await agent(client, "alice");
    const guest = await visitor(client);
    const started = Date.now();
    const older = guest.poll();
    await pause(300);
    const newer = guest.poll();

    expect(await older).toEqual({ status: "ok", messages: [], presences: [], statuses: [] });
    // Sooner than its own 2 s wait (POLL_WAIT_MS in global-setup) could have ended it.
    expect(Date.now() - started).toBeLessThan(1_900);
    await alice.send(guest.id, "after the reload");
    expect((await newer).messages?.map((message) => message.body)).toEqual(["after the reload"]);
  });

  it("gives both tabs of a user the same messages", async () => {
    const bob = await agent(client, "bob");
    const one = await visitor(client);
    const two = await visitor(client, { visitor_token: one.session.user.visitor_token });

    await bob.send(one.id, "to every tab");
    await bob.send(one.id, "and again");

    const [atOne, atTwo] = await Promise.all([one.receive(2), two.receive(2)]);
    expect(atOne.map((message) => message.body)).toEqual(["to every tab", "and again"]);
    expect(atTwo.map((message) => message.id)).toEqual(atOne.map((message) => message.id));
  });

  it("refuses a `since` that is neither a packet id nor a time", async () => {
    const guest = await visitor(client);

    const reply = await client.call("packets", { ticket: guest.ticket, since: "yesterday" }, "query");

    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ success: false, error_msg: "since must be a packet id or a time in milliseconds" });
  });

  it("refuses a `since` from the future rather than skip what arrives until then", async () => {
    const guest = await visitor(client);

    const reply = await client.call("packets", { ticket: guest.ticket, since: "4000000000000" }, "query");

    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ success: false, error_msg: "since must not be in the future" });
  });

  it("hands a typing notice to the buddy and never stores it in history", async () => {
    const alice = await agent(client, "alice");
    const guest = await visitor(client);
    await client.ok("status", { ticket: guest.ticket, to: "alice", show: "typing" });

    const fresh = await alice.poll();

    expect(fresh.statuses?.filter((status) => status.from === guest.id).map((status) => status.show)).toEqual(["typing"]);
    expect(await alice.history(guest.id)).toEqual([]);
  });
});

describe("polls one after another", () => {
  it("write no step-aside notice when the previous poll has already answered", async () => {
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: inject("databaseEndpoint"),
        region: "us-east-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      }),
    );
    const alice = await agent(client, "alice");
    const guest = await visitor(client);
    for (let i = 0; i < 3; i++) {
      await alice.send(guest.id, `m${i}`);
      await guest.receive(1);
    }

    const { Items } = await doc.send(
      new QueryCommand({
        TableName: inject("tableName"),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.inboxPk("localhost", guest.id) },
        ConsistentRead: true,
      }),
    );
    expect((Items ?? []).filter((item) => (item.event as { kind: string }).kind === "yield")).toEqual([]);
  });
});
