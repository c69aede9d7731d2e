/**
 * The admin command's arguments (`npm run admin -- --help`): parsed with node:util parseArgs and
 * checked with the service's own field rules, before anything reads or writes the table. Pure:
 * no I/O, nothing imported that reads the configuration, so unit tests call it directly.
 */
import { parseArgs } from "node:util";
import { BadRequest } from "../../lib/http/errors.js";
import { checkId, LIMITS, optionalInteger, requiredDomain, requiredText } from "../../lib/http/fields.js";
import type { SiteSettings } from "../../lib/store/sites.js";

/** A wrong argument: one line on stderr, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The DynamoDB port of `npm start` when DYNAMODB_PORT is not set (scripts/dev.ts). */
export const LOCAL_PORT = 8000;
export const LOCAL_ENDPOINT = `http://127.0.0.1:${LOCAL_PORT}`;
export const LOCAL_TABLE = "webim-serverless-local";
/** serverless.yml's region when `serverless deploy` is given none. */
export const DEFAULT_REGION = "us-east-1";
/** `online` takes passwords of at most this length. */
export const PASSWORD_MAX = 256;
export const TOKEN_SECRET_MIN = 32;
const TOKEN_SECRET_MAX = 512;
const TEXT_MAX = 1000;
const PIC_URL_MAX = 512;
const VISITOR_PREFIX = "vid:";

export type Target =
  | { kind: "local"; endpoint: string; table: string }
  | { kind: "stage"; stage: string; region: string; table: string };

export type SecretChange = { kind: "set"; secret: string } | { kind: "generate" } | { kind: "remove" };
export type PasswordChange = { kind: "set"; password: string } | { kind: "stdin" } | { kind: "remove" };

export interface SiteOptions {
  origins: string[];
  settings: Partial<SiteSettings>;
  tokenSecret?: SecretChange;
}

export interface AgentProfile {
  nick?: string;
  /** `null` removes the picture. */
  picUrl?: string | null;
  password?: PasswordChange;
}

export type Command =
  | ({ name: "site add"; domain: string } & SiteOptions)
  | { name: "site list" }
  | { name: "site show"; domain: string }
  | ({ name: "site update"; domain: string; removeOrigins: string[] } & SiteOptions)
  | { name: "site remove"; domain: string; force: boolean }
  | ({ name: "agent add"; domain: string; id: string; nick: string } & AgentProfile)
  | { name: "agent list"; domain: string }
  | ({ name: "agent update"; domain: string; id: string } & AgentProfile)
  | { name: "agent remove"; domain: string; id: string };

export type Invocation = { kind: "help"; text: string } | { kind: "run"; target: Target; json: boolean; command: Command };

type OptionType = "string" | "boolean";

interface OptionSpec {
  type: OptionType;
  multiple?: boolean;
  short?: string;
  value?: string;
  help: string;
}

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  endpoint: {
    type: "string",
    value: "URL",
    help: "DynamoDB of a local stack (default http://127.0.0.1:$DYNAMODB_PORT, else port 8000: the one of npm start)",
  },
  stage: { type: "string", value: "NAME", help: "a deployed stage instead: table webim-serverless-NAME, AWS credentials" },
  region: { type: "string", value: "R", help: `the stage's region (default $AWS_REGION, else ${DEFAULT_REGION})` },
  table: { type: "string", value: "NAME", help: "another table name" },
  json: { type: "boolean", help: "JSON on stdout, for scripts" },
  help: { type: "boolean", short: "h", help: "this help" },
};

const SITE_OPTIONS: Record<string, OptionSpec> = {
  origin: { type: "string", multiple: true, value: "URL", help: "an origin allowed to call (http(s)://host[:port]); repeat it" },
  "history-size": { type: "string", value: "N", help: "messages `history` returns by default (1-100)" },
  welcome: { type: "string", value: "TEXT", help: "shown to a visitor when the chat opens" },
  "leave-message": { type: "string", value: "TEXT", help: "shown to a visitor when no agent is online" },
  "token-secret": {
    type: "string",
    value: "S",
    help: `the secret the site's back end signs tokens with (>= ${TOKEN_SECRET_MIN} chars)`,
  },
  "generate-token-secret": { type: "boolean", help: "make a random token secret and print it once" },
};

