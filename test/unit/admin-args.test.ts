import { describe, expect, it } from "vitest";
import {
  checkOrigin,
  DEFAULT_REGION,
  type Invocation,
  LOCAL_ENDPOINT,
  LOCAL_TABLE,
  parseInvocation,
  passwordFromStdin,
  UsageError,
} from "../../scripts/lib/admin-args.js";

function run(argv: string[], env: Record<string, string> = {}): Extract<Invocation, { kind: "run" }> {
  const invocation = parseInvocation(argv, env);
  if (invocation.kind !== "run") throw new Error(`expected a command, got help for ${argv.join(" ")}`);
  return invocation;
}

function usageError(argv: string[]): string {
  try {
    parseInvocation(argv, {});
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`no usage error for ${argv.join(" ")}`);
}

describe("admin commands", () => {
  it("site add takes origins, settings and a token secret", () => {
    // Act
    const { command } = run([
      "site",
      "add",
      "Shop.Example.com",
      "--origin",
      "https://shop.example.com/",
      "--origin=http://localhost:3000",
      "--history-size",
      "50",
      "--welcome",
      "Hi!",
      "--leave-message",
      "Later.",
      "--token-secret",
      "s".repeat(32),
    ]);

    // Assess
    expect(command).toEqual({
      name: "site add",
      domain: "shop.example.com",
      origins: ["https://shop.example.com", "http://localhost:3000"],
      settings: { historySize: 50, welcome: "Hi!", leaveMessage: "Later." },
      tokenSecret: { kind: "set", secret: "s".repeat(32) },
    });
  });

  it("site add with nothing but a domain keeps the defaults", () => {
    expect(run(["site", "add", "shop.example.com"]).command).toEqual({
      name: "site add",
      domain: "shop.example.com",
      origins: [],
      settings: {},
    });
  });

  it.each([
    [["site", "list"], { name: "site list" }],
    [["site", "show", "shop.example.com"], { name: "site show", domain: "shop.example.com" }],
    [["site", "remove", "shop.example.com"], { name: "site remove", domain: "shop.example.com", force: false }],
    [["site", "remove", "shop.example.com", "--force"], { name: "site remove", domain: "shop.example.com", force: true }],
    [["agent", "list", "shop.example.com"], { name: "agent list", domain: "shop.example.com" }],
    [["agent", "remove", "shop.example.com", "alice"], { name: "agent remove", domain: "shop.example.com", id: "alice" }],
  ])("%j parses", (argv, expected) => {
    expect(run(argv).command).toEqual(expected);
  });

  it("site update adds and removes origins, generates or removes the secret", () => {
    // Act
    const generate = run([
      "site",
      "update",
      "shop.example.com",
      "--origin",
      "https://a.example",
      "--remove-origin",
      "https://b.example",
      "--remove-origin",
      "https://c.example:8443",
      "--generate-token-secret",
    ]).command;
    const remove = run(["site", "update", "shop.example.com", "--no-token-secret"]).command;

    // Assess
    expect(generate).toEqual({
      name: "site update",
      domain: "shop.example.com",
      origins: ["https://a.example"],
      removeOrigins: ["https://b.example", "https://c.example:8443"],
      settings: {},
      tokenSecret: { kind: "generate" },
    });
    expect(remove).toMatchObject({ tokenSecret: { kind: "remove" }, origins: [], removeOrigins: [] });
  });

  it.each([
    [["--password", "pw"], { password: { kind: "set", password: "pw" } }],
    [["--password-stdin"], { password: { kind: "stdin" } }],
    [["--no-password"], { password: { kind: "remove" } }],
  ])("agent add with %j", (options, expected) => {
    expect(run(["agent", "add", "shop.example.com", "alice", "--nick", "Alice", ...options]).command).toEqual({
      name: "agent add",
      domain: "shop.example.com",
      id: "alice",
      nick: "Alice",
      ...expected,
    });
  });

  it("agent update changes only what it names; --no-pic-url removes the picture", () => {
    expect(run(["agent", "update", "shop.example.com", "alice", "--no-pic-url"]).command).toEqual({
      name: "agent update",
      domain: "shop.example.com",
      id: "alice",
      picUrl: null,
    });
    expect(
      run(["agent", "update", "shop.example.com", "alice", "--nick", "Al", "--pic-url", "https://cdn.example/a.png"]).command,
    ).toEqual({ name: "agent update", domain: "shop.example.com", id: "alice", nick: "Al", picUrl: "https://cdn.example/a.png" });
  });

  it("options may come before the command", () => {
    expect(run(["--json", "--endpoint", "http://127.0.0.1:9000", "site", "list"])).toEqual({
      kind: "run",
      json: true,
      target: { kind: "local", endpoint: "http://127.0.0.1:9000", table: LOCAL_TABLE },
      command: { name: "site list" },
    });
  });
});

