import { describe, expect, it } from "vitest";
import { advance, type Cursor, SETTLE_MS, STATUS_TTL_MS, select } from "../../lib/im/cursor.js";
import type { InboxEvent, StoredEvent } from "../../lib/store/inbox.js";
import { timeKey } from "../../lib/store/keys.js";

/** A realistic clock: all times below are offsets from it. */
const T = 1_700_000_000_000;
const TICKET = "hash-of-this-ticket";
const OTHER_TICKET = "hash-of-another-tab";

function stored(at: number, unique: string, event: InboxEvent, skipTicket?: string): StoredEvent {
  return { sk: `${timeKey(at)}#${unique}`, event, ...(skipTicket === undefined ? {} : { skipTicket }) };
}

function message(at: number, unique: string, skipTicket?: string): StoredEvent {
  const packet = { type: "unicast" as const, to: "alice", from: "vid:guest", nick: "guest", body: unique, timestamp: at };
  return stored(at, unique, { kind: "message", packet }, skipTicket);
}

function presence(at: number, unique: string): StoredEvent {
  return stored(at, unique, { kind: "presence", packet: { from: "bob", nick: "Bob", type: "online", show: "available" } });
}

function status(at: number, unique: string): StoredEvent {
  return stored(at, unique, { kind: "status", packet: { from: "vid:guest", nick: "guest", to: "alice", show: "typing" } });
}

function stop(at: number, unique: string, ticketHash: string): StoredEvent {
  return stored(at, unique, { kind: "stop", ticketHash });
}

const sks = (events: readonly StoredEvent[]) => events.map((event) => event.sk);

/** An inbox as DynamoDB serves it: sorted by sort key, read strictly after a key, `limit` at a time. */
class Inbox {
  private events: StoredEvent[] = [];
  /** Every sort key handed to a reader, read after read. */
  readonly reads: string[][] = [];

  write(...events: StoredEvent[]): void {
    this.events = [...this.events, ...events].sort((a, b) => (a.sk < b.sk ? -1 : 1));
  }

  read(after: string, limit: number): { events: StoredEvent[]; more: boolean } {
    const found = this.events.filter((event) => event.sk > after);
    const events = found.slice(0, limit);
    this.reads.push(sks(events));
    return { events, more: found.length > limit };
  }
}

/** One poll of TICKET, the way lib/im/packets.ts combines `select` and `advance`. */
function pollOnce(inbox: Inbox, state: Cursor, now: number, limit = 100): { handed: string[]; stopped: boolean; next: Cursor } {
  const { events, more } = inbox.read(state.cursor, limit);
  const { deliver, stopped } = select(events, TICKET, state.delivered, now);
  const handed = sks(deliver);
  const next = advance(state, handed, now, more ? events.at(-1)?.sk : undefined);
  return { handed, stopped, next };
}

const start: Cursor = { cursor: timeKey(T - SETTLE_MS), delivered: [] };

