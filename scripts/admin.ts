/**
 * `npm run admin -- <command>`: the sites and agents of the local stack, or of a deployed stage
 * with `--stage` (`--help` lists the commands). Exit codes: 0 done; 1 not done (unknown site or
 * agent, already there, DynamoDB unreachable); 2 wrong arguments, before anything is read or written.
 */
import { randomBytes } from "node:crypto";
import { text as readAll } from "node:stream/consumers";
import type { Db } from "../lib/store/client.js";
import type { Site } from "../lib/store/sites.js";
import {
  type Command,
  checkPassword,
  type PasswordChange,
  parseInvocation,
  passwordFromStdin,
  type SecretChange,
  type Target,
  UsageError,
} from "./lib/admin-args.js";
import { agentDetails, agentsTable, agentView, siteDetails, sitesTable, siteView } from "./lib/admin-output.js";

// Dev machines run Node 20 while Lambda runs 22; the SDK's notice about that is known, not news.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** A command that could not be done (unknown site, agent already there…): one line on stderr, exit code 1. */
class Failure extends Error {
  override name = "Failure";
}

/**
 * lib/ is imported only now: lib/config.ts checks the functions' environment when first imported.
 * The admin hands every store call its own Db and reads nothing else of that configuration, so it
 * gives the check the table and a secret parameter that is never read.
 */
async function loadLib(target: Target) {
  Object.assign(process.env, {
    TABLE_NAME: target.table,
    WEBIM_SECRET: "",
    WEBIM_SECRET_PARAMETER: "/webim-serverless/admin/not-read",
  });
  const [client, sites, tickets, users, errors, password] = await Promise.all([
    import("../lib/store/client.js"),
    import("../lib/store/sites.js"),
    import("../lib/store/tickets.js"),
    import("../lib/store/users.js"),
    import("../lib/store/errors.js"),
    import("../lib/auth/password.js"),
  ]);
  const db =
    target.kind === "local"
      ? client.createDb({ table: target.table, endpoint: target.endpoint, region: "us-east-1" })
      : client.createDb({ table: target.table, region: target.region });
  return {
    db,
    sites,
    errors,
    endTicket: tickets.endTicket,
    getUserState: users.getUserState,
    hashPassword: password.hashPassword,
  };
}

type Lib = Awaited<ReturnType<typeof loadLib>>;

interface Run {
  lib: Lib;
  db: Db;
  json: boolean;
}

function print(run: Run, human: string, json: unknown): void {
  process.stdout.write(`${run.json ? JSON.stringify(json, null, 2) : human}\n`);
}

/** A password typed at a terminal: one line, not echoed. */
function promptPassword(): Promise<string> {
  const { stdin, stderr } = process;
  stderr.write("Password: ");
  return new Promise((resolve, reject) => {
    let typed: string[] = [];
    const finish = (error?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write("\n");
      if (error) reject(error);
      else resolve(typed.join(""));
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === "\u0004") return finish();
        if (char === "\u0003") return finish(new Failure("cancelled"));
        if (char === "\u007f" || char === "\b") typed = typed.slice(0, -1);
        else typed.push(char);
      }
    };
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.on("data", onData);
    stdin.resume();
  });
}

async function passwordHash(run: Run, change: PasswordChange | undefined): Promise<string | null | undefined> {
  if (change === undefined) return undefined;
  if (change.kind === "remove") return null;
  const password =
    change.kind === "set"
      ? change.password
      : process.stdin.isTTY
        ? checkPassword(await promptPassword())
        : passwordFromStdin(await readAll(process.stdin));
  return run.lib.hashPassword(password);
}

/** The secret a command sets: given, generated (and then printed once), or none. */
function secretOf(change: SecretChange | undefined): { secret?: string | null; generated?: string } {
  if (change === undefined) return {};
  if (change.kind === "remove") return { secret: null };
  if (change.kind === "set") return { secret: change.secret };
  const generated = randomBytes(32).toString("base64url");
  return { secret: generated, generated };
}

