/**
 * `npm run bench:delivery [-- --pairs 50 --messages 20 --interval-ms 50 --db dynalite|dynamodb-local]`:
 * end-to-end delivery over the local stack (serverless offline on an embedded DynamoDB), for each
 * transport in turn: the `packets` long poll, then the WebSocket push.
 *
 * Each transport gets a site of its own (`bench-<transport>-<random>.test`) with one agent per pair,
 * written straight into the table. Each pair is one visitor and one agent (signed in with username and
 * password through `online`); each side runs its own receive loop (long poll: `packets` again at once
 * after every answer, without `since` unless a poll failed; WebSocket: one socket subscribed with its
 * ticket, `ping` every 20 s) and sends `--messages` messages to the other, one `message` call at a time,
 * `--interval-ms` apart. A body is the JSON header {pair, from, seq, sentAt}; sentAt is this process's
 * monotonic clock just before the HTTP call, and the receiver takes its own reading when it has parsed
 * the packet or frame.
 *
 * Counted per transport, over the messages each receiver got from its own pair (presences, statuses
 * and anything else are left out):
 * - lost: a message whose `message` call answered ok but that never arrived within `--drain-ms` after
 *   the last send;
 * - duplicated: every delivery beyond the first of the same (pair, from, seq), raw: nothing is
 *   deduplicated by packet id first;
 * - out-of-order: a first delivery whose seq is lower than one already received from the same sender.
 * Latency (p50/p95/p99) is over first deliveries; msg/s is first deliveries over the wall time from
 * the first send to the last first delivery.
 *
 * Exit code: 0 when lost, duplicated and out-of-order are all 0 and every `message` call answered ok;
 * 1 otherwise; 2 for a wrong argument. Ctrl-C stops the stack and exits with 130.
 */
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import WebSocket from "ws";
import type { Db } from "../lib/store/client.js";
import { formatTable } from "./bundle-sizes.js";
import type { DatabaseKind } from "./lib/database.js";
import { freePort } from "./lib/ports.js";
import { ROOT, type Stack, startStack } from "./lib/stack.js";

// ---------------------------------------------------------------------------------------------
// Options

const TRANSPORTS = ["long poll", "websocket"] as const;
type Transport = (typeof TRANSPORTS)[number];

interface Options {
  pairs: number;
  messages: number;
  intervalMs: number;
  drainMs: number;
  database: DatabaseKind;
  transports: Transport[];
}

class UsageError extends Error {}

const USAGE = `npm run bench:delivery -- [options]
  --pairs N           visitor/agent pairs (default 50)
  --messages M        messages each way per pair (default 20)
  --interval-ms MS    pause between two sends of one side (default 50)
  --drain-ms MS       how long to wait for messages after the last send (default 10000)
  --db KIND           dynalite (default) or dynamodb-local
  --transport LIST    long-poll, websocket or both, comma-separated (default long-poll,websocket)`;