const PASSWORD_OPTIONS: Record<string, OptionSpec> = {
  "password-stdin": { type: "boolean", help: "read the password from stdin (one line; asked for at a terminal)" },
  password: { type: "string", value: "P", help: "the password (visible in the shell's history; prefer --password-stdin)" },
  "no-password": { type: "boolean", help: "no password: the agent signs in only with a site token" },
};

interface CommandSpec {
  name: Command["name"];
  positionals: string[];
  summary: string;
  options: Record<string, OptionSpec>;
  /** Said under the options in the command's help. */
  note?: string;
  examples: string[];
}

const COMMANDS: CommandSpec[] = [
  {
    name: "site add",
    positionals: ["domain"],
    summary: "register a site",
    options: SITE_OPTIONS,
    examples: ["site add shop.example.com --origin https://shop.example.com --generate-token-secret"],
  },
  { name: "site list", positionals: [], summary: "list the sites", options: {}, examples: ["site list --json"] },
  {
    name: "site show",
    positionals: ["domain"],
    summary: "a site's settings and agents",
    options: {},
    examples: ["site show shop.example.com"],
  },
  {
    name: "site update",
    positionals: ["domain"],
    summary: "change a site's origins, token secret or settings",
    options: {
      ...SITE_OPTIONS,
      origin: { ...(SITE_OPTIONS.origin as OptionSpec), help: "add an allowed origin; repeat it" },
      "remove-origin": { type: "string", multiple: true, value: "URL", help: "remove an allowed origin; repeat it" },
      "no-token-secret": { type: "boolean", help: "remove the token secret (site tokens stop working)" },
    },
    examples: ["site update shop.example.com --origin https://www.shop.example.com --history-size 50"],
  },
  {
    name: "site remove",
    positionals: ["domain"],
    summary: "remove a site (refused while it has agents)",
    options: { force: { type: "boolean", help: "remove its agents too" } },
    examples: ["site remove shop.example.com --force"],
  },
  {
    name: "agent add",
    positionals: ["domain", "id"],
    summary: "add an agent to a site",
    options: {
      nick: { type: "string", value: "N", help: `the name visitors see (required, <= ${LIMITS.nick} chars)` },
      "pic-url": { type: "string", value: "URL", help: "a picture (http(s) URL)" },
      ...PASSWORD_OPTIONS,
    },
    note: "One of --password-stdin, --password and --no-password is required.",
    examples: [
      "agent add shop.example.com alice --nick Alice --password-stdin < alice.txt",
      "agent add shop.example.com bob --nick Bob --no-password",
    ],
  },
  {
    name: "agent list",
    positionals: ["domain"],
    summary: "list a site's agents",
    options: {},
    examples: ["agent list shop.example.com"],
  },
  {
    name: "agent update",
    positionals: ["domain", "id"],
    summary: "change an agent's nick, picture or password",
    options: {
      nick: { type: "string", value: "N", help: `the name visitors see (<= ${LIMITS.nick} chars)` },
      "pic-url": { type: "string", value: "URL", help: "a picture (http(s) URL)" },
      "no-pic-url": { type: "boolean", help: "remove the picture" },
      ...PASSWORD_OPTIONS,
      "no-password": { type: "boolean", help: "remove the password: the agent signs in only with a site token" },
    },
    examples: ["agent update shop.example.com alice --password-stdin"],
  },
  {
    name: "agent remove",
    positionals: ["domain", "id"],
    summary: "remove an agent",
    options: {},
    examples: ["agent remove shop.example.com alice"],
  },
];

const GROUPS = ["site", "agent"] as const;

function optionLabel(name: string, spec: OptionSpec): string {
  const flag = `${spec.short ? `-${spec.short}, ` : ""}--${name}`;
  return spec.value ? `${flag} ${spec.value}` : flag;
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const labels = Object.entries(options).map(([name, spec]) => [optionLabel(name, spec), spec.help] as const);
  const width = Math.max(...labels.map(([label]) => label.length));
  return labels.map(([label, help]) => `  ${label.padEnd(width)}  ${help}`);
}