function generatedNote(generated: string | undefined): string {
  return generated === undefined
    ? ""
    : `\n\nToken secret (shown only this once; give it to the site's back end to sign tokens with):\n  ${generated}`;
}

/** Removes an agent and ends the tickets they still have: a removed agent is signed out at once. */
async function removeAgent(run: Run, domain: string, id: string): Promise<void> {
  const tickets = await run.lib.sites.deleteAgent(domain, id, run.db);
  const now = Date.now();
  for (const ticketHash of tickets) await run.lib.endTicket(ticketHash, now, run.db);
}

async function requireSite(run: Run, domain: string): Promise<Site> {
  const site = await run.lib.sites.getSite(domain, run.db);
  if (!site) throw new Failure(`unknown site ${domain}`);
  return site;
}

async function execute(run: Run, command: Command): Promise<void> {
  const { sites } = run.lib;
  const { db } = run;
  switch (command.name) {
    case "site add": {
      const { secret, generated } = secretOf(command.tokenSecret);
      const site = await sites.createSite(
        {
          domain: command.domain,
          origins: command.origins,
          settings: { ...sites.DEFAULT_SETTINGS, ...command.settings },
          ...(secret ? { tokenSecret: secret } : {}),
        },
        db,
      );
      const view = siteView(site);
      print(run, `Added site ${site.domain}.\n\n${siteDetails(view)}${generatedNote(generated)}`, {
        ...view,
        ...(generated ? { generatedTokenSecret: generated } : {}),
      });
      return;
    }
    case "site list": {
      const entries = await sites.listSites(db);
      const views = (
        await sites.getSites(
          entries.map((entry) => entry.domain),
          db,
        )
      ).map(siteView);
      print(run, sitesTable(views), views);
      return;
    }
    case "site show": {
      const site = await requireSite(run, command.domain);
      const agents = (await sites.listAgents(command.domain, db)).map(agentView);
      const view = siteView(site);
      print(run, `${siteDetails(view)}\n\nAgents:\n${agentsTable(agents)}`, { ...view, agents });
      return;
    }
    case "site update": {
      let origins: string[] | undefined;
      if (command.origins.length + command.removeOrigins.length > 0) {
        const current = (await requireSite(run, command.domain)).origins;
        const absent = command.removeOrigins.find((origin) => !current.includes(origin));
        if (absent !== undefined) throw new Failure(`site ${command.domain} has no origin ${absent}`);
        origins = [
          ...current.filter((origin) => !command.removeOrigins.includes(origin)),
          ...command.origins.filter((origin) => !current.includes(origin)),
        ];
      }
      const { secret, generated } = secretOf(command.tokenSecret);
      const site = await sites.updateSite(
        command.domain,
        {
          ...(origins ? { origins } : {}),
          ...(secret !== undefined ? { tokenSecret: secret } : {}),
          settings: command.settings,
        },
        db,
      );
      const view = siteView(site);
      print(run, `Updated site ${site.domain}.\n\n${siteDetails(view)}${generatedNote(generated)}`, {
        ...view,
        ...(generated ? { generatedTokenSecret: generated } : {}),
      });
      return;
    }
    case "site remove": {
      await requireSite(run, command.domain);
      const agents = await sites.listAgents(command.domain, db);
      const ids = agents.map((agent) => agent.id);
      if (agents.length > 0 && !command.force) {
        throw new Failure(
          `site ${command.domain} still has ${agents.length} agent(s) (${ids.join(", ")}); remove them first, or use --force`,
        );
      }
      // Agents first: a site is never left with agents and no site item.
      for (const id of ids) {
        await removeAgent(run, command.domain, id).catch((error: unknown) => {
          if (!(error instanceof run.lib.errors.DoesNotExist)) throw error;
        });
      }
      await sites.deleteSite(command.domain, db);
      const also = ids.length > 0 ? ` and its agents ${ids.join(", ")}` : "";
      print(run, `Removed site ${command.domain}${also}.`, { removed: command.domain, agentsRemoved: ids });
      return;
    }
    case "agent add": {
      await requireSite(run, command.domain);
      // An agent shares their id's inbox and conversations: an id a member or visitor already has is taken.
      if (await run.lib.getUserState(command.domain, command.id, "member", db)) {
        throw new Failure(`site ${command.domain} already has a member or visitor with id ${command.id}; choose another id`);
      }
      const hash = await passwordHash(run, command.password);
      const agent = await sites.createAgent(
        command.domain,
        {
          id: command.id,
          nick: command.nick,
          ...(command.picUrl ? { picUrl: command.picUrl } : {}),
          ...(hash ? { passwordHash: hash } : {}),
        },
        db,
      );
      const view = agentView(agent);
      print(run, `Added agent ${agent.id} to ${command.domain}.\n\n${agentDetails(command.domain, view)}`, view);
      return;
    }
    case "agent list": {
      await requireSite(run, command.domain);
      const views = (await sites.listAgents(command.domain, db)).map(agentView);
      print(run, agentsTable(views), views);
      return;
    }
    case "agent update": {
      await requireSite(run, command.domain);
      const hash = await passwordHash(run, command.password);
      const agent = await sites.updateAgent(
        command.domain,
        command.id,
        {
          ...(command.nick !== undefined ? { nick: command.nick } : {}),
          ...(command.picUrl !== undefined ? { picUrl: command.picUrl } : {}),
          ...(hash !== undefined ? { passwordHash: hash } : {}),
        },
        db,
      );
      const view = agentView(agent);
      print(run, `Updated agent ${agent.id} of ${command.domain}.\n\n${agentDetails(command.domain, view)}`, view);
      return;
    }
    case "agent remove": {
      await requireSite(run, command.domain);
      await removeAgent(run, command.domain, command.id);
      print(run, `Removed agent ${command.id} from ${command.domain}.`, { removed: command.id, site: command.domain });
      return;
    }
  }
}