describe("admin target", () => {
  it("is the local stack by default", () => {
    expect(run(["site", "list"]).target).toEqual({ kind: "local", endpoint: LOCAL_ENDPOINT, table: LOCAL_TABLE });
  });

  it.each([
    { argv: ["--stage", "prod"], env: {}, target: { stage: "prod", region: DEFAULT_REGION, table: "webim-serverless-prod" } },
    { argv: ["--stage", "prod"], env: { AWS_REGION: "eu-west-1" }, target: { region: "eu-west-1" } },
    {
      argv: ["--stage", "prod", "--region", "ap-southeast-2"],
      env: { AWS_REGION: "eu-west-1" },
      target: { region: "ap-southeast-2" },
    },
    { argv: ["--stage", "prod", "--table", "my-table"], env: {}, target: { table: "my-table" } },
  ])("$argv with $env is a deployed stage", ({ argv, env, target }) => {
    expect(run(["site", "list", ...argv], env).target).toMatchObject({ kind: "stage", ...target });
  });

  it("follows DYNAMODB_PORT, as npm start does", () => {
    expect(LOCAL_ENDPOINT).toBe("http://127.0.0.1:8000");
    expect(run(["site", "list"], { DYNAMODB_PORT: "8200" }).target).toEqual({
      kind: "local",
      endpoint: "http://127.0.0.1:8200",
      table: LOCAL_TABLE,
    });
    expect(run(["site", "list"], { DYNAMODB_PORT: "" }).target).toMatchObject({ endpoint: LOCAL_ENDPOINT });
  });

  it("--endpoint wins over DYNAMODB_PORT, and a stage ignores it", () => {
    const env = { DYNAMODB_PORT: "8200" };
    expect(run(["site", "list", "--endpoint", "http://127.0.0.1:9000"], env).target).toMatchObject({
      endpoint: "http://127.0.0.1:9000",
    });
    expect(run(["site", "list", "--stage", "prod"], { DYNAMODB_PORT: "not-a-port" }).target).toMatchObject({ kind: "stage" });
  });

  it.each(["0", "65536", "8000x", "-1", "8.5"])("refuses DYNAMODB_PORT=%s", (port) => {
    expect(() => parseInvocation(["site", "list"], { DYNAMODB_PORT: port })).toThrow(
      `DYNAMODB_PORT must be a port number from 1 to 65535, not ${port} (--endpoint names a DynamoDB)`,
    );
  });

  it("--table names another local table", () => {
    expect(run(["site", "list", "--table", "other-table"]).target).toEqual({
      kind: "local",
      endpoint: LOCAL_ENDPOINT,
      table: "other-table",
    });
  });
});

