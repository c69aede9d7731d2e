/**
 * Starts one local stack (serverless offline + an embedded DynamoDB) for the integration suite.
 * WEBIM_DB=dynamodb-local runs the same suite on Amazon's DynamoDB Local instead of dynalite.
 */
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "../../scripts/lib/ports.js";
import { ROOT, type Stack, startStack } from "../../scripts/lib/stack.js";

let stack: Stack | undefined;

export async function setup(project: TestProject) {
  const database = process.env.WEBIM_DB === "dynamodb-local" ? "dynamodb-local" : "dynalite";
  const port = await freePort();
  const lambdaPort = await freePort();
  stack = await startStack({
    port,
    websocketPort: await freePort(),
    lambdaPort,
    databasePort: await freePort(),
    database,
    env: {
      // Short waits keep the suite fast; the rules are the same as with the defaults.
      POLL_WAIT_MS: "2000",
      POLL_INTERVAL_MS: "50",
      POLL_INTERVAL_MAX_MS: "200",
      PRESENCE_GRACE_SECONDS: "4",
      // A removed agent is seen by the functions after this (30 s by default).
      SITE_CACHE_SECONDS: "2",
      WEBIM_SWEEP_SCHEDULE: "false",
    },
    logFile: join(ROOT, "test-results", `offline-${database}.log`),
  });
  project.provide("baseUrl", stack.baseUrl);
  project.provide("databaseEndpoint", stack.databaseEndpoint);
  project.provide("tableName", stack.tableName);
  project.provide("databaseKind", database);
  project.provide("lambdaUrl", `http://127.0.0.1:${lambdaPort}`);
}

export async function teardown() {
  await stack?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    databaseEndpoint: string;
    tableName: string;
    databaseKind: string;
    /** serverless offline's Lambda invoke API, for functions with no HTTP route (the sweep). */
    lambdaUrl: string;
  }
}