function integerOption(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, not ${raw}`);
  return value;
}

function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      pairs: { type: "string", default: "50" },
      messages: { type: "string", default: "20" },
      "interval-ms": { type: "string", default: "50" },
      "drain-ms": { type: "string", default: "10000" },
      db: { type: "string", default: "dynalite" },
      transport: { type: "string", default: "long-poll,websocket" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  if (values.db !== "dynalite" && values.db !== "dynamodb-local")
    throw new UsageError(`--db must be dynalite or dynamodb-local, not ${values.db}`);
  const transports = values.transport.split(",").map((name): Transport => {
    const normalized = name.trim().toLowerCase();
    if (normalized === "long-poll" || normalized === "poll" || normalized === "longpoll") return "long poll";
    if (normalized === "websocket" || normalized === "ws") return "websocket";
    throw new UsageError(`--transport takes long-poll and/or websocket, not ${name}`);
  });
  return {
    pairs: integerOption("pairs", values.pairs, 1, 1_000),
    messages: integerOption("messages", values.messages, 1, 10_000),
    intervalMs: integerOption("interval-ms", values["interval-ms"], 0, 60_000),
    drainMs: integerOption("drain-ms", values["drain-ms"], 0, 120_000),
    database: values.db,
    transports: TRANSPORTS.filter((transport) => transports.includes(transport)),
  };
}

// ---------------------------------------------------------------------------------------------
// Bounds: every wait of this script ends.

/** One HTTP call other than `packets`. */
const CALL_TIMEOUT_MS = 30_000;
/** One `packets` call: the poll answers by POLL_WAIT_MS (at most 27 s), serverless offline stops it at 29 s. */
const POLL_TIMEOUT_MS = 35_000;
/** After every expected message arrived: how long late duplicates still have to show up. */
const DUPLICATE_GRACE_MS = 2_000;
/** A receive loop that has not ended this long after its ticket ended is cut off. */
const STOP_TIMEOUT_MS = 10_000;
/** Longest wait for a socket to open, and for its subscription to be stored. */
const SUBSCRIBE_TIMEOUT_MS = 15_000;
const PING_EVERY_MS = 20_000;
/** Calls made at once while signing in and signing out. */
const CONCURRENCY = 10;
/** A receive loop makes at most this many polls (a safety net; the run ends them long before). */
const MAX_POLLS = 100_000;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function inBatches<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

// ---------------------------------------------------------------------------------------------
// HTTP

async function call(base: string, endpoint: string, params: Record<string, string>): Promise<unknown> {
  const response = await fetch(`${base}/webim/${endpoint}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${endpoint} answered ${response.status}: ${text}`);
  return text === "ok" ? "ok" : (JSON.parse(text) as unknown);
}

interface OnlineAnswer {
  user: { id: string };
  connection: { domain: string; ticket: string; server: string; websocket?: string };
}

interface Packet {
  id?: string;
  from?: string;
  to?: string;
  body?: string;
}

// ---------------------------------------------------------------------------------------------
// What was sent and what arrived

type Role = "visitor" | "agent";

interface Side {
  pair: number;
  role: Role;
  id: string;
  ticket: string;
  domain: string;
  server: string;
  websocket: string | undefined;
  /** The other side of the pair. */
  peer?: Side;
}

interface Header {
  pair: number;
  from: Role;
  seq: number;
  sentAt: number;
}

interface Arrival {
  at: number;
  ids: string[];
}

class Tally {
  readonly sent = new Map<string, number>();
  readonly arrivals = new Map<string, Arrival>();
  readonly latencies: number[] = [];
  /** How long each accepted `message` call took, for reading the latencies. */
  readonly sendCalls: number[] = [];
  /** Per receiver: the highest seq received so far from its peer. */
  private readonly highest = new Map<string, number>();
  readonly duplicates: string[] = [];
  readonly reordered: string[] = [];
  duplicated = 0;
  outOfOrder = 0;
  sendFailures = 0;
  receiveErrors = 0;
  /** Messages from the peer whose body was not a header of this run. */
  foreign = 0;
  firstSendAt = Number.POSITIVE_INFINITY;
  lastArrivalAt = 0;
  readonly problems: string[] = [];

  problem(text: string): void {
    if (this.problems.length < 20) this.problems.push(text);
  }

  expect(header: Header): void {
    this.sent.set(keyOf(header), header.sentAt);
  }

  get complete(): boolean {
    if (this.arrivals.size < this.sent.size) return false;
    for (const key of this.sent.keys()) if (!this.arrivals.has(key)) return false;
    return true;
  }

  /** Records the messages of one `packets` answer or frame, received by `side` at `at`. */
  record(side: Side, messages: readonly Packet[], at: number): void {
    const peer = side.peer;
    if (!peer) return;
    for (const packet of messages) {
      if (packet.from !== peer.id || packet.to !== side.id) continue;
      const header = parseHeader(packet.body);
      if (!header || header.pair !== side.pair || header.from !== peer.role) {
        this.foreign++;
        continue;
      }
      const key = keyOf(header);
      const seen = this.arrivals.get(key);
      if (seen) {
        this.duplicated++;
        seen.ids.push(String(packet.id));
        if (this.duplicates.length < 10) this.duplicates.push(`${key}: ids ${seen.ids.join(", ")}`);
        continue;
      }
      this.arrivals.set(key, { at, ids: [String(packet.id)] });
      this.latencies.push(at - header.sentAt);
      this.lastArrivalAt = Math.max(this.lastArrivalAt, at);
      const stream = `${side.pair}/${peer.role}`;
      const highest = this.highest.get(stream) ?? 0;
      if (header.seq < highest) {
        this.outOfOrder++;
        if (this.reordered.length < 10) this.reordered.push(`${key} after seq ${highest} (id ${packet.id})`);
      } else {
        this.highest.set(stream, header.seq);
      }
    }
  }
}

function keyOf(header: Pick<Header, "pair" | "from" | "seq">): string {
  return `${header.pair}/${header.from}/${header.seq}`;
}

function parseHeader(body: string | undefined): Header | undefined {
  try {
    const value = JSON.parse(body ?? "") as Partial<Header>;
    if (typeof value.pair !== "number" || typeof value.seq !== "number" || typeof value.sentAt !== "number") return undefined;
    if (value.from !== "visitor" && value.from !== "agent") return undefined;
    return value as Header;
  } catch {
    return undefined;
  }
}

/** The id of the newest packet of an answer, whatever its kind: where a resumed poll goes on from. */
function newestId(packets: Record<string, unknown>): string | undefined {
  const ids: string[] = [];
  for (const list of [packets.messages, packets.presences, packets.statuses]) {
    if (Array.isArray(list)) for (const packet of list as Packet[]) if (typeof packet.id === "string") ids.push(packet.id);
  }
  return ids.sort().at(-1);
}

// ---------------------------------------------------------------------------------------------
// Receivers

interface Receiver {
  /** Resolves when the loop has ended; `cutOff` ends it at once. */
  ended: Promise<void>;
  cutOff(): void;
}

/** The long poll: `packets` again as soon as an answer came, until the ticket ends (`stopped`). */
function pollReceiver(side: Side, tally: Tally, running: () => boolean): Receiver {
  const controller = new AbortController();
  const ended = (async () => {
    let lastId: string | undefined;
    let resume = false;
    for (let polls = 0; polls < MAX_POLLS && !controller.signal.aborted; polls++) {
      const params = new URLSearchParams({ domain: side.domain, ticket: side.ticket });
      if (resume && lastId) params.set("since", lastId);
      try {
        const response = await fetch(`${side.server}?${params}`, {
          signal: AbortSignal.any([controller.signal, AbortSignal.timeout(POLL_TIMEOUT_MS)]),
        });
        const text = await response.text();
        const at = performance.now();
        if (response.status !== 200) throw new Error(`packets answered ${response.status}: ${text}`);
        const packets = JSON.parse(text) as Record<string, unknown>;
        if (packets.status === "stopped") {
          if (running()) {
            tally.receiveErrors++;
            tally.problem(`${side.role} of pair ${side.pair}: packets answered stopped during the run`);
          }
          return;
        }
        resume = false;
        tally.record(side, (packets.messages as Packet[] | undefined) ?? [], at);
        lastId = newestId(packets) ?? lastId;
      } catch (error) {
        if (controller.signal.aborted) return;
        tally.receiveErrors++;
        tally.problem(`${side.role} of pair ${side.pair}: ${(error as Error).message}`);
        // As the widget does after a lost answer: resume from the last packet seen.
        resume = true;
        await pause(250);
      }
    }
  })();
  return { ended, cutOff: () => controller.abort() };
}

/** The WebSocket: one socket, subscribed with the ticket; every text frame is a `packets` answer. */
async function socketReceiver(side: Side, tally: Tally, running: () => boolean): Promise<Receiver> {
  if (!side.websocket) throw new Error("online offered no connection.websocket");
  const ws = new WebSocket(side.websocket);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${side.websocket} did not open within ${SUBSCRIBE_TIMEOUT_MS} ms`)),
      SUBSCRIBE_TIMEOUT_MS,
    );
    ws.once("open", () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  const ping = setInterval(() => {
    if (ws.readyState === WebSocket.OPEN) ws.send("ping");
  }, PING_EVERY_MS);
  const ended = new Promise<void>((resolve) => {
    ws.on("close", () => {
      clearInterval(ping);
      if (running()) {
        tally.receiveErrors++;
        tally.problem(`${side.role} of pair ${side.pair}: the socket closed during the run`);
      }
      resolve();
    });
  });
  ws.on("error", (error) => {
    tally.receiveErrors++;
    tally.problem(`${side.role} of pair ${side.pair}: socket error ${error.message}`);
  });
  ws.on("message", (data) => {
    const at = performance.now();
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(data.toString()) as Record<string, unknown>;
    } catch {
      tally.receiveErrors++;
      tally.problem(`${side.role} of pair ${side.pair}: a frame that is not JSON`);
      return;
    }
    if (frame.success === false) {
      tally.receiveErrors++;
      tally.problem(`${side.role} of pair ${side.pair}: error frame ${JSON.stringify(frame)}`);
      return;
    }
    if (frame.status === "stopped") return;
    tally.record(side, (frame.messages as Packet[] | undefined) ?? [], at);
  });
  ws.send(`subscribe ${side.domain} ${side.ticket}`);
  return { ended, cutOff: () => ws.terminate() };
}

