/**
 * `npm run bench:capacity [-- --db dynamodb-local|dynalite]`: the DynamoDB capacity one call of
 * each main operation consumes, measured on an embedded DynamoDB by running the lib/ functions
 * the endpoints run.
 *
 * DynamoDB Local (the default) computes consumed capacity the way DynamoDB bills it: a write is
 * 1 WCU per started KB of item, a read 1 RCU per started 4 KB strongly consistent, half that
 * eventually consistent. dynalite's figures are its own approximation.
 *
 * The lib/im functions use the shared client of lib/store/client.ts; this script adds its own
 * middleware to that client (nothing in lib/ changes) to see every call, failed ones included.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Call as EndpointCall } from "../lib/http/endpoint.js";
import { formatTable, ROOT } from "./bundle-sizes.js";
import { type DatabaseKind, startDatabase } from "./lib/database.js";
import { DEMO_AGENTS, DEMO_DOMAIN, seedDemo } from "./lib/demo.js";
import { freePort } from "./lib/ports.js";
import { createTable, tableDefinition } from "./lib/table.js";

// Dev machines run Node 20 while Lambda runs 22; the SDK's notice about that (at its first client) is known, not news.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const TABLE_NAME = "webim-serverless-bench";
/** The site's default history size (lib/store/sites.ts DEFAULT_SETTINGS); the conversation gets this many messages. */
const HISTORY_MESSAGES = 30;

// ---------------------------------------------------------------------------------------------
// What each DynamoDB call consumed

interface Call {
  /** The low-level command: GetItemCommand, QueryCommand, PutItemCommand... */
  command: string;
  /** Capacity units DynamoDB reported; undefined when it reported none (a failed call). */
  units: number | undefined;
  /** The error's name when the call failed. */
  failed?: string;
  consistent: boolean;
  /** Items the call returned (reads). */
  items?: number;
  /** Keys a BatchGetItem asked for. */
  keys?: number;
}

const READS = new Set(["GetItemCommand", "QueryCommand", "BatchGetItemCommand", "ScanCommand", "TransactGetItemsCommand"]);

function unitsOf(consumed: unknown): number | undefined {
  if (consumed === undefined || consumed === null) return undefined;
  const list = (Array.isArray(consumed) ? consumed : [consumed]) as { CapacityUnits?: number }[];
  return list.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
}

function isConsistent(input: Record<string, unknown>): boolean {
  if (input.ConsistentRead === true) return true;
  const batch = input.RequestItems as Record<string, { ConsistentRead?: boolean }> | undefined;
  return batch !== undefined && Object.values(batch).some((request) => request.ConsistentRead === true);
}

function keysOf(input: Record<string, unknown>): number | undefined {
  const batch = input.RequestItems as Record<string, { Keys?: unknown[] }> | undefined;
  return batch ? Object.values(batch).reduce((sum, request) => sum + (request.Keys?.length ?? 0), 0) : undefined;
}

function itemsOf(command: string, output: Record<string, unknown>): number | undefined {
  if (command === "GetItemCommand") return output.Item ? 1 : 0;
  if (Array.isArray(output.Items)) return output.Items.length;
  const responses = output.Responses as Record<string, unknown[]> | undefined;
  return responses ? Object.values(responses).reduce((sum, items) => sum + items.length, 0) : undefined;
}

let calls: Call[] = [];

/** Asks every call of `doc` for its consumed capacity and records it; failed calls are recorded too. */
function watchCapacity(doc: DynamoDBDocumentClient): void {
  // Every command the client sends passes here, named as the low-level command (GetItemCommand, ...).
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = "TOTAL";
      const command = String(context.commandName);
      const consistent = isConsistent(input);
      const keys = keysOf(input);
      try {
        const result = await next(args);
        const output = result.output as Record<string, unknown>;
        const items = READS.has(command) ? itemsOf(command, output) : undefined;
        calls.push({
          command,
          units: unitsOf(output.ConsumedCapacity),
          consistent,
          ...(items !== undefined ? { items } : {}),
          ...(keys !== undefined ? { keys } : {}),
        });
        return result;
      } catch (error) {
        const failed = error as Error & { ConsumedCapacity?: unknown };
        calls.push({ command, units: unitsOf(failed.ConsumedCapacity), failed: failed.name, consistent });
        throw error;
      }
    },
    { step: "initialize", name: "benchConsumedCapacity" },
  );
}

interface Measured {
  operation: string;
  calls: Call[];
}

const results: Measured[] = [];

async function measure<T>(operation: string, run: () => Promise<T>): Promise<T> {
  calls = [];
  try {
    return await run();
  } finally {
    results.push({ operation, calls });
    calls = [];
  }
}

function round(units: number): number {
  return Math.round(units * 100) / 100;
}

/**
 * What DynamoDB documents but an emulator may leave out: every read costs at least the minimum
 * read (0.5 RCU eventually consistent, 1 RCU strongly), each key of a BatchGetItem and a Query
 * that finds nothing included; a failed conditional write still costs the write (at least 1 WCU).
 * The units the reported figure falls short of that floor by; 0 when it does not.
 */