function usageOf(spec: CommandSpec): string {
  return [spec.name, ...spec.positionals.map((name) => `<${name}>`)].join(" ");
}

function commandLines(specs: CommandSpec[]): string[] {
  const width = Math.max(...specs.map((spec) => usageOf(spec).length));
  return specs.map((spec) => `  ${usageOf(spec).padEnd(width)}  ${spec.summary}`);
}

const { json, help, ...TARGET_OPTIONS } = GLOBAL_OPTIONS;

const TARGET_HELP = [
  "Target (the local stack of `npm start` unless --stage is given):",
  ...optionLines(TARGET_OPTIONS),
  "Output:",
  ...optionLines({ json, help } as Record<string, OptionSpec>),
];

export function globalHelp(): string {
  return [
    "Usage: npm run admin -- <command> [options]",
    "",
    "Administers the sites and agents of webim-serverless, in the local stack or a deployed stage.",
    "",
    "Commands:",
    ...commandLines(COMMANDS),
    "",
    ...TARGET_HELP,
    "",
    "Examples:",
    "  npm run admin -- site add shop.example.com --origin https://shop.example.com",
    "  npm run admin -- agent add shop.example.com alice --nick Alice --password-stdin",
    "  npm run admin -- agent add shop.example.com bob --nick Bob --no-password",
    "  npm run admin -- --stage prod --region eu-west-1 site list",
    "",
    "`npm run admin -- <command> --help` shows a command's options.",
    "",
  ].join("\n");
}

function groupHelp(group: string): string {
  return [
    `Usage: npm run admin -- ${group} <command> [options]`,
    "",
    "Commands:",
    ...commandLines(COMMANDS.filter((spec) => spec.name.startsWith(`${group} `))),
    "",
    ...TARGET_HELP,
    "",
  ].join("\n");
}

export function commandHelp(spec: CommandSpec): string {
  const options = Object.entries(spec.options);
  return [
    `Usage: npm run admin -- ${usageOf(spec)}${options.length > 0 ? " [options]" : ""}`,
    "",
    `${spec.summary[0]?.toUpperCase()}${spec.summary.slice(1)}.`,
    ...(options.length > 0 ? ["", "Options:", ...optionLines(spec.options)] : []),
    ...(spec.note ? ["", spec.note] : []),
    "",
    ...TARGET_HELP,
    "",
    spec.examples.length > 1 ? "Examples:" : "Example:",
    ...spec.examples.map((example) => `  npm run admin -- ${example}`),
    "",
  ].join("\n");
}

/** Every option any command knows, so that parseArgs knows which ones take a value. */
function allOptions(): Record<string, { type: OptionType; multiple?: boolean; short?: string }> {
  const options: Record<string, { type: OptionType; multiple?: boolean; short?: string }> = {};
  for (const source of [GLOBAL_OPTIONS, ...COMMANDS.map((spec) => spec.options)]) {
    for (const [name, spec] of Object.entries(source)) {
      options[name] = {
        type: spec.type,
        ...(spec.multiple ? { multiple: true } : {}),
        ...(spec.short ? { short: spec.short } : {}),
      };
    }
  }
  return options;
}

/** The rules of lib/http/fields.ts, with their BadRequest turned into a usage error. */
function rule<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof BadRequest) throw new UsageError(error.message);
    throw error;
  }
}

export function checkDomain(value: string): string {
  return rule(() => requiredDomain({ domain: value }));
}

export function checkAgentId(value: string): string {
  const id = rule(() => checkId("id", value));
  if (id.startsWith(VISITOR_PREFIX)) throw new UsageError(`id must not start with ${VISITOR_PREFIX} (visitor ids do)`);
  return id;
}

function checkText(name: string, value: string, max: number): string {
  const text = rule(() => requiredText({ [name]: value }, name, max));
  if (text.trim() === "") throw new UsageError(`${name} must not be blank`);
  return text;
}