/** Waits until the subscription of `side` is stored: from then on every write for the side is pushed. */
async function waitForSubscription(store: Db, side: Side): Promise<void> {
  const { keys } = await import("../lib/store/keys.js");
  const deadline = Date.now() + SUBSCRIBE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { Items } = await store.doc.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": keys.userState(side.domain, side.id).pk, ":prefix": keys.connectionPrefix },
        ConsistentRead: true,
      }),
    );
    if ((Items ?? []).length > 0) return;
    await pause(100);
  }
  throw new Error(`the socket of the ${side.role} of pair ${side.pair} was not subscribed within ${SUBSCRIBE_TIMEOUT_MS} ms`);
}

// ---------------------------------------------------------------------------------------------
// One transport's run

interface Result {
  transport: Transport;
  pairs: number;
  sent: number;
  delivered: number;
  tally: Tally;
  wallMs: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
}

async function createBenchSite(store: Db, transport: Transport, pairs: number, password: string): Promise<string> {
  const { hashPassword } = await import("../lib/auth/password.js");
  const { DEFAULT_SETTINGS, createAgent, createSite } = await import("../lib/store/sites.js");
  const domain = `bench-${transport.replace(" ", "-")}-${randomBytes(4).toString("hex")}.test`;
  await createSite({ domain, origins: [], settings: DEFAULT_SETTINGS }, store);
  // One hash for every agent of the run: scrypt is slow on purpose, and the salt does not matter here.
  const passwordHash = await hashPassword(password);
  await inBatches(
    Array.from({ length: pairs }, (_, pair) => pair),
    CONCURRENCY,
    async (pair) => {
      await createAgent(domain, { id: `agent-${pair}`, nick: `Agent ${pair}`, passwordHash }, store);
    },
  );
  return domain;
}