describe("admin help", () => {
  it.each([
    { argv: ["--help"], shows: "Usage: npm run admin -- <command>" },
    { argv: ["-h"], shows: "agent update <domain> <id>" },
    { argv: ["site", "--help"], shows: "Usage: npm run admin -- site <command>" },
    { argv: ["site", "update", "--help"], shows: "--remove-origin URL" },
    { argv: ["agent", "add", "x", "--help"], shows: "--password-stdin" },
    { argv: ["agent", "add", "--help"], shows: "One of --password-stdin, --password and --no-password is required." },
    { argv: ["--help"], shows: "default http://127.0.0.1:$DYNAMODB_PORT, else port 8000" },
  ])("$argv shows help", ({ argv, shows }) => {
    // Act
    const invocation = parseInvocation(argv, {});

    // Assess
    expect(invocation.kind).toBe("help");
    expect(invocation.kind === "help" && invocation.text).toContain(shows);
  });
});

describe("admin wrong arguments", () => {
  it.each([
    [[], "a command is needed: site or agent (see --help)"],
    [["sites", "list"], "unknown command sites (see --help)"],
    [["site"], "site needs a command: add, list, show, update, remove"],
    [["site", "delete", "x.example"], "unknown command site delete; site commands are add, list, show, update, remove"],
    [["site", "add"], "site add needs <domain> (site add <domain>)"],
    [["site", "show", "a.example", "b.example"], "unexpected argument b.example (site show <domain>)"],
    [["site", "add", "not a domain"], "domain must be a host name such as example.com"],
    [["site", "add", "a.example", "--colour", "red"], "unknown option --colour"],
    [["site", "add", "a.example", "-x"], "unknown option -x"],
    [["site", "add", "a.example", "--force"], "site add has no option --force"],
    [["site", "add", "a.example", "--origin"], "--origin needs a value"],
    [
      ["site", "add", "a.example", "--welcome", "--json"],
      "--welcome needs a value (write --welcome=VALUE for a value that starts with '-')",
    ],
    [
      ["site", "add", "a.example", "--origin", "https://a.example/shop"],
      "--origin must be http(s)://host[:port] with no path, not https://a.example/shop",
    ],
    [
      ["site", "add", "a.example", "--origin", "https://a.example?x=1"],
      "--origin must be http(s)://host[:port] with no path, not https://a.example?x=1",
    ],
    [
      ["site", "add", "a.example", "--origin", "ftp://a.example"],
      "--origin must be http(s)://host[:port] with no path, not ftp://a.example",
    ],
    [
      ["site", "add", "a.example", "--origin", "a.example"],
      "--origin must be an origin such as https://shop.example.com, not a.example",
    ],
    [["site", "add", "a.example", "--history-size", "0"], "--history-size must be an integer from 1 to 100"],
    [["site", "add", "a.example", "--history-size", "101"], "--history-size must be an integer from 1 to 100"],
    [["site", "add", "a.example", "--history-size", "2.5"], "--history-size must be an integer from 1 to 100"],
    [["site", "add", "a.example", "--welcome", " "], "--welcome must not be blank"],
    [["site", "add", "a.example", "--token-secret", "too-short"], "--token-secret must be at least 32 characters"],
    [
      ["site", "add", "a.example", "--token-secret", "s".repeat(32), "--generate-token-secret"],
      "use only one of --token-secret, --generate-token-secret",
    ],
    [["site", "add", "a.example", "--no-token-secret"], "site add has no option --no-token-secret"],
    [["site", "update", "a.example"], "site update needs something to change (see site update --help)"],
    [
      ["site", "update", "a.example", "--origin", "https://b.example", "--remove-origin", "https://b.example/"],
      "https://b.example is both added and removed",
    ],
    [["site", "list", "--json=yes"], "--json takes no value"],
    [["site", "list", "--json", "--json"], "--json is given twice"],
    [["agent", "add", "a.example", "alice"], "agent add needs --nick"],
    [
      ["agent", "add", "a.example", "alice", "--nick", "A"],
      "agent add needs --password-stdin, --password P or --no-password (an agent without a password signs in only with a site token)",
    ],
    [["agent", "add", "a.example"], "agent add needs <id> (agent add <domain> <id>)"],
    [["agent", "add", "a.example", "al#ice", "--nick", "A"], "id must be printable ASCII without spaces, '#' or ','"],
    [["agent", "add", "a.example", "a".repeat(65), "--nick", "A"], "id is longer than 64 characters"],
    [["agent", "add", "a.example", "vid:x", "--nick", "A"], "id must not start with vid: (visitor ids do)"],
    [["agent", "add", "a.example", "alice", "--nick", "n".repeat(65)], "--nick is longer than 64 characters"],
    [["agent", "add", "a.example", "alice", "--nick", "A", "--nick", "B"], "--nick is given twice"],
    [
      ["agent", "add", "a.example", "alice", "--nick", "A", "--pic-url", "javascript:alert(1)"],
      "--pic-url must be an http(s) URL, not javascript:alert(1)",
    ],
    [
      ["agent", "add", "a.example", "alice", "--nick", "A", "--password", "p", "--no-password"],
      "use only one of --password, --no-password",
    ],
    [["agent", "add", "a.example", "alice", "--nick", "A", "--password="], "the password is empty"],
    [
      ["agent", "add", "a.example", "alice", "--nick", "A", "--password", "p".repeat(257)],
      "the password is longer than 256 characters",
    ],
    [["agent", "add", "a.example", "alice", "--nick", "A", "--no-pic-url"], "agent add has no option --no-pic-url"],
    [["agent", "update", "a.example", "alice"], "agent update needs something to change (see agent update --help)"],
    [
      ["site", "list", "--stage", "prod", "--endpoint", "http://127.0.0.1:8000"],
      "use --endpoint (a local stack) or --stage (a deployment), not both",
    ],
    [["site", "list", "--region", "eu-west-1"], "--region goes with --stage (a local stack has no region)"],
    [["site", "list", "--stage", "prod", "--region", "Mars"], "--region must be an AWS region such as eu-west-1, not Mars"],
    [["site", "list", "--stage", "prod/1"], "--stage must be letters, digits and '-'"],
    [["site", "list", "--table", "x"], "--table must be 3 to 255 letters, digits, '_', '-' or '.'"],
    [["site", "list", "--endpoint", "localhost:8000"], "--endpoint must be an http(s) URL, not localhost:8000"],
  ])("%j: %s", (argv, message) => {
    expect(usageError(argv)).toBe(message);
  });
});