/** `http(s)://host[:port]`, nothing else; written the way a browser sends it in `Origin`. */
export function checkOrigin(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${name} must be an origin such as https://shop.example.com, not ${value}`);
  }
  const bare =
    (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash && !value.includes("?") && !value.includes("#");
  if (!["http:", "https:"].includes(url.protocol) || url.username || url.password || !bare || !url.hostname) {
    throw new UsageError(`${name} must be http(s)://host[:port] with no path, not ${value}`);
  }
  return url.origin;
}

export function checkPicUrl(value: string): string {
  if (value.length > PIC_URL_MAX) throw new UsageError(`--pic-url is longer than ${PIC_URL_MAX} characters`);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !["http:", "https:"].includes(url.protocol)) throw new UsageError(`--pic-url must be an http(s) URL, not ${value}`);
  return value;
}

export function checkTokenSecret(value: string): string {
  if (value.length < TOKEN_SECRET_MIN) throw new UsageError(`--token-secret must be at least ${TOKEN_SECRET_MIN} characters`);
  if (value.length > TOKEN_SECRET_MAX) throw new UsageError(`--token-secret is longer than ${TOKEN_SECRET_MAX} characters`);
  if (/\s/.test(value)) throw new UsageError("--token-secret must not contain white space");
  return value;
}

/** A password as `online` will take it: 1 to 256 characters. */
export function checkPassword(value: string): string {
  if (value === "") throw new UsageError("the password is empty");
  if (value.length > PASSWORD_MAX) throw new UsageError(`the password is longer than ${PASSWORD_MAX} characters`);
  return value;
}

/** One line read from stdin: the line break that ends it is not part of the password. */
export function passwordFromStdin(input: string): string {
  const password = input.replace(/\r?\n$/, "");
  if (/[\r\n]/.test(password)) throw new UsageError("--password-stdin reads one line, and stdin has more");
  return checkPassword(password);
}

type Values = Map<string, string[] | true>;

function readTokens(args: string[]): { positionals: string[]; values: Values; options: string[] } {
  const known = allOptions();
  const { tokens } = parseArgs({ args, options: known, strict: false, allowPositionals: true, tokens: true });
  const positionals: string[] = [];
  const values: Values = new Map();
  const options: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const flag = token.rawName.startsWith("--") ? `--${token.name}` : token.rawName;
    const spec = known[token.name];
    if (!spec) throw new UsageError(`unknown option ${flag}`);
    options.push(token.name);
    if (spec.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${flag} takes no value`);
      if (values.has(token.name)) throw new UsageError(`${flag} is given twice`);
      values.set(token.name, true);
      continue;
    }
    if (token.value === undefined) throw new UsageError(`${flag} needs a value`);
    if (!token.inlineValue && token.value.startsWith("-")) {
      throw new UsageError(`${flag} needs a value (write ${flag}=VALUE for a value that starts with '-')`);
    }
    const previous = values.get(token.name);
    if (previous !== undefined && !spec.multiple) throw new UsageError(`${flag} is given twice`);
    values.set(token.name, [...(Array.isArray(previous) ? previous : []), token.value]);
  }
  return { positionals, values, options };
}

function text(values: Values, name: string): string | undefined {
  const value = values.get(name);
  return Array.isArray(value) ? value.at(-1) : undefined;
}

function list(values: Values, name: string): string[] {
  const value = values.get(name);
  return Array.isArray(value) ? value : [];
}

function flag(values: Values, name: string): boolean {
  return values.get(name) === true;
}

function onlyOne(values: Values, names: string[]): string | undefined {
  const given = names.filter((name) => values.has(name));
  if (given.length > 1) throw new UsageError(`use only one of ${given.map((name) => `--${name}`).join(", ")}`);
  return given[0];
}

/** The DynamoDB of `npm start`: on DYNAMODB_PORT, as scripts/dev.ts starts it, else on port 8000. */
export function localEndpoint(env: Record<string, string | undefined>): string {
  const raw = env.DYNAMODB_PORT?.trim();
  if (raw === undefined || raw === "") return LOCAL_ENDPOINT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new UsageError(`DYNAMODB_PORT must be a port number from 1 to 65535, not ${raw} (--endpoint names a DynamoDB)`);
  }
  return `http://127.0.0.1:${port}`;
}

function targetOf(values: Values, env: Record<string, string | undefined>): Target {
  const endpoint = text(values, "endpoint");
  const stage = text(values, "stage");
  const region = text(values, "region");
  const table = text(values, "table");
  if (table !== undefined && !/^[A-Za-z0-9_.-]{3,255}$/.test(table)) {
    throw new UsageError("--table must be 3 to 255 letters, digits, '_', '-' or '.'");
  }
  if (stage !== undefined) {
    if (endpoint !== undefined) throw new UsageError("use --endpoint (a local stack) or --stage (a deployment), not both");
    if (!/^[A-Za-z0-9-]{1,64}$/.test(stage)) throw new UsageError("--stage must be letters, digits and '-'");
    const chosen = region ?? (env.AWS_REGION?.trim() || DEFAULT_REGION);
    if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(chosen)) {
      throw new UsageError(`--region must be an AWS region such as eu-west-1, not ${chosen}`);
    }
    return { kind: "stage", stage, region: chosen, table: table ?? `webim-serverless-${stage}` };
  }
  if (region !== undefined) throw new UsageError("--region goes with --stage (a local stack has no region)");
  if (endpoint === undefined) return { kind: "local", endpoint: localEndpoint(env), table: table ?? LOCAL_TABLE };
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (!url || !["http:", "https:"].includes(url.protocol)) {
    throw new UsageError(`--endpoint must be an http(s) URL, not ${endpoint}`);
  }
  return { kind: "local", endpoint, table: table ?? LOCAL_TABLE };
}

