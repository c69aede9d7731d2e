import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, inject, it } from "vitest";
import { keys } from "../../lib/store/keys.js";
import { agent, type LogItem, visitor, WebimClient } from "../support/client.js";
import { Socket } from "../support/socket.js";

const client = new WebimClient(inject("baseUrl"));
const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: inject("databaseEndpoint"),
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  }),
);

async function connectionItems(userId: string) {
  const { Items } = await doc.send(
    new QueryCommand({
      TableName: inject("tableName"),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :conn)",
      ExpressionAttributeValues: { ":pk": keys.userState("localhost", userId).pk, ":conn": "CONN#" },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

/** What a subscription answers at once when nothing waits: it took, and there is nothing yet. */
const EMPTY = { status: "ok", messages: [], presences: [], statuses: [] };

function messagesOf(frame: Record<string, unknown> | undefined): LogItem[] {
  return (frame?.messages as LogItem[] | undefined) ?? [];
}

describe("WebSocket push", () => {
  it("is offered by online, and delivers each packet as a frame with the same JSON as packets", async () => {
    const guest = await visitor(client);
    const alice = await agent(client, "alice");
    expect(alice.session.connection.websocket).toMatch(/^ws:\/\/localhost:\d+$/);
    const socket = await Socket.open(String(alice.session.connection.websocket));
    socket.send(`subscribe localhost ${alice.ticket}`);
    expect(await socket.next()).toEqual(EMPTY);

    await guest.send("alice", "pushed to you");
    const frame = await socket.next();

    expect(frame).toEqual({
      status: "ok",
      messages: [expect.objectContaining({ from: guest.id, to: "alice", body: "pushed to you", id: expect.any(String) })],
      presences: [],
      statuses: [],
    });
    await socket.close();
  });

  it("sends what waited for the ticket as soon as it subscribes", async () => {
    const guest = await visitor(client);
    const bob = await agent(client, "bob");
    await guest.send("bob", "sent before the socket");

    const socket = await Socket.open(String(bob.session.connection.websocket));
    socket.send(`subscribe localhost ${bob.ticket}`);

    expect(messagesOf(await socket.next()).map((message) => message.body)).toContain("sent before the socket");
    await socket.close();
  });

  it("lets a client switch transports mid-conversation without losing or repeating a message", async () => {
    const alice = await agent(client, "alice");
    const guest = await visitor(client);
    const received: LogItem[] = [];

    await alice.send(guest.id, "one (long poll)");
    received.push(...(await guest.receive(1)));

    const socket = await Socket.open(String(guest.session.connection.websocket));
    socket.send(`subscribe localhost ${guest.ticket} ${received.at(-1)?.id}`);
    expect(await socket.next()).toEqual(EMPTY);
    await alice.send(guest.id, "two (socket)");
    received.push(...messagesOf(await socket.next()));
    await socket.close();

    await alice.send(guest.id, "three (long poll again)");
    received.push(...((await guest.poll({ since: String(received.at(-1)?.id) })).messages ?? []));

    expect(received.map((message) => message.body)).toEqual(["one (long poll)", "two (socket)", "three (long poll again)"]);
    expect(new Set(received.map((message) => message.id)).size).toBe(3);
  });

  it("skips the sending ticket's own socket, like the long poll", async () => {
    const guest = await visitor(client);
    const socket = await Socket.open(String(guest.session.connection.websocket));
    socket.send(`subscribe localhost ${guest.ticket}`);
    expect(await socket.next()).toEqual(EMPTY);

    await guest.send("alice", "from this very tab");

    expect(await socket.next(1_000)).toBeUndefined();
    await socket.close();
  });

  it("ends the connection with its ticket", async () => {
    const guest = await visitor(client);
    const socket = await Socket.open(String(guest.session.connection.websocket));
    socket.send(`subscribe localhost ${guest.ticket}`);
    expect(await socket.next()).toEqual(EMPTY);

    await client.ok("refresh", { ticket: guest.ticket });

    expect(await socket.next()).toEqual({ status: "stopped" });
    await expect.poll(() => socket.closed).toBe(true);
    await expect.poll(async () => (await connectionItems(guest.id)).length).toBe(0);
  });

  it("answers a bad subscription with an error frame", async () => {
    const guest = await visitor(client);
    const socket = await Socket.open(String(guest.session.connection.websocket));

    socket.send("subscribe localhost not-a-ticket");
    expect(await socket.next()).toEqual({ success: false, error_msg: "Not Authorized" });
    socket.send("hello");
    expect(await socket.next()).toEqual({ success: false, error_msg: "send 'subscribe <domain> <ticket> [since]' or 'ping'" });
    await socket.close();
  });

  it("answers a binary frame with an error frame, not a crash", async () => {
    const guest = await visitor(client);
    const socket = await Socket.open(String(guest.session.connection.websocket));

    socket.ws.send(Buffer.from([0xff, 0xfe, 0x00, 0x01]), { binary: true });

    expect(await socket.next()).toEqual({ success: false, error_msg: "frames are text" });
    await socket.close();
  });

  it("does not offer again at the next online a message a socket already took", async () => {
    const guest = await visitor(client);
    const bob = await agent(client, "bob");
    const socket = await Socket.open(String(bob.session.connection.websocket));
    socket.send(`subscribe localhost ${bob.ticket}`);
    expect(await socket.next()).toEqual(expect.objectContaining({ status: "ok" }));

    await guest.send("bob", "taken live");
    expect(messagesOf(await socket.next()).map((message) => message.body)).toEqual(["taken live"]);
    await socket.close();

    const back = await agent(client, "bob");
    expect(back.session.new_messages.filter((message) => message.from === guest.id)).toEqual([]);
  });

  it("forgets a connection API Gateway reports gone (GoneException)", async () => {
    const guest = await visitor(client);
    const alice = await agent(client, "alice");
    const ghost = "ghost-connection-id";
    const connection = { connectionId: ghost, domain: "localhost", userId: "alice", ticketHash: "gone" };
    await doc.send(new PutCommand({ TableName: inject("tableName"), Item: { ...keys.connection(ghost), ...connection } }));
    await doc.send(
      new PutCommand({
        TableName: inject("tableName"),
        Item: { ...keys.userConnection("localhost", "alice", ghost), ...connection },
      }),
    );

    await guest.send("alice", "to a connection that is gone");

    await expect.poll(async () => (await connectionItems("alice")).map((item) => item.connectionId)).not.toContain(ghost);
    expect((await alice.receive(1)).map((message) => message.body)).toContain("to a connection that is gone");
  });
});