function unreported(call: Call): number {
  if (READS.has(call.command)) {
    const floor = (call.keys ?? 1) * (call.consistent ? 1 : 0.5);
    return Math.max(0, floor - (call.units ?? 0));
  }
  return call.units === undefined ? 1 : 0;
}

function describeCall(call: Call): string {
  const read = READS.has(call.command);
  const parts = [
    call.command.replace(/Command$/, ""),
    read ? (call.consistent ? "strong" : "eventual") : undefined,
    call.keys !== undefined ? `${call.keys} key${call.keys === 1 ? "" : "s"}` : undefined,
    call.items !== undefined ? `${call.items} item${call.items === 1 ? "" : "s"}` : undefined,
    call.failed,
  ].filter(Boolean);
  const units = call.units === undefined ? "not reported" : `${round(call.units)} ${read ? "RCU" : "WCU"}`;
  const missing = unreported(call);
  return `${parts.join(" ")}: ${units}${missing > 0 ? ` (DynamoDB: +${missing})` : ""}`;
}

function report(kind: DatabaseKind): string {
  const rows = results.map(({ operation, calls }) => {
    const sum = (reads: boolean, units: (call: Call) => number) =>
      round(calls.filter((call) => READS.has(call.command) === reads).reduce((total, call) => total + units(call), 0));
    const reported = (call: Call) => call.units ?? 0;
    const extra = [
      sum(true, unreported) > 0 ? `+${sum(true, unreported)} RCU` : "",
      sum(false, unreported) > 0 ? `+${sum(false, unreported)} WCU` : "",
    ].filter(Boolean);
    return [operation, calls.length, sum(true, reported), sum(false, reported), extra.join(" ")];
  });
  const table = formatTable(["operation", "DynamoDB calls", "RCU", "WCU", "unreported minimum"], rows);
  const details = results.map(({ operation, calls }) => {
    // Identical calls in a row (the reads of a long poll) on one line.
    const lines: { text: string; count: number }[] = [];
    for (const text of calls.map(describeCall)) {
      const last = lines.at(-1);
      if (last?.text === text) last.count++;
      else lines.push({ text, count: 1 });
    }
    const body = lines.map(({ text, count }) => `    ${count > 1 ? `${count} × ` : ""}${text}`).join("\n");
    return `  ${operation}\n${body || "    no call"}`;
  });
  return [
    `DynamoDB consumed capacity per operation, as ${kind} reports it (ReturnConsumedCapacity=TOTAL)`,
    "",
    table,
    "",
    "RCU, WCU: as reported. Unreported minimum: what DynamoDB's documented rules add on top, for calls the",
    "emulator reported as free or not at all (every read, and every key of a BatchGetItem, costs at least",
    "0.5 RCU, 1 RCU strongly consistent, even when it finds nothing; a failed conditional write still costs",
    "at least 1 WCU). Sites and agents are cached per container for 30 s: only a cold container reads them.",
    "",
    "Calls:",
    ...details,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { db: { type: "string", default: "dynamodb-local" } } });
  if (values.db !== "dynamodb-local" && values.db !== "dynalite")
    throw new Error(`--db must be dynamodb-local or dynalite, not ${values.db}`);
  const kind: DatabaseKind = values.db;

  const database = await startDatabase(kind, await freePort());
  let destroy: (() => void) | undefined;
  try {
    await createTable(database.endpoint, tableDefinition(join(ROOT, "serverless.yml"), TABLE_NAME));

    // lib/config.ts reads the environment when first imported: set it, then import lib/.
    Object.assign(process.env, {
      TABLE_NAME,
      DYNAMODB_ENDPOINT: database.endpoint,
      WEBIM_SECRET: randomBytes(32).toString("hex"),
      AWS_REGION: "us-east-1",
      // Push is on, as in a deployment: every inbox write also looks up the recipient's sockets.
      // Nobody connects here, so nothing is ever posted to this address.
      WEBSOCKET_URL: "ws://127.0.0.1:9",
      WEBSOCKET_API_ENDPOINT: "http://127.0.0.1:9",
    });
    // This script collects capacity itself; the shared client must not log it as well.
    delete process.env.LOG_DYNAMODB_CAPACITY;
    const { createDb, db } = await import("../lib/store/client.js");
    const { goOnline } = await import("../lib/im/online.js");
    const { authenticate } = await import("../lib/im/session.js");
    const { poll } = await import("../lib/im/packets.js");
    const { sendMessage, logMessage } = await import("../lib/im/messaging.js");
    const { history } = await import("../lib/im/history.js");

    // The demo site and agents, written through a client of its own: not measured.
    const seedStore = createDb({ table: TABLE_NAME, endpoint: database.endpoint, region: "us-east-1" });
    await seedDemo(seedStore, ["http://localhost:3000"]);
    seedStore.doc.destroy();

    const shared = db();
    watchCapacity(shared.doc);
    destroy = () => shared.doc.destroy();

    const server = "http://localhost:3000/webim/packets";
    // What the endpoint stack hands lib/: a same-origin call with the given parameters.
    const callWith = (params: Record<string, string>): EndpointCall => ({
      params,
      url: (path) => `http://localhost:3000${path}`,
      remainingMs: () => 29_000,
      origin: undefined,
      userAgent: "bench-capacity",
    });
    const whereabouts = {};
    const alice = DEMO_AGENTS[0];
    const onlineAs = (identity: Parameters<typeof goOnline>[1]["identity"]) =>
      goOnline(callWith({}), { domain: DEMO_DOMAIN, identity, show: "available", buddyIds: [], whereabouts, server });
    const aliceIdentity = { kind: "agent", username: alice.id, password: alice.password } as const;
    // The first call of a container also loads the site and its agents (cached 30 s, lib/im/directory.ts).
    const aliceSession = await measure("online (agent alice, cold container)", () => onlineAs(aliceIdentity));
    const visitorSession = await measure("online (new visitor)", () => onlineAs({ kind: "visitor" }));
    const params = { domain: DEMO_DOMAIN, ticket: visitorSession.connection.ticket };
    // Every endpoint after `online` starts with this (lib/im/session.ts); the rows below leave it out:
    // an endpoint's cost is this row plus its own.
    const visitor = await measure("ticket check (every call after online)", () => authenticate(callWith(params)));

    const answer = await measure("packets (one empty read)", () => poll(visitor, { waitMs: 0 }));
    if (answer.status !== "ok" || answer.messages.length + answer.presences.length + answer.statuses.length > 0) {
      throw new Error(`expected an empty packets answer, got ${JSON.stringify(answer)}`);
    }

    // A whole poll that waits in vain, on a simulated clock: the reads the real schedule makes, without the wait.
    let clock = Date.now();
    const { config } = await import("../lib/config.js");
    const idle = await measure(`packets (idle ${config.pollWaitMs / 1000} s long poll, simulated clock)`, () =>
      poll(visitor, {
        waitMs: config.pollWaitMs,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
      }),
    );
    if (idle.status !== "ok" || idle.messages.length > 0)
      throw new Error(`expected an empty packets answer, got ${JSON.stringify(idle)}`);

    const start = Math.max(Date.now(), clock + 1);
    const body = "Hello! I ordered a blue jacket last week (order 48213) and it has not shipped yet. Can you check?";
    const { message: first } = await measure("message (visitor to alice)", () =>
      sendMessage(visitor, { to: alice.id, body }, start),
    );
    const stored = await measure("logmsg (a duplicate)", () => logMessage(visitor, first));
    if (stored) throw new Error("logmsg of a stored message stored it again");

    // The rest of the conversation, alternating sides: not measured.
    const aliceTicket = await authenticate(callWith({ domain: DEMO_DOMAIN, ticket: aliceSession.connection.ticket }));
    for (let n = 1; n < HISTORY_MESSAGES; n++) {
      const [from, to] = n % 2 === 1 ? [aliceTicket, visitor.userId] : [visitor, alice.id];
      await sendMessage(from, { to, body: `${body} (${n})` }, start + n);
    }
    const messages = await measure(`history (${HISTORY_MESSAGES} messages)`, () => history(visitor, alice.id, HISTORY_MESSAGES));
    if (messages.length !== HISTORY_MESSAGES)
      throw new Error(`history returned ${messages.length} messages, not ${HISTORY_MESSAGES}`);

    // Issue 4's figure: a message whose recipient has two live tickets (alice in two tabs).
    const secondTab = await onlineAs(aliceIdentity);
    if (secondTab.connection.ticket === aliceSession.connection.ticket) throw new Error("expected a second ticket");
    await measure("message (to a recipient with two live tickets)", () =>
      sendMessage(visitor, { to: alice.id, body: `${body} (two tabs)` }, start + HISTORY_MESSAGES + 1),
    );

    // The widget leaves out `to`: the service routes a visitor's first message and keeps them with
    // their agent after (lib/im/routing.ts).
    const newcomerSession = await onlineAs({ kind: "visitor" });
    const newcomer = await authenticate(callWith({ domain: DEMO_DOMAIN, ticket: newcomerSession.connection.ticket }));
    const later = start + HISTORY_MESSAGES + 2;
    const routed = await measure("message (a visitor's first, routed to an agent)", () =>
      sendMessage(newcomer, { to: undefined, body: `${body} (routed)` }, later),
    );
    if (!routed.routed) throw new Error("expected the first message to be routed");
    await measure("message (a visitor's next, to the agent they have)", () =>
      sendMessage(newcomer, { to: undefined, body: `${body} (routed again)` }, later + 1),
    );

    console.log(report(kind));
  } finally {
    destroy?.();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
