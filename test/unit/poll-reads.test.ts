/**
 * How the long poll reads the inbox: the reads that only wait are eventually consistent (half the
 * price), and nothing is handed out unless a strongly consistent read saw it. The store is a fake
 * whose eventual reads lag behind: they see only the events listed as replicated.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { InboxRange, StoredEvent } from "../../lib/store/inbox.js";
import { timeKey } from "../../lib/store/keys.js";
import type { TicketRecord } from "../../lib/store/tickets.js";

const store = vi.hoisted(() => ({
  events: [] as StoredEvent[],
  /** Sort keys an eventually consistent read already sees. */
  replicated: new Set<string>(),
  reads: [] as { consistent: boolean; at: number }[],
  clock: 0,
  /** Called before each read: lets a test write events at a given moment. */
  beforeRead: (_readCount: number) => {},
  advanced: [] as { cursor: string; delivered: string[] }[],
}));

vi.mock("../../lib/store/inbox.js", () => ({
  appendEvent: vi.fn(async () => {}),
  readInbox: vi.fn(async (_domain: string, _user: string, range: InboxRange) => {
    store.beforeRead(store.reads.length);
    const consistent = range.consistent ?? true;
    store.reads.push({ consistent, at: store.clock });
    const events = store.events
      .filter((stored) => stored.sk > range.after && (consistent || store.replicated.has(stored.sk)))
      .sort((a, b) => (a.sk < b.sk ? -1 : 1));
    return { events: events.slice(0, range.limit), more: events.length > range.limit };
  }),
}));
vi.mock("../../lib/store/tickets.js", () => ({
  claimPoll: vi.fn(async () => ({})),
  advanceTicket: vi.fn(async (_hash: string, progress: { cursor: string; delivered: string[] }) => {
    store.advanced.push(progress);
    return "recorded";
  }),
}));
vi.mock("../../lib/store/users.js", () => ({ advanceInboxSeen: vi.fn(async () => {}) }));
vi.mock("../../lib/im/presence.js", () => ({ stillHere: vi.fn(async () => {}) }));

const { poll } = await import("../../lib/im/packets.js");

const START = 1_800_000_000_000;
const WAIT_MS = 25_000;

function ticket(): TicketRecord {
  return {
    ticketHash: "t1",
    domain: "example.com",
    userId: "vid:1",
    role: "visitor",
    nick: "v1",
    cursor: timeKey(START - 60_000),
    delivered: [],
    createdAt: START - 60_000,
    lastSeen: START,
    expires: START / 1000 + 3600,
  };
}

function message(at: number, body: string): StoredEvent {
  return {
    sk: `${timeKey(at)}#${body}`,
    event: { kind: "message", packet: { type: "unicast", from: "alice", nick: "Alice", to: "vid:1", body, timestamp: at } },
  };
}

function run() {
  return poll(ticket(), {
    waitMs: WAIT_MS,
    now: () => store.clock,
    sleep: async (ms) => {
      store.clock += ms;
    },
  });
}

beforeEach(() => {
  store.events = [];
  store.replicated = new Set();
  store.reads = [];
  store.advanced = [];
  store.clock = START;
  store.beforeRead = () => {};
});

describe("the long poll's reads", () => {
  it("probe eventually consistent while idle, between one strong read at the start and one at the end", async () => {
    const answer = await run();

    expect(answer).toEqual({ status: "ok", messages: [], presences: [], statuses: [] });
    const strong = store.reads.filter((read) => read.consistent);
    expect(strong.map((read) => read.at)).toEqual([START, START + WAIT_MS]);
    // Backing off from 100 ms to 1 s, a 25 s wait reads about 30 times; all but two at half price.
    expect(store.reads.length - strong.length).toBeGreaterThan(20);
    // Nothing after the cursor to skip: the cursor stays, and the poll writes nothing at its end.
    expect(store.advanced).toEqual([]);
  });

  it("moves an idle ticket's cursor past the events it skips, so that later reads stay short", async () => {
    const other: StoredEvent = { sk: `${timeKey(START - 30_000)}#stop`, event: { kind: "stop", ticketHash: "another tab" } };
    store.events.push(other);
    store.replicated.add(other.sk);

    await run();

    expect(store.advanced).toMatchObject([{ cursor: timeKey(START + WAIT_MS - 10_000), delivered: [] }]);
  });

  it("read again strongly when a probe finds something, and hand out what only that read sees", async () => {
    const late = message(START + 1_000, "written first, not yet replicated");
    const seen = message(START + 1_100, "replicated");
    store.beforeRead = (count) => {
      if (count === 5) {
        store.events.push(late, seen);
        store.replicated.add(seen.sk);
      }
    };

    const answer = await run();

    expect(answer).toMatchObject({ messages: [{ body: "written first, not yet replicated" }, { body: "replicated" }] });
    expect(store.reads.slice(4).map((read) => read.consistent)).toEqual([false, false, true]);
    expect(store.advanced).toHaveLength(1);
  });

  it("answers stopped when a probe sees the ticket end, after reading it strongly", async () => {
    store.beforeRead = (count) => {
      if (count === 3) {
        const stop: StoredEvent = { sk: `${timeKey(store.clock)}#stop`, event: { kind: "stop", ticketHash: "t1" } };
        store.events.push(stop);
        store.replicated.add(stop.sk);
      }
    };

    expect(await run()).toEqual({ status: "stopped" });
    expect(store.reads.at(-1)?.consistent).toBe(true);
    expect(store.reads.at(-2)?.consistent).toBe(false);
  });
});