function where(target: Target): string {
  return target.kind === "local"
    ? `DynamoDB at ${target.endpoint}, table ${target.table}`
    : `DynamoDB in ${target.region}, table ${target.table} (stage ${target.stage})`;
}

/** One line that says what went wrong with the table, and where it was looked for. */
function explain(error: Error, target: Target): string {
  const code = (error as { code?: unknown }).code;
  const detail = error.message || (typeof code === "string" ? code : error.name);
  if (error.name === "ResourceNotFoundException") {
    return target.kind === "local"
      ? `no table ${target.table} in the DynamoDB at ${target.endpoint} (is it the one of \`npm start\`? --table names another)`
      : `no table ${target.table} in ${target.region} (was stage ${target.stage} deployed to this region? --region names another)`;
  }
  if (error.name === "CredentialsProviderError") {
    return `no AWS credentials for ${where(target)}: ${detail} (the standard chain: environment, ~/.aws, SSO, role)`;
  }
  const refused = code === "ECONNREFUSED" || /ECONNREFUSED/.test(detail);
  const hint =
    refused && target.kind === "local"
      ? " (is `npm start` running, with the same DYNAMODB_PORT? --endpoint names another DynamoDB)"
      : "";
  return `cannot use ${where(target)}: ${detail}${hint}`;
}

async function main(argv: string[]): Promise<number> {
  let invocation: ReturnType<typeof parseInvocation>;
  try {
    invocation = parseInvocation(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`admin: ${error.message}\n`);
    return 2;
  }
  if (invocation.kind === "help") {
    process.stdout.write(invocation.text);
    return 0;
  }
  const { target, json, command } = invocation;
  const lib = await loadLib(target);
  const run: Run = { lib, db: lib.db, json };
  try {
    await execute(run, command);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`admin: ${error.message}\n`);
      return 2;
    }
    if (error instanceof Failure || error instanceof lib.errors.AlreadyExists || error instanceof lib.errors.DoesNotExist) {
      process.stderr.write(`admin: ${error.message}\n`);
      return 1;
    }
    if (error instanceof Error) {
      process.stderr.write(`admin: ${explain(error, target)}\n`);
      return 1;
    }
    throw error;
  } finally {
    lib.db.doc.destroy();
  }
}

process.exitCode = await main(process.argv.slice(2));