function siteOptions(values: Values, command: "site add" | "site update"): SiteOptions {
  const settings: Partial<SiteSettings> = {};
  const historySize = text(values, "history-size");
  if (historySize !== undefined) {
    const size = rule(() => optionalInteger({ "--history-size": historySize }, "--history-size", 1, 100));
    if (size === undefined) throw new UsageError("--history-size needs a value");
    settings.historySize = size;
  }
  const welcome = text(values, "welcome");
  if (welcome !== undefined) settings.welcome = checkText("--welcome", welcome, TEXT_MAX);
  const leaveMessage = text(values, "leave-message");
  if (leaveMessage !== undefined) settings.leaveMessage = checkText("--leave-message", leaveMessage, TEXT_MAX);

  const secretNames = ["token-secret", "generate-token-secret", ...(command === "site update" ? ["no-token-secret"] : [])];
  const secretChoice = onlyOne(values, secretNames);
  let tokenSecret: SecretChange | undefined;
  if (secretChoice === "token-secret") {
    tokenSecret = { kind: "set", secret: checkTokenSecret(text(values, "token-secret") ?? "") };
  }
  if (secretChoice === "generate-token-secret") tokenSecret = { kind: "generate" };
  if (secretChoice === "no-token-secret") tokenSecret = { kind: "remove" };

  const origins = [...new Set(list(values, "origin").map((origin) => checkOrigin("--origin", origin)))];
  return { origins, settings, ...(tokenSecret ? { tokenSecret } : {}) };
}

function agentProfile(values: Values): AgentProfile {
  const profile: AgentProfile = {};
  const nick = text(values, "nick");
  if (nick !== undefined) profile.nick = checkText("--nick", nick, LIMITS.nick);
  const picChoice = onlyOne(values, ["pic-url", "no-pic-url"]);
  if (picChoice === "pic-url") profile.picUrl = checkPicUrl(text(values, "pic-url") ?? "");
  if (picChoice === "no-pic-url") profile.picUrl = null;
  const passwordChoice = onlyOne(values, ["password-stdin", "password", "no-password"]);
  if (passwordChoice === "password") profile.password = { kind: "set", password: checkPassword(text(values, "password") ?? "") };
  if (passwordChoice === "password-stdin") profile.password = { kind: "stdin" };
  if (passwordChoice === "no-password") profile.password = { kind: "remove" };
  return profile;
}

