/**
 * The whole service on this machine: an embedded DynamoDB, the table from serverless.yml, the demo
 * site and agents, and `serverless offline` serving the functions. Used by `npm start`, the
 * integration tests and the benchmarks.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type DatabaseKind, startDatabase } from "./database.js";
import { DEMO_DOMAIN, seedDemo } from "./demo.js";
import { type DemoSite, startDemoSite } from "./demo-site.js";
import { createTable, tableDefinition } from "./table.js";

// Dev machines run Node 20 while Lambda runs 22; the SDK's notice about that is known, not news.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const LOCAL_DIR = join(ROOT, ".webim-local");
export const TABLE_NAME = "webim-serverless-local";

export interface StackOptions {
  port: number;
  websocketPort?: number;
  lambdaPort?: number;
  databasePort: number;
  database: DatabaseKind;
  /** Bundles go to .esbuild/local<suffix>: a second stack running at the same time needs its own. */
  buildSuffix?: string;
  /** Serve the demo shop (scripts/lib/demo-site.ts) on this port, an origin of its own; none when absent. */
  demoPort?: number;
  /** Keep dynalite's data here across restarts; in memory when absent. */
  dataDir?: string | undefined;
  /** Extra environment for the functions (tunables of lib/config.ts). */
  env?: Record<string, string>;
  /** Where serverless offline's own output goes; inherited when absent. */
  logFile?: string;
}

export interface Stack {
  baseUrl: string;
  /** The agent console, served by the API's `assets` function. */
  consoleUrl: string;
  /** The demo shop with the widget, when `demoPort` was given. */
  demoUrl: string | undefined;
  databaseEndpoint: string;
  databaseKind: DatabaseKind;
  tableName: string;
  secret: string;
  stop(): Promise<void>;
}

/** The local deployment secret: made once, kept out of git in .webim-local/. */
export function localSecret(): string {
  const file = join(LOCAL_DIR, "secret");
  if (!existsSync(file)) {
    mkdirSync(LOCAL_DIR, { recursive: true });
    writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

async function waitUntilServing(baseUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`serverless offline exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${baseUrl}/webim/online`);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`serverless offline did not serve ${baseUrl} within ${timeoutMs} ms`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    // The whole process group: serverless offline starts esbuild and its own children.
    if (child.pid) process.kill(-child.pid, "SIGTERM");
  });
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const secret = options.env?.WEBIM_SECRET ?? localSecret();
  const database = await startDatabase(options.database, options.databasePort, options.dataDir);
  try {
    await createTable(database.endpoint, tableDefinition(join(ROOT, "serverless.yml"), TABLE_NAME));
    // lib/ reads its configuration when first imported: set it, then import.
    Object.assign(process.env, { TABLE_NAME, DYNAMODB_ENDPOINT: database.endpoint, WEBIM_SECRET: secret });
    const { createDb } = await import("../../lib/store/client.js");
    const base = `http://localhost:${options.port}`;
    // The demo shop's origin is the one a site registers; the API's own are for trying calls by hand.
    const demoOrigins =
      options.demoPort === undefined ? [] : [`http://localhost:${options.demoPort}`, `http://127.0.0.1:${options.demoPort}`];
    await seedDemo(createDb({ table: TABLE_NAME, endpoint: database.endpoint, region: "us-east-1" }), [
      base,
      `http://127.0.0.1:${options.port}`,
      ...demoOrigins,
    ]);

    const env = {
      ...process.env,
      ...options.env,
      DYNAMODB_ENDPOINT: database.endpoint,
      WEBIM_SECRET: secret,
      PORT: String(options.port),
      WEBSOCKET_PORT: String(options.websocketPort ?? options.port + 1),
      WEBIM_BUILD_SUFFIX: options.buildSuffix ?? "",
      LAMBDA_PORT: String(options.lambdaPort ?? options.port + 2),
      // No account and no network: nothing may try to reach AWS or the framework's servers.
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_REGION: "us-east-1",
      SLS_TELEMETRY_DISABLED: "1",
      SLS_NOTIFICATIONS_MODE: "off",
    };
    const child = spawn(join(ROOT, "node_modules/.bin/serverless"), ["offline", "start", "--stage", "local"], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: options.logFile ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
    });
    if (options.logFile) {
      mkdirSync(dirname(options.logFile), { recursive: true });
      const log = createWriteStream(options.logFile);
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
    }
    let demo: DemoSite | undefined;
    try {
      await waitUntilServing(base, child, 120_000);
      if (options.demoPort !== undefined) {
        demo = await startDemoSite({ port: options.demoPort, apiBase: base, domain: DEMO_DOMAIN, root: ROOT });
      }
    } catch (error) {
      await stopChild(child);
      throw error;
    }
    return {
      baseUrl: base,
      consoleUrl: `${base}/console?domain=${DEMO_DOMAIN}`,
      demoUrl: demo?.url,
      databaseEndpoint: database.endpoint,
      databaseKind: database.kind,
      tableName: TABLE_NAME,
      secret,
      stop: async () => {
        await demo?.stop();
        await stopChild(child);
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
