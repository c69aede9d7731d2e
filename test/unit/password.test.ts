import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../../lib/auth/password.js";

describe("agent passwords", () => {
  it("verify against their own hash", async () => {
    // Prepare
    const stored = await hashPassword("correct horse battery staple");

    // Act
    const valid = await verifyPassword("correct horse battery staple", stored);

    // Assess
    expect(valid).toBe(true);
  });

  it("are stored as scrypt$N$r$p$salt$hash without the password", async () => {
    // Act
    const stored = await hashPassword("hunter2-hunter2");

    // Assess
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain("hunter2");
  });

  it.each(["wrong", "", "correct horse battery stapl", "Correct horse battery staple", "correct horse battery staple "])(
    "refuse the wrong password %j",
    async (attempt) => {
      // Prepare
      const stored = await hashPassword("correct horse battery staple");

      // Act
      const valid = await verifyPassword(attempt, stored);

      // Assess
      expect(valid).toBe(false);
    },
  );

  it("hash one password two ways (a fresh salt each time), both valid", async () => {
    // Act
    const [first, second] = await Promise.all([hashPassword("same"), hashPassword("same")]);

    // Assess
    expect(first).not.toBe(second);
    expect(await verifyPassword("same", first)).toBe(true);
    expect(await verifyPassword("same", second)).toBe(true);
  });

  it("treat the composed and decomposed forms of an accented letter as one password", async () => {
    // Prepare
    const stored = await hashPassword("caf\u00e9");

    // Act
    const valid = await verifyPassword("cafe\u0301", stored);

    // Assess
    expect(valid).toBe(true);
  });

  it.each([
    { what: "an empty string", stored: "" },
    { what: "a plain-text password", stored: "correct horse battery staple" },
    { what: "another scheme", stored: "bcrypt$16384$8$1$c2FsdA$a2V5" },
    { what: "missing parts", stored: "scrypt$16384$8$1" },
    { what: "an empty cost", stored: "scrypt$$8$1$c2FsdA$a2V5" },
    { what: "a key of the wrong length", stored: "scrypt$16384$8$1$c2FsdA$a2V5" },
    { what: "a cost that is not a number", stored: "scrypt$abc$8$1$c2FsdA$a2V5" },
    { what: "a cost that is not a power of two", stored: "scrypt$1000$8$1$c2FsdA$a2V5" },
    { what: "a cost beyond scrypt's memory limit", stored: "scrypt$1048576$8$1$c2FsdA$a2V5" },
  ])("refuse any password against a malformed stored hash: $what", async ({ stored }) => {
    // Act
    const valid = verifyPassword("correct horse battery staple", stored);

    // Assess
    await expect(valid).resolves.toBe(false);
  });
});
