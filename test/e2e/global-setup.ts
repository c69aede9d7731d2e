/**
 * The browser suite's own local stack (serverless offline, an embedded DynamoDB and the demo shop
 * on an origin of its own), on free ports, beside the integration suite's.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "../../scripts/lib/ports.js";
import { ROOT, type Stack, startStack } from "../../scripts/lib/stack.js";
import { CHROMIUM } from "./chromium.js";

let stack: Stack | undefined;

export async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser tests drive Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
  }
  stack = await startStack({
    port: await freePort(),
    websocketPort: await freePort(),
    lambdaPort: await freePort(),
    databasePort: await freePort(),
    demoPort: await freePort(),
    database: "dynalite",
    buildSuffix: "-e2e",
    env: {
      POLL_WAIT_MS: "2000",
      POLL_INTERVAL_MS: "50",
      POLL_INTERVAL_MAX_MS: "200",
    },
    logFile: join(ROOT, "test-results", "offline-e2e.log"),
  });
  if (!stack.demoUrl) throw new Error("the stack started no demo shop");
  project.provide("baseUrl", stack.baseUrl);
  project.provide("databaseEndpoint", stack.databaseEndpoint);
  project.provide("tableName", stack.tableName);
  project.provide("databaseKind", stack.databaseKind);
  project.provide("demoUrl", stack.demoUrl);
}

export async function teardown() {
  await stack?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    demoUrl: string;
  }
}