function build(spec: CommandSpec, args: string[], values: Values): Command {
  const [first = "", second = ""] = args;
  switch (spec.name) {
    case "site list":
      return { name: spec.name };
    case "site show":
    case "agent list":
      return { name: spec.name, domain: checkDomain(first) };
    case "site add":
      return { name: spec.name, domain: checkDomain(first), ...siteOptions(values, spec.name) };
    case "site update": {
      const domain = checkDomain(first);
      const options = siteOptions(values, spec.name);
      const removeOrigins = [...new Set(list(values, "remove-origin").map((origin) => checkOrigin("--remove-origin", origin)))];
      const both = removeOrigins.find((origin) => options.origins.includes(origin));
      if (both !== undefined) throw new UsageError(`${both} is both added and removed`);
      if (
        options.origins.length + removeOrigins.length === 0 &&
        Object.keys(options.settings).length === 0 &&
        !options.tokenSecret
      ) {
        throw new UsageError("site update needs something to change (see site update --help)");
      }
      return { name: spec.name, domain, removeOrigins, ...options };
    }
    case "site remove":
      return { name: spec.name, domain: checkDomain(first), force: flag(values, "force") };
    case "agent add": {
      const domain = checkDomain(first);
      const id = checkAgentId(second);
      const { nick, ...profile } = agentProfile(values);
      if (nick === undefined) throw new UsageError("agent add needs --nick");
      if (profile.password === undefined) {
        throw new UsageError(
          "agent add needs --password-stdin, --password P or --no-password (an agent without a password signs in only with a site token)",
        );
      }
      return { name: spec.name, domain, id, nick, ...profile };
    }
    case "agent update": {
      const domain = checkDomain(first);
      const id = checkAgentId(second);
      const profile = agentProfile(values);
      if (Object.keys(profile).length === 0) {
        throw new UsageError("agent update needs something to change (see agent update --help)");
      }
      return { name: spec.name, domain, id, ...profile };
    }
    case "agent remove":
      return { name: spec.name, domain: checkDomain(first), id: checkAgentId(second) };
  }
}

/** The command line, checked; `UsageError` for anything wrong. `env` gives the default region. */
export function parseInvocation(argv: string[], env: Record<string, string | undefined> = {}): Invocation {
  const { positionals, values, options } = readTokens(argv);
  const help = flag(values, "help");
  const [group, action, ...rest] = positionals;
  if (group === undefined) {
    if (help) return { kind: "help", text: globalHelp() };
    throw new UsageError("a command is needed: site or agent (see --help)");
  }
  if (!(GROUPS as readonly string[]).includes(group)) throw new UsageError(`unknown command ${group} (see --help)`);
  const actions = COMMANDS.filter((spec) => spec.name.startsWith(`${group} `)).map((spec) => spec.name.split(" ")[1]);
  if (action === undefined) {
    if (help) return { kind: "help", text: groupHelp(group) };
    throw new UsageError(`${group} needs a command: ${actions.join(", ")}`);
  }
  const spec = COMMANDS.find((candidate) => candidate.name === `${group} ${action}`);
  if (!spec) throw new UsageError(`unknown command ${group} ${action}; ${group} commands are ${actions.join(", ")}`);
  if (help) return { kind: "help", text: commandHelp(spec) };

  for (const name of options) {
    if (!(name in GLOBAL_OPTIONS) && !(name in spec.options)) throw new UsageError(`${spec.name} has no option --${name}`);
  }
  const missing = spec.positionals[rest.length];
  if (missing !== undefined) throw new UsageError(`${spec.name} needs <${missing}> (${usageOf(spec)})`);
  const extra = rest[spec.positionals.length];
  if (extra !== undefined) throw new UsageError(`unexpected argument ${extra} (${usageOf(spec)})`);

  const target = targetOf(values, env);
  return { kind: "run", target, json: flag(values, "json"), command: build(spec, rest, values) };
}