describe("select: what a ticket gets of the events read after its cursor", () => {
  it("hands out every new event, in the order read", () => {
    // Prepare
    const events = [message(T + 1, "a"), presence(T + 2, "b"), status(T + 3, "c")];

    // Act
    const { deliver, stopped } = select(events, TICKET, [], T + 10);

    // Assess
    expect(sks(deliver)).toEqual(sks(events));
    expect(stopped).toBe(false);
  });

  it("never hands out an event already in `delivered`", () => {
    // Prepare
    const [a, b, c] = [message(T + 1, "a"), message(T + 2, "b"), message(T + 3, "c")] as const;

    // Act
    const { deliver } = select([a, b, c], TICKET, [a.sk, c.sk], T + 10);

    // Assess
    expect(sks(deliver)).toEqual([b.sk]);
  });

  describe.each([
    { skipTicket: TICKET, who: "this ticket (the sender's own tab)", handedOut: false },
    { skipTicket: OTHER_TICKET, who: "another ticket", handedOut: true },
  ])("an event whose skipTicket is $who", ({ skipTicket, handedOut }) => {
    it(handedOut ? "is handed out" : "is skipped", () => {
      // Prepare
      const [own, next] = [message(T + 1, "own", skipTicket), message(T + 2, "next")] as const;

      // Act
      const { deliver } = select([own, next], TICKET, [], T + 10);

      // Assess
      expect(sks(deliver)).toEqual(handedOut ? [own.sk, next.sk] : [next.sk]);
    });
  });

  describe.each([
    { ticketHash: TICKET, whose: "this ticket", stopped: true },
    { ticketHash: OTHER_TICKET, whose: "another ticket", stopped: false },
  ])("a stop notice for $whose", ({ ticketHash, stopped }) => {
    it(stopped ? "stops the poll" : "is ignored", () => {
      // Prepare
      const [a, end, b] = [message(T + 1, "a"), stop(T + 2, "end", ticketHash), message(T + 3, "b")] as const;

      // Act
      const selection = select([a, end, b], TICKET, [], T + 10);

      // Assess
      expect(selection.stopped).toBe(stopped);
      // The notice itself is never a packet.
      expect(sks(selection.deliver)).toEqual([a.sk, b.sk]);
    });
  });

  it.each([
    { age: 0, kept: true },
    { age: STATUS_TTL_MS - 1, kept: true },
    { age: STATUS_TTL_MS, kept: true },
    { age: STATUS_TTL_MS + 1, kept: false },
    { age: 10 * STATUS_TTL_MS, kept: false },
  ])("a typing status $age ms old is kept: $kept", ({ age, kept }) => {
    // Prepare
    const now = T + 20 * STATUS_TTL_MS;
    const events = [status(now - age, "typing")];

    // Act
    const { deliver } = select(events, TICKET, [], now);

    // Assess
    expect(deliver).toHaveLength(kept ? 1 : 0);
  });

  it.each([
    { kind: "message", event: message },
    { kind: "presence", event: presence },
  ])("a $kind never goes stale, however old", ({ event }) => {
    // Prepare
    const now = T + 20 * STATUS_TTL_MS;
    const events = [event(now - 10 * STATUS_TTL_MS, "old")];

    // Act
    const { deliver } = select(events, TICKET, [], now);

    // Assess
    expect(deliver).toHaveLength(1);
  });
});

describe("advance: where the cursor goes after a poll", () => {
  it("moves up to now minus SETTLE_MS when the whole range was read", () => {
    // Prepare
    const now = T + 60_000;

    // Act
    const next = advance(start, [], now);

    // Assess
    expect(next.cursor).toBe(timeKey(now - SETTLE_MS));
  });

  it.each([
    { what: "a later time", cursor: timeKey(T + 50_000) },
    { what: "a later sort key left by a cut-short read", cursor: `${timeKey(T + 50_000)}#zzz` },
  ])("never moves backwards from $what", ({ cursor }) => {
    // Prepare: the clock reads earlier than the stored cursor (another Lambda's clock ran ahead).
    const previous: Cursor = { cursor, delivered: [] };

    // Act
    const next = advance(previous, [], T + 50_000, `${timeKey(T)}#aaa`);

    // Assess
    expect(next.cursor).toBe(cursor);
  });

  it("stops at lastRead when a read cut short ended before now minus SETTLE_MS", () => {
    // Prepare
    const lastRead = `${timeKey(T)}#last`;

    // Act
    const next = advance(start, [lastRead], T + 60_000, lastRead);

    // Assess
    expect(next.cursor).toBe(lastRead);
  });

  it("stays at now minus SETTLE_MS when a read cut short ended after it", () => {
    // Prepare
    const now = T + 60_000;
    const lastRead = `${timeKey(now - 1)}#last`;

    // Act
    const next = advance(start, [lastRead], now, lastRead);

    // Assess
    expect(next.cursor).toBe(timeKey(now - SETTLE_MS));
    expect(next.delivered).toEqual([lastRead]);
  });

  it("keeps in `delivered` exactly the handed-out keys after the cursor, once each, sorted", () => {
    // Prepare
    const now = T + 60_000;
    const before = `${timeKey(now - SETTLE_MS - 1)}#old`;
    const atCursor = timeKey(now - SETTLE_MS);
    const after1 = `${timeKey(now - 5)}#b`;
    const after2 = `${timeKey(now - 7)}#a`;
    const previous: Cursor = { cursor: start.cursor, delivered: [before, after1] };

    // Act
    const next = advance(previous, [after1, after2, atCursor], now);

    // Assess
    expect(next.cursor).toBe(atCursor);
    expect(next.delivered).toEqual([after2, after1]);
  });
});

