/**
 * `npm run admin`, run for real (tsx scripts/admin.ts) against the integration stack's table; what
 * it writes is then used through HTTP. Every test has domains of its own, never seen by the
 * service's 30 s site cache.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { SignJWT } from "jose";
import { describe, expect, inject, it } from "vitest";
import { keys } from "../../lib/store/keys.js";
import { freePort } from "../../scripts/lib/ports.js";
import { type OnlineAnswer, WebimClient } from "../support/client.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;
const endpoint = inject("databaseEndpoint");
const table = inject("tableName");
const client = new WebimClient(inject("baseUrl"));
const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The script against the integration stack's table (`target` replaces that), with `stdin` piped in and `env` added. */
function admin(
  args: string[],
  options: { stdin?: string; target?: string[]; env?: Record<string, string | undefined> } = {},
): Promise<Outcome> {
  const target = options.target ?? ["--endpoint", endpoint, "--table", table];
  // The default endpoint follows DYNAMODB_PORT: the tests' own environment must not choose it.
  const env = { ...process.env, DYNAMODB_PORT: undefined, ...options.env };
  return new Promise((resolve) => {
    const child = execFile(
      TSX,
      ["scripts/admin.ts", ...target, ...args],
      { cwd: ROOT, timeout: 30_000, env },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(options.stdin ?? "");
  });
}

/** A command that must succeed; its --json output. */
async function adminJson<T = Record<string, unknown>>(args: string[], stdin?: string): Promise<T> {
  const outcome = await admin([...args, "--json"], stdin === undefined ? {} : { stdin });
  if (outcome.code !== 0) throw new Error(`admin ${args.join(" ")} exited ${outcome.code}: ${outcome.stderr}`);
  return JSON.parse(outcome.stdout) as T;
}

function freshDomain(label: string): string {
  return `${label}-${randomBytes(4).toString("hex")}.test`;
}

async function stored(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
}

async function storedAgentIds(domain: string): Promise<string[]> {
  const { Items } = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": keys.site(domain).pk, ":prefix": keys.agentPrefix },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((item) => String(item.id));
}

function signIn(domain: string, username: string, password: string) {
  return client.call("online", { domain, username, password });
}

describe.concurrent("admin: sites", () => {
  it("adds, lists, shows, updates and removes a site, with its registry entry", async () => {
    // Prepare
    const domain = freshDomain("site");

    // Act
    const added = await adminJson([
      "site",
      "add",
      domain,
      "--origin",
      `https://${domain}/`,
      "--history-size",
      "12",
      "--welcome",
      "Welcome to the test shop",
    ]);
    const listed = await adminJson<{ domain: string }[]>(["site", "list"]);
    const human = await admin(["site", "list"]);
    const updated = await adminJson([
      "site",
      "update",
      domain,
      "--origin",
      `https://www.${domain}`,
      "--remove-origin",
      `https://${domain}`,
      "--leave-message",
      "Write to us",
      "--token-secret",
      "t".repeat(40),
    ]);
    const shown = await adminJson(["site", "show", domain]);

    // Assess
    expect(added).toMatchObject({
      domain,
      origins: [`https://${domain}`],
      tokenSecret: "none",
      settings: { historySize: 12, welcome: "Welcome to the test shop" },
    });
    expect(listed.map((site) => site.domain)).toContain(domain);
    expect(human.stdout).toMatch(/^DOMAIN\s+ORIGINS\s+TOKEN SECRET\s+HISTORY SIZE\s+CREATED$/m);
    expect(human.stdout).toMatch(
      new RegExp(`^${domain.replaceAll(".", "\\.")}\\s+https://${domain.replaceAll(".", "\\.")}\\s+none\\s+12\\s`, "m"),
    );
    expect(updated).toMatchObject({
      origins: [`https://www.${domain}`],
      tokenSecret: "set",
      settings: { historySize: 12, welcome: "Welcome to the test shop", leaveMessage: "Write to us" },
    });
    expect(shown).toEqual({ ...updated, agents: [] });
    expect(JSON.stringify(shown)).not.toContain("t".repeat(40));
    expect(await stored(keys.siteEntry(domain))).toMatchObject({ pk: "SITES", sk: domain });

    // Act: remove
    const removed = await admin(["site", "remove", domain]);
    const afterwards = await admin(["site", "show", domain]);

    // Assess
    expect(removed).toMatchObject({ code: 0, stdout: `Removed site ${domain}.\n` });
    expect(afterwards).toMatchObject({ code: 1, stderr: `admin: unknown site ${domain}\n` });
    expect(await stored(keys.site(domain))).toBeUndefined();
    expect(await stored(keys.siteEntry(domain))).toBeUndefined();
    expect((await adminJson<{ domain: string }[]>(["site", "list"])).map((site) => site.domain)).not.toContain(domain);
  });

  it("refuses to add a site twice, and leaves the first one as it was", async () => {
    // Prepare
    const domain = freshDomain("twice");
    await adminJson(["site", "add", domain, "--history-size", "7"]);

    // Act
    const again = await admin(["site", "add", domain, "--history-size", "9"]);

    // Assess
    expect(again).toMatchObject({ code: 1, stderr: `admin: site ${domain} already exists\n` });
    expect(await adminJson(["site", "show", domain])).toMatchObject({ settings: { historySize: 7 } });
  });

  it("prints a generated token secret once, and stores it", async () => {
    // Prepare
    const domain = freshDomain("secret");

    // Act
    const added = await adminJson<{ generatedTokenSecret: string; tokenSecret: string }>([
      "site",
      "add",
      domain,
      "--generate-token-secret",
    ]);
    const shown = await admin(["site", "show", domain]);
    const listed = await admin(["site", "list", "--json"]);

    // Assess
    expect(added.tokenSecret).toBe("set");
    expect(added.generatedTokenSecret.length).toBeGreaterThanOrEqual(32);
    expect(await stored(keys.site(domain))).toMatchObject({ tokenSecret: added.generatedTokenSecret });
    expect(shown.stdout).toMatch(/^token secret\s+set$/m);
    expect(shown.stdout + listed.stdout).not.toContain(added.generatedTokenSecret);
  });

  it("site remove refuses while the site has agents; --force removes them too", async () => {
    // Prepare
    const domain = freshDomain("remove");
    await adminJson(["site", "add", domain]);
    await adminJson(["agent", "add", domain, "alice", "--nick", "Alice", "--no-password"]);
    await adminJson(["agent", "add", domain, "bob", "--nick", "Bob", "--no-password"]);

    // Act
    const refused = await admin(["site", "remove", domain]);
    const stillThere = await storedAgentIds(domain);
    const forced = await adminJson(["site", "remove", domain, "--force"]);

    // Assess
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`admin: site ${domain} still has 2 agent(s) (alice, bob); remove them first, or use --force\n`);
    expect(stillThere).toEqual(["alice", "bob"]);
    expect(forced).toEqual({ removed: domain, agentsRemoved: ["alice", "bob"] });
    expect(await storedAgentIds(domain)).toEqual([]);
    expect(await stored(keys.site(domain))).toBeUndefined();
  });

  it("registers origins the way browsers send them, so CORS admits them", async () => {
    // Prepare
    const domain = freshDomain("cors");
    await adminJson(["site", "add", domain, "--origin", `HTTPS://Shop.${domain}:443/`]);
    await adminJson(["agent", "add", domain, "alice", "--nick", "Alice", "--password", "cors-password"]);

    // Act
    const reply = await client.call("online", { domain, username: "alice", password: "cors-password" }, "form", {
      headers: { Origin: `https://shop.${domain}` },
    });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.headers.get("access-control-allow-origin")).toBe(`https://shop.${domain}`);
  });
});

