import { describe, expect, it } from "vitest";
import { conversationPk, expiresAt, inboxTime, keys, timeKey } from "../../lib/store/keys.js";

const DOMAIN = "shop.example.com";
const T = 1_700_000_000_123;

describe("conversationPk", () => {
  it.each([
    ["alice", "vid:guest"],
    ["vid:guest", "alice"],
    ["bob", "alice"],
    ["Alice", "alice"],
  ])("is the same for (%s, %s) and its reverse", (a, b) => {
    // Act
    const forward = conversationPk(DOMAIN, a, b);
    const reverse = conversationPk(DOMAIN, b, a);

    // Assess
    expect(forward).toBe(reverse);
  });

  it("names the site and the lower id first", () => {
    expect(conversationPk(DOMAIN, "vid:guest", "alice")).toBe("CONV#shop.example.com#alice#vid:guest");
  });

  it("differs between sites and between pairs", () => {
    // Act
    const pks = new Set([
      conversationPk(DOMAIN, "alice", "bob"),
      conversationPk("other.example.com", "alice", "bob"),
      conversationPk(DOMAIN, "alice", "carol"),
      conversationPk(DOMAIN, "bob", "carol"),
    ]);

    // Assess
    expect(pks.size).toBe(4);
  });
});

describe("message keys", () => {
  const base = { from: "vid:guest", to: "alice", timestamp: T, body: "Hello, is anyone there?" };
  const keyOf = (message: typeof base) => keys.message(DOMAIN, message.from, message.to, message.timestamp, message.body);

  it("are a pure function of the message (a second copy gets the same key)", () => {
    expect(keyOf({ ...base })).toEqual(keyOf(base));
  });

  it("put both directions of a conversation in one partition", () => {
    // Act
    const sent = keyOf(base);
    const answered = keyOf({ ...base, from: "alice", to: "vid:guest" });

    // Assess
    expect(answered.pk).toBe(sent.pk);
    expect(answered.sk).not.toBe(sent.sk);
  });

  it.each([
    { change: "body", message: { ...base, body: "Hello, is anyone there!" } },
    { change: "time", message: { ...base, timestamp: T + 1 } },
    { change: "sender", message: { ...base, from: "alice", to: "vid:guest" } },
  ])("differ when the $change differs", ({ message }) => {
    expect(keyOf(message)).not.toEqual(keyOf(base));
  });

  it("hold a short digest of the body, never the body", () => {
    // Prepare
    const body = "secret ".repeat(571);

    // Act
    const key = keyOf({ ...base, body });

    // Assess
    expect(key.sk).not.toContain("secret");
    expect(key.sk).toMatch(/^MSG#\d{13}#vid:guest#[A-Za-z0-9_-]{22}$/);
  });

  it("sort in time order within a conversation, from the history range's start", () => {
    // Prepare
    const from = keys.messagesFrom(T);

    // Act
    const earlier = keyOf({ ...base, timestamp: T - 1 }).sk;
    const same = keyOf(base).sk;
    const later = keyOf({ ...base, timestamp: T + 1 }).sk;

    // Assess
    expect(earlier < from).toBe(true);
    expect(from < same).toBe(true);
    expect(same < later).toBe(true);
  });
});

describe("timeKey", () => {
  it.each([
    { ms: 0, key: "0000000000000" },
    { ms: 42, key: "0000000000042" },
    { ms: T, key: "1700000000123" },
    { ms: 12.9, key: "0000000000012" },
    { ms: -5, key: "0000000000000" },
  ])("writes $ms as $key", ({ ms, key }) => {
    expect(timeKey(ms)).toBe(key);
  });

  it("orders strings as it orders numbers", () => {
    // Prepare
    const times = [T, 9, 1_000_000_000_000, 0, 10, 999, 99, 9_999_999_999_999, 100, T - 1];

    // Act
    const byString = times.map(timeKey).sort();
    const byNumber = [...times].sort((a, b) => a - b).map(timeKey);

    // Assess
    expect(byString).toEqual(byNumber);
  });
});

describe("inbox keys", () => {
  it("read back the time they were written with", () => {
    // Prepare
    const key = keys.inboxEvent(DOMAIN, "alice", T, "Xy_9");

    // Act
    const time = inboxTime(key.sk);

    // Assess
    expect(key).toEqual({ pk: "INBOX#shop.example.com#alice", sk: "1700000000123#Xy_9" });
    expect(time).toBe(T);
  });

  it("share their partition with inboxPk", () => {
    expect(keys.inboxEvent(DOMAIN, "alice", T, "u").pk).toBe(keys.inboxPk(DOMAIN, "alice"));
  });

  it("read the time of a bare time key too (a cursor)", () => {
    expect(inboxTime(timeKey(T))).toBe(T);
  });
});

describe("other keys", () => {
  it.each([
    { what: "site", key: keys.site(DOMAIN), expected: { pk: "SITE#shop.example.com", sk: "META" } },
    { what: "site registry entry", key: keys.siteEntry(DOMAIN), expected: { pk: "SITES", sk: "shop.example.com" } },
    { what: "agent", key: keys.agent(DOMAIN, "alice"), expected: { pk: "SITE#shop.example.com", sk: "AGENT#alice" } },
    { what: "user state", key: keys.userState(DOMAIN, "alice"), expected: { pk: "USER#shop.example.com#alice", sk: "STATE" } },
    { what: "ticket", key: keys.ticket("h4sh"), expected: { pk: "TICKET#h4sh", sk: "TICKET" } },
    {
      what: "clear mark",
      key: keys.clearMark(DOMAIN, "vid:guest", "alice"),
      expected: { pk: "CONV#shop.example.com#alice#vid:guest", sk: "CLEAR#vid:guest" },
    },
  ])("a $what key follows the data model", ({ key, expected }) => {
    expect(key).toEqual(expected);
  });

  it("every site's registry entry shares one partition, so one Query lists the sites", () => {
    expect(new Set([keys.siteEntry(DOMAIN).pk, keys.siteEntry("other.example").pk, keys.sitesPk])).toEqual(new Set(["SITES"]));
  });

  it("an agent key starts with agentPrefix, so one Query finds every agent of a site", () => {
    expect(keys.agent(DOMAIN, "alice").sk.startsWith(keys.agentPrefix)).toBe(true);
  });

  it("expiresAt rounds milliseconds up to epoch seconds", () => {
    expect([expiresAt(1_000), expiresAt(1_001), expiresAt(T)]).toEqual([1, 2, 1_700_000_001]);
  });
});