describe("origins", () => {
  it.each([
    ["https://shop.example.com", "https://shop.example.com"],
    ["https://shop.example.com/", "https://shop.example.com"],
    ["https://Shop.Example.COM", "https://shop.example.com"],
    ["https://shop.example.com:443", "https://shop.example.com"],
    ["http://localhost:3000", "http://localhost:3000"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
  ])("%s is stored as a browser sends it: %s", (given, stored) => {
    expect(checkOrigin("--origin", given)).toBe(stored);
  });

  it.each(["https://user:pw@shop.example.com", "https://shop.example.com/#top", "https://shop.example.com/a/"])(
    "%s is refused",
    (given) => {
      expect(() => checkOrigin("--origin", given)).toThrow(UsageError);
    },
  );
});

describe("--password-stdin", () => {
  it.each([
    ["s3cret\n", "s3cret"],
    ["s3cret\r\n", "s3cret"],
    ["s3cret", "s3cret"],
    [" spaced out \n", " spaced out "],
  ])("reads %j as %j", (input, password) => {
    expect(passwordFromStdin(input)).toBe(password);
  });

  it.each([
    ["", "the password is empty"],
    ["\n", "the password is empty"],
    ["one\ntwo\n", "--password-stdin reads one line, and stdin has more"],
    [`${"p".repeat(257)}\n`, "the password is longer than 256 characters"],
  ])("refuses %j", (input, message) => {
    expect(() => passwordFromStdin(input)).toThrow(message);
  });
});