describe.concurrent("admin: agents", () => {
  it("adds, lists, updates and removes agents, never printing a password hash", async () => {
    // Prepare
    const domain = freshDomain("agents");
    await adminJson(["site", "add", domain]);

    // Act
    const alice = await adminJson(["agent", "add", domain, "alice", "--nick", "Alice", "--password-stdin"], "alice-secret\n");
    const bob = await adminJson([
      "agent",
      "add",
      domain,
      "bob",
      "--nick",
      "Bob",
      "--pic-url",
      "https://cdn.test/bob.png",
      "--no-password",
    ]);
    const listed = await admin(["agent", "list", domain]);
    const updated = await adminJson(["agent", "update", domain, "alice", "--nick", "Alice B.", "--no-password"]);
    const bobUpdated = await adminJson(["agent", "update", domain, "bob", "--no-pic-url", "--password", "bob-secret"]);

    // Assess
    expect(alice).toEqual({ id: "alice", nick: "Alice", picUrl: null, password: "set" });
    expect(bob).toEqual({ id: "bob", nick: "Bob", picUrl: "https://cdn.test/bob.png", password: "none" });
    expect(listed.stdout.split("\n")).toEqual([
      "ID     NICK   PASSWORD  PICTURE",
      "alice  Alice  set       -",
      "bob    Bob    none      https://cdn.test/bob.png",
      "",
    ]);
    expect(listed.stdout).not.toContain("scrypt");
    expect(updated).toEqual({ id: "alice", nick: "Alice B.", picUrl: null, password: "none" });
    expect(bobUpdated).toEqual({ id: "bob", nick: "Bob", picUrl: null, password: "set" });
    expect(await adminJson(["agent", "list", domain])).toEqual([updated, bobUpdated]);

    // Act: remove
    const removed = await admin(["agent", "remove", domain, "alice"]);
    const again = await admin(["agent", "remove", domain, "alice"]);

    // Assess
    expect(removed).toMatchObject({ code: 0, stdout: `Removed agent alice from ${domain}.\n` });
    expect(again).toMatchObject({ code: 1, stderr: `admin: site ${domain} has no agent alice\n` });
    expect(await storedAgentIds(domain)).toEqual(["bob"]);
  });

  it("refuses to add an agent twice, and leaves the first one as it was", async () => {
    // Prepare
    const domain = freshDomain("dup");
    await adminJson(["site", "add", domain]);
    await adminJson(["agent", "add", domain, "alice", "--nick", "Alice", "--password", "first-password"]);

    // Act
    const again = await admin(["agent", "add", domain, "alice", "--nick", "Impostor", "--no-password"]);

    // Assess
    expect(again).toMatchObject({ code: 1, stderr: `admin: site ${domain} already has an agent alice\n` });
    expect(await adminJson(["agent", "list", domain])).toEqual([{ id: "alice", nick: "Alice", picUrl: null, password: "set" }]);
  });

  it("refuses an agent id a member already has: the two would share one inbox", async () => {
    // Prepare: a member of the site has been online under the id "sam"
    const domain = freshDomain("taken");
    const { generatedTokenSecret } = await adminJson<{ generatedTokenSecret: string }>([
      "site",
      "add",
      domain,
      "--generate-token-secret",
    ]);
    const token = await new SignJWT({ sub: "sam", nick: "Sam", role: "member" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(domain)
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(generatedTokenSecret));
    expect((await client.ok<OnlineAnswer>("online", { domain, token })).user.id).toBe("sam");

    // Act
    const outcome = await admin(["agent", "add", domain, "sam", "--nick", "Sam", "--no-password"]);

    // Assess
    expect(outcome).toMatchObject({
      code: 1,
      stderr: `admin: site ${domain} already has a member or visitor with id sam; choose another id\n`,
    });
    expect(await adminJson(["agent", "list", domain])).toEqual([]);
  });

  it("an agent added by the script signs in with online; password changes and removal take effect", async () => {
    // Prepare: a domain the service has never been asked about
    const domain = freshDomain("signin");
    await adminJson(["site", "add", domain]);
    await adminJson(["agent", "add", domain, "carol", "--nick", "Carol", "--password-stdin"], "carol-first\n");

    // Act
    const first = await signIn(domain, "carol", "carol-first");
    const wrong = await signIn(domain, "carol", "carol-wrong");
    await adminJson(["agent", "update", domain, "carol", "--password-stdin"], "carol-second\r\n");
    const oldPassword = await signIn(domain, "carol", "carol-first");
    const newPassword = await signIn(domain, "carol", "carol-second");
    await adminJson(["agent", "remove", domain, "carol"]);
    const removed = await signIn(domain, "carol", "carol-second");

    // Assess
    expect(first.status).toBe(200);
    expect((first.body as OnlineAnswer).user).toMatchObject({ id: "carol", nick: "Carol" });
    expect((first.body as OnlineAnswer).connection.domain).toBe(domain);
    expect([wrong.status, oldPassword.status, newPassword.status, removed.status]).toEqual([401, 401, 200, 401]);
  });

  it("agent remove signs the agent out: the tickets they have open end", async () => {
    // Prepare
    const domain = freshDomain("signout");
    await adminJson(["site", "add", domain]);
    await adminJson(["agent", "add", domain, "erin", "--nick", "Erin", "--password", "erin-password"]);
    const session = (await signIn(domain, "erin", "erin-password")).body as OnlineAnswer;
    const ticket = session.connection.ticket;
    const before = await client.call("buddies", { ticket, ids: "erin" });

    // Act
    await adminJson(["agent", "remove", domain, "erin"]);
    const after = await client.call("buddies", { ticket, ids: "erin" });

    // Assess
    expect(before.status).toBe(200);
    expect(after.status).toBe(401);
    expect(await stored(keys.agent(domain, "erin"))).toBeUndefined();
  });

  it("agent update changes the profile only: the live state the service keeps on the agent stays", async () => {
    // Prepare: signing in makes the service write its state onto the agent item
    const domain = freshDomain("live");
    await adminJson(["site", "add", domain]);
    await adminJson(["agent", "add", domain, "dave", "--nick", "Dave", "--password", "dave-password"]);
    expect((await signIn(domain, "dave", "dave-password")).status).toBe(200);
    const before = await stored(keys.agent(domain, "dave"));

    // Act
    await adminJson(["agent", "update", domain, "dave", "--nick", "David", "--pic-url", "https://cdn.test/d.png"]);

    // Assess
    expect(before).toHaveProperty("lastSeen");
    expect(before).toHaveProperty("tickets");
    const { nick, picUrl, ...rest } = (await stored(keys.agent(domain, "dave"))) ?? {};
    const { nick: _nick, ...restBefore } = before ?? {};
    expect({ nick, picUrl }).toEqual({ nick: "David", picUrl: "https://cdn.test/d.png" });
    expect(rest).toEqual(restBefore);
  });
});

describe.concurrent("admin: what it refuses", () => {
  it.each([
    [["site", "add", "Not A Domain"], "admin: domain must be a host name such as example.com"],
    [
      ["site", "add", "x.test", "--origin", "https://x.test/shop"],
      "admin: --origin must be http(s)://host[:port] with no path, not https://x.test/shop",
    ],
    [["site", "add", "x.test", "--history-size", "500"], "admin: --history-size must be an integer from 1 to 100"],
    [["site", "add", "x.test", "--token-secret", "short"], "admin: --token-secret must be at least 32 characters"],
    [["site", "frobnicate"], "admin: unknown command site frobnicate; site commands are add, list, show, update, remove"],
    [["site", "list", "--colour"], "admin: unknown option --colour"],
    [["agent", "add", "x.test", "alice"], "admin: agent add needs --nick"],
    [["agent", "add", "x.test", "al,ice", "--nick", "A"], "admin: id must be printable ASCII without spaces, '#' or ','"],
    [["agent", "add", "x.test", "alice", "--nick", "n".repeat(65)], "admin: --nick is longer than 64 characters"],
    [["agent", "add", "x.test", "alice", "--nick"], "admin: --nick needs a value"],
    [
      ["agent", "add", "x.test", "alice", "--nick", "Alice"],
      "admin: agent add needs --password-stdin, --password P or --no-password (an agent without a password signs in only with a site token)",
    ],
  ])("%j exits 2: %s", async (args, message) => {
    // Act
    const outcome = await admin(args);

    // Assess
    expect(outcome).toEqual({ code: 2, stdout: "", stderr: `${message}\n` });
  });

  it("an empty --password-stdin exits 2 and adds nothing", async () => {
    // Prepare
    const domain = freshDomain("nopw");
    await adminJson(["site", "add", domain]);

    // Act
    const outcome = await admin(["agent", "add", domain, "alice", "--nick", "Alice", "--password-stdin"], { stdin: "" });

    // Assess
    expect(outcome).toMatchObject({ code: 2, stderr: "admin: the password is empty\n" });
    expect(await storedAgentIds(domain)).toEqual([]);
  });

  it.each([
    { command: ["site", "show"], extra: [] },
    { command: ["site", "update"], extra: ["--history-size", "5"] },
    { command: ["site", "remove"], extra: [] },
    { command: ["agent", "list"], extra: [] },
    { command: ["agent", "add"], extra: ["alice", "--nick", "Alice", "--no-password"] },
  ])("$command on an unknown site exits 1", async ({ command, extra }) => {
    // Prepare
    const domain = freshDomain("unknown");

    // Act
    const outcome = await admin([...command, domain, ...extra]);

    // Assess
    expect(outcome).toMatchObject({ code: 1, stdout: "", stderr: `admin: unknown site ${domain}\n` });
  });

  it("an unknown agent exits 1", async () => {
    // Prepare
    const domain = freshDomain("noagent");
    await adminJson(["site", "add", domain]);

    // Act
    const update = await admin(["agent", "update", domain, "nobody", "--nick", "N"]);
    const remove = await admin(["agent", "remove", domain, "nobody"]);

    // Assess
    expect(update).toMatchObject({ code: 1, stderr: `admin: site ${domain} has no agent nobody\n` });
    expect(remove).toMatchObject({ code: 1, stderr: `admin: site ${domain} has no agent nobody\n` });
    expect(await storedAgentIds(domain)).toEqual([]);
  });

  it("an agent add without a password choice adds nothing", async () => {
    // Prepare
    const domain = freshDomain("nochoice");
    await adminJson(["site", "add", domain]);

    // Act
    const outcome = await admin(["agent", "add", domain, "alice", "--nick", "Alice"]);

    // Assess
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    expect(outcome.stderr).toContain("--password-stdin, --password P or --no-password");
    expect(await storedAgentIds(domain)).toEqual([]);
  });

  it("says which endpoint and table it could not reach", async () => {
    // Prepare
    const nothing = `http://127.0.0.1:${await freePort()}`;

    // Act
    const outcome = await admin(["site", "list"], { target: ["--endpoint", nothing] });
    const noTable = await admin(["site", "list"], { target: ["--endpoint", endpoint, "--table", "no-such-table"] });

    // Assess
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`admin: cannot use DynamoDB at ${nothing}, table webim-serverless-local:`);
    expect(outcome.stderr).toContain("ECONNREFUSED");
    expect(outcome.stderr).toContain("with the same DYNAMODB_PORT?");
    expect(noTable).toMatchObject({
      code: 1,
      stderr: `admin: no table no-such-table in the DynamoDB at ${endpoint} (is it the one of \`npm start\`? --table names another)\n`,
    });
  });
});

describe("admin: the local stack's DynamoDB", () => {
  it("is on DYNAMODB_PORT when no --endpoint is given, as npm start puts it", async () => {
    // Prepare
    const port = new URL(endpoint).port;
    const domain = freshDomain("port");
    await adminJson(["site", "add", domain]);

    // Act
    const found = await admin(["site", "show", domain, "--json"], { target: ["--table", table], env: { DYNAMODB_PORT: port } });
    const elsewhere = `${await freePort()}`;
    const missed = await admin(["site", "list"], { target: ["--table", table], env: { DYNAMODB_PORT: elsewhere } });

    // Assess
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject({ domain });
    expect(missed.code).toBe(1);
    expect(missed.stderr).toContain(`admin: cannot use DynamoDB at http://127.0.0.1:${elsewhere}, table ${table}:`);
  });
});