async function signIn(base: string, domain: string, pair: number, password: string): Promise<[Side, Side]> {
  const sideOf = (role: Role, answer: OnlineAnswer): Side => ({
    pair,
    role,
    id: answer.user.id,
    ticket: answer.connection.ticket,
    domain: answer.connection.domain,
    server: answer.connection.server,
    websocket: answer.connection.websocket,
  });
  const [visitorAnswer, agentAnswer] = await Promise.all([
    call(base, "online", { domain }) as Promise<OnlineAnswer>,
    call(base, "online", { domain, username: `agent-${pair}`, password }) as Promise<OnlineAnswer>,
  ]);
  const visitor = sideOf("visitor", visitorAnswer);
  const agent = sideOf("agent", agentAnswer);
  visitor.peer = agent;
  agent.peer = visitor;
  return [visitor, agent];
}

async function sendAll(base: string, side: Side, options: Options, tally: Tally): Promise<void> {
  const peer = side.peer;
  if (!peer) return;
  for (let seq = 1; seq <= options.messages; seq++) {
    const sentAt = performance.now();
    const header: Header = { pair: side.pair, from: side.role, seq, sentAt: Math.round(sentAt * 1000) / 1000 };
    tally.firstSendAt = Math.min(tally.firstSendAt, sentAt);
    try {
      const answer = await call(base, "message", {
        ticket: side.ticket,
        domain: side.domain,
        type: "unicast",
        to: peer.id,
        body: JSON.stringify(header),
      });
      if (answer !== "ok") throw new Error(`message answered ${JSON.stringify(answer)}`);
      tally.expect(header);
      tally.sendCalls.push(performance.now() - sentAt);
    } catch (error) {
      tally.sendFailures++;
      tally.problem(`${side.role} of pair ${side.pair}, seq ${seq}: ${(error as Error).message}`);
    }
    if (seq < options.messages) await pause(options.intervalMs);
  }
}