describe("a ticket polling its inbox gets every event exactly once", () => {
  it("delivers a late write stamped before an event already read", () => {
    // Prepare: events stamped t=100 and t=105 are read; the write stamped t=102 lands only afterwards.
    const inbox = new Inbox();
    const at100 = message(T + 100, "a");
    const at105 = message(T + 105, "c");
    const late102 = message(T + 102, "b");
    inbox.write(at100, at105);
    const first = pollOnce(inbox, start, T + 106);
    inbox.write(late102);

    // Act
    const second = pollOnce(inbox, first.next, T + 110);
    const third = pollOnce(inbox, second.next, T + 120);

    // Assess
    expect(first.handed).toEqual([at100.sk, at105.sk]);
    expect(first.next.cursor < late102.sk).toBe(true);
    expect(second.handed).toEqual([late102.sk]);
    expect(third.handed).toEqual([]);
  });

  it("never re-reads events once the cursor has passed them", () => {
    // Prepare
    const inbox = new Inbox();
    const event = message(T + 100, "a");
    inbox.write(event);
    const first = pollOnce(inbox, start, T + 101);

    // Act: long after SETTLE_MS, twice.
    const second = pollOnce(inbox, first.next, T + 100 + SETTLE_MS + 1);
    const third = pollOnce(inbox, second.next, T + 100 + SETTLE_MS + 2);

    // Assess
    expect(first.handed).toEqual([event.sk]);
    expect(second.next.cursor > event.sk).toBe(true);
    expect(second.next.delivered).toEqual([]);
    expect(inbox.reads.at(-1)).toEqual([]);
    expect(third.handed).toEqual([]);
  });

  it("skips nothing when reads are cut short by their limit", () => {
    // Prepare: five settled events, read two at a time.
    const inbox = new Inbox();
    const events = [0, 1, 2, 3, 4].map((i) => message(T + i, `e${i}`));
    inbox.write(...events);
    const now = T + 4 + SETTLE_MS + 1_000;

    // Act
    const handed: string[][] = [];
    let state = start;
    for (let i = 0; i < 4; i++) {
      const poll = pollOnce(inbox, state, now + i, 2);
      handed.push(poll.handed);
      state = poll.next;
    }

    // Assess
    const [k0, k1, k2, k3, k4] = sks(events);
    expect(handed).toEqual([[k0, k1], [k2, k3], [k4], []]);
  });

  it("hands each of many recent events out once, even when they exceed one read", () => {
    // Prepare: five events in the last moment, read two at a time, polled every second.
    const inbox = new Inbox();
    const events = [0, 1, 2, 3, 4].map((i) => message(T + i, `e${i}`));
    inbox.write(...events);

    // Act
    const handed: string[] = [];
    let state = start;
    for (let now = T + 10; now < T + 2 * SETTLE_MS; now += 1_000) {
      const poll = pollOnce(inbox, state, now, 2);
      handed.push(...poll.handed);
      state = poll.next;
    }

    // Assess
    expect(handed).toEqual(sks(events));
  });

  it("stops when its own stop notice arrives, and not for another tab's", () => {
    // Prepare
    const inbox = new Inbox();
    inbox.write(stop(T + 1, "other", OTHER_TICKET), message(T + 2, "a"));
    const first = pollOnce(inbox, start, T + 10);
    inbox.write(stop(T + 11, "own", TICKET));

    // Act
    const second = pollOnce(inbox, first.next, T + 20);

    // Assess
    expect(first.stopped).toBe(false);
    expect(first.handed).toEqual([`${timeKey(T + 2)}#a`]);
    expect(second.stopped).toBe(true);
  });
});

describe("select: a newer poll taking over", () => {
  const at = (ms: number, unique: string) => `${String(ms).padStart(13, "0")}#${unique}`;

  it("yields the named poll of this ticket only", () => {
    const events = [
      { sk: at(1_000, "aaaaaaaa"), event: { kind: "yield" as const, ticketHash: "other-ticket", pollId: "p1" } },
      { sk: at(1_001, "bbbbbbbb"), event: { kind: "yield" as const, ticketHash: "my-ticket", pollId: "p0" } },
    ];

    expect(select(events, "my-ticket", [], 2_000, "p1").yielded).toBe(false);
    expect(select(events, "my-ticket", [], 2_000, "p0").yielded).toBe(true);
    expect(select(events, "my-ticket", [], 2_000, "p0").deliver).toEqual([]);
  });
});
