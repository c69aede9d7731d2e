import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../lib/store/sites.js";
import { agentsTable, agentView, details, sitesTable, siteView, table } from "../../scripts/lib/admin-output.js";

const SECRET = "a-site-token-secret-that-must-never-be-printed";
const HASH = "scrypt$16384$8$1$c2FsdA$aGFzaA";

describe("admin output", () => {
  it("aligns table columns on their widest cell", () => {
    // Act
    const text = table(
      ["ID", "NICK"],
      [
        ["alice", "Alice"],
        ["b", "Bob the agent"],
      ],
    );

    // Assess
    expect(text.split("\n")).toEqual(["ID     NICK", "alice  Alice", "b      Bob the agent"]);
  });

  it("lines up labels, and continues a list on the next lines", () => {
    expect(
      details([
        ["domain", "shop.example.com"],
        ["origins", ["https://a.example", "https://b.example"]],
        ["agents", []],
      ]).split("\n"),
    ).toEqual(["domain   shop.example.com", "origins  https://a.example", "         https://b.example", "agents   -"]);
  });

  it("shows a site's token secret as set or none, never itself", () => {
    // Prepare
    const site = { domain: "shop.example.com", origins: [], tokenSecret: SECRET, settings: DEFAULT_SETTINGS, createdAt: 0 };

    // Act
    const view = siteView(site);
    const listed = sitesTable([view, siteView({ domain: "b.example", origins: [], settings: DEFAULT_SETTINGS })]);

    // Assess
    expect(view.tokenSecret).toBe("set");
    expect(view.createdAt).toBe("1970-01-01T00:00:00.000Z");
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(listed).not.toContain(SECRET);
    expect(listed).toMatch(/b\.example\s+-\s+none/);
  });

  it("shows an agent's password as set or none, never its hash", () => {
    // Act
    const withPassword = agentView({ id: "alice", nick: "Alice", passwordHash: HASH });
    const tokenOnly = agentView({ id: "bob", nick: "Bob", picUrl: "https://cdn.example/b.png" });

    // Assess
    expect(withPassword).toEqual({ id: "alice", nick: "Alice", picUrl: null, password: "set" });
    expect(tokenOnly).toEqual({ id: "bob", nick: "Bob", picUrl: "https://cdn.example/b.png", password: "none" });
    expect(agentsTable([withPassword, tokenOnly])).not.toContain(HASH);
  });

  it("says so when there is nothing to list", () => {
    expect([sitesTable([]), agentsTable([])]).toEqual(["No sites.", "No agents."]);
  });
});