async function runTransport(stack: Stack, store: Db, transport: Transport, options: Options): Promise<Result> {
  const base = stack.baseUrl;
  const password = randomBytes(12).toString("base64url");
  const domain = await createBenchSite(store, transport, options.pairs, password);
  const sides: Side[] = [];
  await inBatches(
    Array.from({ length: options.pairs }, (_, pair) => pair),
    CONCURRENCY,
    async (pair) => {
      sides.push(...(await signIn(base, domain, pair, password)));
    },
  );
  sides.sort((a, b) => a.pair - b.pair || a.role.localeCompare(b.role));
  console.log(`${transport}: site ${domain}, ${sides.length} users online`);

  const tally = new Tally();
  let running = true;
  const isRunning = () => running;
  const receivers: Receiver[] = [];
  if (transport === "long poll") {
    for (const side of sides) receivers.push(pollReceiver(side, tally, isRunning));
    // Let every first poll start; a message sent before still waits in the inbox, this only keeps latency honest.
    await pause(1_000);
  } else {
    await inBatches(sides, CONCURRENCY, async (side) => {
      receivers.push(await socketReceiver(side, tally, isRunning));
    });
    await inBatches(sides, CONCURRENCY, (side) => waitForSubscription(store, side));
    // The subscription is stored before its catch-up read (lib/im/subscribe.ts): a message written in
    // between is both pushed and caught up. This measures the steady state, so it lets every catch-up end.
    await pause(1_000);
  }

  const eventLoop = monitorEventLoopDelay({ resolution: 10 });
  eventLoop.enable();
  console.log(`${transport}: sending ${options.messages} messages each way per pair...`);
  await Promise.all(sides.map((side) => sendAll(base, side, options, tally)));
  const drainUntil = performance.now() + options.drainMs;
  while (!tally.complete && performance.now() < drainUntil) await pause(50);
  if (tally.complete) await pause(DUPLICATE_GRACE_MS);
  eventLoop.disable();
  running = false;

  // End every ticket: a waiting poll answers `stopped`, a socket gets `stopped` and is closed.
  await inBatches(sides, CONCURRENCY, async (side) => {
    await call(base, "refresh", { ticket: side.ticket, domain: side.domain }).catch((error: unknown) => {
      tally.problem(`refresh of the ${side.role} of pair ${side.pair}: ${(error as Error).message}`);
    });
  });
  const stopped = Promise.all(receivers.map((receiver) => receiver.ended));
  const timedOut = await Promise.race([stopped.then(() => false), pause(STOP_TIMEOUT_MS).then(() => true)]);
  if (timedOut) for (const receiver of receivers) receiver.cutOff();
  await stopped;

  const delivered = tally.latencies.length;
  const wallMs = Math.max(0, tally.lastArrivalAt - tally.firstSendAt);
  return {
    transport,
    pairs: options.pairs,
    sent: tally.sent.size + tally.sendFailures,
    delivered,
    tally,
    wallMs,
    eventLoopP99Ms: eventLoop.percentile(99) / 1e6,
    eventLoopMaxMs: eventLoop.max / 1e6,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

function lostOf(result: Result): number {
  let lost = 0;
  for (const key of result.tally.sent.keys()) if (!result.tally.arrivals.has(key)) lost++;
  return lost;
}

function report(results: readonly Result[]): string {
  const rows = results.map((result) => {
    const sorted = [...result.tally.latencies].sort((a, b) => a - b);
    return [
      result.transport,
      result.pairs,
      result.sent,
      oneDecimal(percentile(sorted, 50)),
      oneDecimal(percentile(sorted, 95)),
      oneDecimal(percentile(sorted, 99)),
      oneDecimal(result.wallMs > 0 ? (result.delivered * 1000) / result.wallMs : 0),
      lostOf(result),
      result.tally.duplicated,
      result.tally.outOfOrder,
    ];
  });
  return formatTable(
    ["transport", "pairs", "messages", "p50 ms", "p95 ms", "p99 ms", "msg/s", "lost", "duplicated", "out-of-order"],
    rows,
  );
}

function details(result: Result): string[] {
  const { tally } = result;
  const lines = [
    `${result.transport}: ${result.sent} sent, ${tally.sent.size} accepted, ${result.delivered} delivered in ${oneDecimal(result.wallMs / 1000)} s` +
      ` (first send to last delivery); send failures ${tally.sendFailures}, receive errors ${tally.receiveErrors}` +
      `${tally.foreign > 0 ? `, ${tally.foreign} messages from the peer without a header of this run` : ""};` +
      ` this process's event loop delay p99 ${oneDecimal(result.eventLoopP99Ms)} ms, max ${oneDecimal(result.eventLoopMaxMs)} ms`,
  ];
  const calls = [...tally.sendCalls].sort((a, b) => a - b);
  lines.push(
    `  the \`message\` call itself (send to answer): p50 ${oneDecimal(percentile(calls, 50))} ms, p99 ${oneDecimal(percentile(calls, 99))} ms`,
  );
  const lost = [...tally.sent.keys()].filter((key) => !tally.arrivals.has(key));
  if (lost.length > 0) lines.push(`  lost (pair/from/seq): ${lost.slice(0, 10).join(", ")}${lost.length > 10 ? ", ..." : ""}`);
  for (const duplicate of tally.duplicates) lines.push(`  duplicated ${duplicate}`);
  for (const reordered of tally.reordered) lines.push(`  out of order ${reordered}`);
  for (const problem of tally.problems) lines.push(`  problem: ${problem}`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The stack, stopped on every way out

let starting: Promise<Stack> | undefined;
let stopping: Promise<void> | undefined;

function stopStack(): Promise<void> {
  stopping ??= (async () => {
    const stack = await starting?.catch(() => undefined);
    await stack?.stop();
  })();
  return stopping;
}

function onSignal(signal: NodeJS.Signals): void {
  console.error(`\n${signal}: stopping the local stack...`);
  // A second Ctrl-C does not wait any longer.
  process.once(signal, () => process.exit(130));
  void stopStack().finally(() => process.exit(130));
}

async function main(): Promise<number> {
  let options: Options | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  const began = performance.now();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const [port, websocketPort, lambdaPort, databasePort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const logFile = join(ROOT, "test-results", "bench-delivery-offline.log");
  // The functions run with the service's defaults: nothing here is tuned for the benchmark.
  const env: Record<string, string> = {};
  console.log(
    `Starting the local stack (serverless offline, ${options.database}) on http://localhost:${port}; its log: ${logFile}`,
  );
  starting = startStack({
    port,
    websocketPort,
    lambdaPort,
    databasePort,
    database: options.database,
    buildSuffix: "-bench-delivery",
    env,
    logFile,
  });
  try {
    const stack = await starting;
    const startedIn = performance.now() - began;
    const { loadConfig } = await import("../lib/config.js");
    const settings = loadConfig({ ...process.env, ...env });
    const { createDb } = await import("../lib/store/client.js");
    const store = createDb({ table: stack.tableName, endpoint: stack.databaseEndpoint, region: "us-east-1" });
    console.log(
      [
        `Settings: ${options.pairs} pairs, ${options.messages} messages each way per pair, ${options.intervalMs} ms between sends,`,
        `  ${options.drainMs} ms drain after the last send; ${stack.databaseKind}; functions with POLL_WAIT_MS=${settings.pollWaitMs},`,
        `  POLL_INTERVAL_MS=${settings.pollIntervalMs}, POLL_INTERVAL_MAX_MS=${settings.pollIntervalMaxMs}` +
          `${Object.keys(env).length === 0 ? " (the service's defaults)" : ""}`,
        `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown"}), Node ${process.version}; serverless offline and this` +
          " process (the clients, and dynalite when it is the database) share them: local figures, not AWS's",
      ].join("\n"),
    );
    const results: Result[] = [];
    try {
      for (const transport of options.transports) results.push(await runTransport(stack, store, transport, options));
    } finally {
      store.doc.destroy();
    }

    console.log(`\n${report(results)}\n`);
    for (const result of results) for (const line of details(result)) console.log(line);
    console.log(
      `\nThe run took ${oneDecimal((performance.now() - began) / 1000)} s, ${oneDecimal(startedIn / 1000)} s of it starting the stack.`,
    );
    const failed = results.filter(
      (result) => lostOf(result) + result.tally.duplicated + result.tally.outOfOrder + result.tally.sendFailures > 0,
    );
    if (failed.length > 0) {
      console.error(
        `FAILED: ${failed.map((result) => result.transport).join(", ")}: lost, duplicated and out-of-order must be 0, every send must succeed.`,
      );
      return 1;
    }
    return 0;
  } finally {
    await stopStack();
  }
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await stopStack().catch(() => undefined);
    process.exit(1);
  },
);
