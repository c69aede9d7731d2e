/**
 * The embedded DynamoDB of the local stack: dynalite (pure Node, the default) or Amazon's
 * DynamoDB Local (the jar shipped in the npm package amplify-dynamodb-simulator, run with Java).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import type { Server } from "node:net";
import { dirname, join } from "node:path";

export type DatabaseKind = "dynalite" | "dynamodb-local";

export interface Database {
  kind: DatabaseKind;
  endpoint: string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

async function startDynalite(port: number, path: string | undefined): Promise<Database> {
  const dynalite = require("dynalite") as (options: Record<string, unknown>) => Server;
  // No artificial table-creation delay: the table is usable at once, as in DynamoDB Local.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    kind: "dynalite",
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function waitForPort(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    try {
      await fetch(endpoint, { method: "POST" });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`);
}

async function startDynamoDbLocal(port: number): Promise<Database> {
  const dir = join(dirname(require.resolve("amplify-dynamodb-simulator/package.json")), "emulator");
  const child = spawn(
    "java",
    [
      `-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`,
      "-jar",
      join(dir, "DynamoDBLocal.jar"),
      "-inMemory",
      "-port",
      String(port),
    ],
    { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForPort(endpoint, child, 30_000);
  return {
    kind: "dynamodb-local",
    endpoint,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export function startDatabase(kind: DatabaseKind, port: number, path?: string | undefined): Promise<Database> {
  return kind === "dynalite" ? startDynalite(port, path) : startDynamoDbLocal(port);
}
