import { describe, expect, it } from "vitest";
import { hashTicket, newTicket, newVisitorId, signVisitor, VISITOR_PREFIX, verifyVisitor } from "../../lib/auth/tokens.js";

const SECRET = "unit-secret-0123456789abcdef0123456789";
const DOMAIN = "shop.example.com";

const base64url = (text: string) => Buffer.from(text).toString("base64url");

/** Changes the first character of a base64url string, so the bytes it stands for change. */
function tamper(part: string): string {
  return (part[0] === "A" ? "B" : "A") + part.slice(1);
}

describe("tickets", () => {
  it("are 128 random bits in base64url (22 characters)", () => {
    // Act
    const ticket = newTicket();

    // Assess
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(ticket, "base64url")).toHaveLength(16);
  });

  it("never repeat", () => {
    // Act
    const tickets = new Set(Array.from({ length: 10_000 }, () => newTicket()));

    // Assess
    expect(tickets.size).toBe(10_000);
  });

  it("use every base64url character, as random bits do", () => {
    // Act
    const characters = new Set(Array.from({ length: 2_000 }, () => newTicket()).join(""));

    // Assess
    expect(characters.size).toBe(64);
  });

  it("hash to the same SHA-256 every time, and never to the ticket itself", () => {
    // Prepare
    const ticket = newTicket();

    // Act
    const first = hashTicket(ticket);
    const second = hashTicket(ticket);

    // Assess
    expect(first).toBe(second);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first).not.toContain(ticket);
    expect(hashTicket(newTicket())).not.toBe(first);
  });

  it("hash as the SHA-256 of their text", () => {
    expect(hashTicket("abc")).toBe("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  });
});

describe("visitor ids", () => {
  it("start with vid: and differ every time", () => {
    // Act
    const ids = Array.from({ length: 1_000 }, () => newVisitorId());

    // Assess
    for (const id of ids) expect(id).toMatch(/^vid:[A-Za-z0-9_-]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("visitor tokens", () => {
  it("name the visitor they were signed for", () => {
    // Prepare
    const id = newVisitorId();

    // Act
    const token = signVisitor(SECRET, DOMAIN, id);

    // Assess
    expect(verifyVisitor(SECRET, DOMAIN, token)).toBe(id);
  });

  it("are refused when the id is changed", () => {
    // Prepare
    const [, mac] = signVisitor(SECRET, DOMAIN, "vid:alice").split(".");

    // Act
    const verified = verifyVisitor(SECRET, DOMAIN, `${base64url("vid:mallory")}.${mac}`);

    // Assess
    expect(verified).toBeUndefined();
  });

  it("are refused when the mac is changed", () => {
    // Prepare
    const [id, mac] = signVisitor(SECRET, DOMAIN, "vid:alice").split(".");

    // Act
    const verified = verifyVisitor(SECRET, DOMAIN, `${id}.${tamper(String(mac))}`);

    // Assess
    expect(verified).toBeUndefined();
  });

  it("are refused when the mac is cut short", () => {
    // Prepare
    const token = signVisitor(SECRET, DOMAIN, "vid:alice");

    // Act
    const verified = verifyVisitor(SECRET, DOMAIN, token.slice(0, -4));

    // Assess
    expect(verified).toBeUndefined();
  });

  it("are refused on another site", () => {
    // Prepare
    const token = signVisitor(SECRET, DOMAIN, "vid:alice");

    // Act
    const verified = verifyVisitor(SECRET, "other.example.com", token);

    // Assess
    expect(verified).toBeUndefined();
  });

  it("are refused under another deployment's secret", () => {
    // Prepare
    const token = signVisitor(SECRET, DOMAIN, "vid:alice");

    // Act
    const verified = verifyVisitor(`${SECRET}-other`, DOMAIN, token);

    // Assess
    expect(verified).toBeUndefined();
  });

  it.each(["", "a", ".", "a.", ".b", "a.b", "a.b.c", "not a token", `${base64url("vid:alice")}.`])(
    "refuses the malformed %j",
    (token) => {
      expect(verifyVisitor(SECRET, DOMAIN, token)).toBeUndefined();
    },
  );

  it("refuses a valid token with a third part appended", () => {
    // Prepare
    const token = signVisitor(SECRET, DOMAIN, "vid:alice");

    // Act
    const verified = verifyVisitor(SECRET, DOMAIN, `${token}.extra`);

    // Assess
    expect(verified).toBeUndefined();
  });

  it.each(["alice", "admin", "VID:alice", " vid:alice", ""])(
    "refuses a correctly signed id %j that lacks the vid: prefix (an agent's id must not be claimable)",
    (id) => {
      // Prepare
      const token = signVisitor(SECRET, DOMAIN, id);

      // Act
      const verified = verifyVisitor(SECRET, DOMAIN, token);

      // Assess
      expect(verified).toBeUndefined();
    },
  );

  it.each([
    { length: 64, accepted: true },
    { length: 65, accepted: false },
  ])("takes a correctly signed id of $length characters: $accepted", ({ length, accepted }) => {
    // Prepare
    const id = VISITOR_PREFIX + "x".repeat(length - VISITOR_PREFIX.length);

    // Act
    const verified = verifyVisitor(SECRET, DOMAIN, signVisitor(SECRET, DOMAIN, id));

    // Assess
    expect(verified).toBe(accepted ? id : undefined);
  });
});
